package io.nlb4j.group;

/**
 * Where an instance of an availability group is in its life:
 * {@code PENDING → IN_SERVICE → DRAINING → TERMINATED}. A pending instance that is no longer wanted, or
 * whose launch fails, goes straight to its end without serving.
 */
public enum InstanceState {
    /** Being launched; not registered with the load balancer. */
    PENDING,
    /** Launched and registered as a server of every associated backend service. */
    IN_SERVICE,
    /** Deregistered and draining its connections; terminated once draining ends. */
    DRAINING,
    /** Stopped; its handle is closed. Terminated instances are no longer listed by the group. */
    TERMINATED
}
