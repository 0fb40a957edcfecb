package io.nlb4j.group;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in an availability group, published by {@link RunningAvailabilityGroup#events()}.
 *
 * @param type what happened
 * @param time when it happened (measured with the group's ticker, anchored to the wall clock at start)
 * @param group the group's name
 * @param instanceId the instance concerned, if the event is about one instance
 * @param zone the instance's zone, if the event is about one instance
 * @param detail a human-readable explanation with the numbers behind the event
 */
public record GroupEvent(Type type, Instant time, String group, Optional<String> instanceId, Optional<String> zone,
                         String detail) {

    /**
     * Creates an event.
     *
     * @throws NullPointerException if any argument is {@code null}
     */
    public GroupEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(detail, "detail");
    }

    /** The kinds of {@link GroupEvent}. */
    public enum Type {
        /** An instance is being launched (it is {@link InstanceState#PENDING}). */
        LAUNCHING,
        /** A launch failed; the detail holds the cause and when the group retries. */
        LAUNCH_FAILED,
        /** An instance was launched and registered with the load balancer. */
        IN_SERVICE,
        /** An instance was deregistered and is draining. */
        DRAINING,
        /** An instance was stopped. */
        TERMINATED,
        /** An instance unhealthy for longer than the group allows is being replaced. */
        REPLACING,
        /** The group's capacity (min, desired, max) changed. */
        CAPACITY_CHANGED,
        /** The target-tracking policy changed the desired capacity; the detail holds its numbers. */
        SCALING
    }
}
