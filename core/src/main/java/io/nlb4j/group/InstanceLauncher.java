package io.nlb4j.group;

import reactor.core.publisher.Mono;

/**
 * Starts the instances of an availability group from its instance template. Implementations:
 * {@link InstanceLaunchers#inProcess(InstanceFactory)} and {@link InstanceLaunchers#process(String...)}.
 */
public interface InstanceLauncher {

    /**
     * Starts one instance. The returned {@link Mono} completes with the handle once the instance is ready
     * for traffic, or fails if it could not be started. It must not block the subscribing thread.
     *
     * @param context the instance to start
     * @return the running instance
     */
    Mono<InstanceHandle> launch(InstanceContext context);
}
