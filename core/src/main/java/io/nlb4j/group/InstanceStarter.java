package io.nlb4j.group;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import reactor.core.publisher.Mono;

/**
 * How an availability group starts its instances: the template's {@link InstanceLauncher} says what an instance
 * is, a starter makes one. {@link #standard()} calls in-process factories on a worker thread and runs
 * processes; another starter can start instances elsewhere (containers, a cloud API) or fake them in tests.
 */
@FunctionalInterface
public interface InstanceStarter {

    /**
     * Starts one instance. Called in the group's control context: it must not block; the returned Mono
     * completes with the handle once the instance is ready for traffic, or fails if it could not be started.
     * The group never cancels it: an instance no longer wanted is terminated once its start completes.
     *
     * @param launcher the template's launcher
     * @param context the instance to start
     * @return the running instance
     */
    Mono<InstanceHandle> start(InstanceLauncher launcher, InstanceContext context);

    /**
     * The standard starter: an {@link io.nlb4j.model.InProcessLauncher}'s factory is called on a worker thread
     * ({@code Schedulers.boundedElastic()}); a {@link io.nlb4j.model.ProcessLauncher} starts an operating-system
     * process and waits, on a worker thread, until its port accepts connections.
     *
     * @return the starter
     */
    static InstanceStarter standard() {
        return StandardStarter.INSTANCE;
    }
}
