package io.nlb4j.group;

import io.nlb4j.membership.HealthStatus;
import reactor.core.publisher.Mono;

/**
 * What the consumer of a group's instances (the load balancer) does with them. Called in the group's control
 * context; must not block.
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

    /**
     * Tells whether this membership reports every instance's health through
     * {@link RunningAvailabilityGroup#reportHealth(String, HealthStatus)}, including a new instance's first
     * report. If it does, an instance being replaced drains only once its replacement is reported healthy, and
     * instances are {@link HealthStatus#PENDING} until their first report; otherwise an instance counts as
     * healthy once in service. The default is {@code false}.
     *
     * @return whether health is reported
     */
    default boolean reportsHealth() {
        return false;
    }
}
