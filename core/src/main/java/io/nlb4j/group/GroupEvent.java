package io.nlb4j.group;

import io.nlb4j.model.Capacity;
import io.nlb4j.model.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in an availability group, published by {@link RunningAvailabilityGroup#events()}.
 * Each kind is a record with typed fields; {@link #description()} derives the human-readable text from them.
 */
public sealed interface GroupEvent {

    /**
     * Returns when it happened, measured with the group's clock and anchored to the wall clock at start.
     *
     * @return the time
     */
    Instant time();

    /**
     * Returns the group's name.
     *
     * @return the name
     */
    String group();

    /**
     * Returns the event in words, with the numbers behind it.
     *
     * @return the description
     */
    String description();

    /**
     * Returns the instance the event is about, if it is about one instance.
     *
     * @return the instance id
     */
    default Optional<String> instanceId() {
        return Optional.empty();
    }

    /** Why an instance is drained. */
    enum DrainReason {
        /** The desired capacity went down. */
        SCALE_IN,
        /** It was unhealthy for too long and its replacement is ready (or the group is at max). */
        REPLACED,
        /** The group is stopping. */
        STOPPING
    }

    /** Who changed a group's capacity. */
    enum CapacityCause {
        /** A call of {@link RunningAvailabilityGroup#setCapacity} or {@link RunningAvailabilityGroup#setDesiredCapacity}. */
        USER,
        /** The group's target-tracking policy. */
        TARGET_TRACKING
    }

    /**
     * An instance is being launched (it is {@link InstanceState#PENDING}).
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param host the address it is to listen on
     * @param port the port it is to listen on; 0: a port of its choice
     * @param replacing the instance it replaces, if any
     */
    record Launching(Instant time, String group, String instance, String zone, String host, int port,
                     Optional<String> replacing) implements GroupEvent {
        /** Checks the fields. */
        public Launching {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(replacing, "replacing");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " launching in zone " + zone + " on " + host + ':' + port
                    + replacing.map(r -> " to replace " + r).orElse("");
        }
    }

    /**
     * A launch failed.
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param cause why, for programs; {@link #description()} gives its message, without the class name
     * @param consecutiveFailures the failed launches in a row, this one included; 0 for a launch that no longer
     *        counted (the instance was no longer wanted)
     * @param retryIn when the group launches again, if it does
     */
    record LaunchFailed(Instant time, String group, String instance, String zone, Throwable cause,
                        int consecutiveFailures, Optional<Duration> retryIn) implements GroupEvent {
        /** Checks the fields. */
        public LaunchFailed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(retryIn, "retryIn");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " launch failed: " + Errors.launchSentence(instance, cause)
                    + retryIn.map(d -> "; failure " + consecutiveFailures + " in a row, next launch in "
                            + Durations.format(d)).orElse("");
        }
    }

    /**
     * An instance was launched and registered.
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param address where it serves traffic
     * @param replacing the instance it replaces, if any
     */
    record InService(Instant time, String group, String instance, String zone, InetSocketAddress address,
                     Optional<String> replacing) implements GroupEvent {
        /** Checks the fields. */
        public InService {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(replacing, "replacing");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " in service at " + address.getHostString() + ':' + address.getPort()
                    + " in zone " + zone + replacing.map(r -> ", replacing " + r).orElse("");
        }
    }

    /**
     * An instance was deregistered and is draining.
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param reason why
     * @param detail the numbers behind the reason, such as {@code desired 2} or {@code replaced by web-ag-7}
     */
    record Draining(Instant time, String group, String instance, String zone, DrainReason reason, String detail)
            implements GroupEvent {
        /** Checks the fields. */
        public Draining {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " draining (" + reason.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + (detail.isEmpty() ? "" : ": " + detail) + ')';
        }
    }

    /**
     * An instance was stopped.
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param error why stopping it failed, if it did (for programs; {@link #description()} gives its message)
     */
    record Terminated(Instant time, String group, String instance, String zone, Optional<Throwable> error)
            implements GroupEvent {
        /** Checks the fields. */
        public Terminated {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(error, "error");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " terminated"
                    + error.map(e -> "; stopping it failed: " + Errors.launchSentence(instance, e)).orElse("");
        }
    }

    /**
     * An instance unhealthy for longer than the group allows is being replaced.
     *
     * @param time when
     * @param group the group
     * @param instance the instance's id
     * @param zone its zone
     * @param unhealthyFor how long it has been unhealthy
     * @param allowed the group's {@code replaceUnhealthyAfter}
     */
    record Replacing(Instant time, String group, String instance, String zone, Duration unhealthyFor,
                     Duration allowed) implements GroupEvent {
        /** Checks the fields. */
        public Replacing {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(unhealthyFor, "unhealthyFor");
            Objects.requireNonNull(allowed, "allowed");
        }

        @Override
        public Optional<String> instanceId() {
            return Optional.of(instance);
        }

        @Override
        public String description() {
            return "instance " + instance + " unhealthy for " + Durations.format(unhealthyFor)
                    + " (replaceUnhealthyAfter " + Durations.format(allowed) + "): replacing it in zone " + zone;
        }
    }

    /**
     * The group's capacity changed.
     *
     * @param time when
     * @param group the group
     * @param previous the capacity before
     * @param current the capacity now
     * @param cause who changed it
     */
    record CapacityChanged(Instant time, String group, Capacity previous, Capacity current, CapacityCause cause)
            implements GroupEvent {
        /** Checks the fields. */
        public CapacityChanged {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String description() {
            return "capacity " + previous + " -> " + current + " ("
                    + (cause == CapacityCause.USER ? "set by the user" : "target tracking") + ')';
        }
    }

    /**
     * The target-tracking policy is changing the desired capacity.
     *
     * @param time when
     * @param group the group
     * @param activeConnections the group's active connections
     * @param inService its in-service instances
     * @param target the policy's connections per instance
     * @param desiredBefore the desired capacity before
     * @param desiredAfter the desired capacity after, within min and max
     */
    record Scaling(Instant time, String group, long activeConnections, int inService, int target, int desiredBefore,
                   int desiredAfter) implements GroupEvent {
        /** Checks the fields. */
        public Scaling {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
        }

        /**
         * Tells whether this is a scale-out.
         *
         * @return {@code true} if the desired capacity grows
         */
        public boolean scaleOut() {
            return desiredAfter > desiredBefore;
        }

        @Override
        public String description() {
            return (scaleOut() ? "scale-out: " : "scale-in: ") + activeConnections + " active connections on "
                    + inService + " in-service instances (target " + target + " per instance): desired "
                    + desiredBefore + " -> " + desiredAfter;
        }
    }

    /**
     * The group is stopping: no more launches or scaling; what it runs is to be terminated. The numbers are those
     * of the moment the stop began: every instance the group had, launching ones included.
     *
     * @param time when
     * @param group the group
     * @param inService instances in service, which drain and are then terminated
     * @param draining instances already draining, terminated once drained
     * @param launching instances still launching, whose launches are stopped
     */
    record Stopping(Instant time, String group, int inService, int draining, int launching) implements GroupEvent {
        /** Checks the fields. */
        public Stopping {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
        }

        /**
         * Returns how many instances the stop terminates.
         *
         * @return in service, draining and launching together
         */
        public int instances() {
            return inService + draining + launching;
        }

        @Override
        public String description() {
            return "stopping: terminating " + instances() + (instances() == 1 ? " instance (" : " instances (")
                    + inService + " in service, " + draining + " draining, " + launching + " launching)";
        }
    }

    /**
     * The group has stopped: every instance is terminated; the last event of the group.
     *
     * @param time when
     * @param group the group
     * @param terminated how many instances the stop terminated, launching ones included
     */
    record Stopped(Instant time, String group, int terminated) implements GroupEvent {
        /** Checks the fields. */
        public Stopped {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
        }

        @Override
        public String description() {
            return "stopped: " + terminated + (terminated == 1 ? " instance" : " instances") + " terminated";
        }
    }
}
