package io.nlb4j.group;

import reactor.core.publisher.Mono;

/**
 * What the load balancer does with a group's instances. Called on the group's control thread; must not
 * block.
 */
public interface GroupMembership {

    /**
     * The instance is ready: register it as a server of every associated backend service.
     *
     * @param instance the instance, {@link InstanceState#IN_SERVICE} with its address
     */
    void register(InstanceInfo instance);

    /**
     * The instance is leaving: deregister it everywhere (it drains); the Mono completes when it has drained.
     * The group terminates the instance only after the Mono completes (or fails).
     *
     * @param instance the instance, {@link InstanceState#DRAINING}
     * @return a Mono completing once the instance's connections have drained
     */
    Mono<Void> deregister(InstanceInfo instance);
}
