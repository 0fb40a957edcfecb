package io.nlb4j.group;

import io.nlb4j.group.internal.GroupController;
import io.nlb4j.model.AvailabilityGroup;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs availability groups.
 */
public final class AvailabilityGroups {

    private AvailabilityGroups() {
    }

    /**
     * Starts running a group: launches its desired number of instances, spread over its zones, and keeps them
     * running until {@link RunningAvailabilityGroup#stop()}. Returns at once; the launches happen on the
     * group's control thread.
     *
     * @param spec the group
     * @param membership what the load balancer does with the group's instances
     * @param options the host, port, clock and threads to use
     * @return the running group
     * @throws IllegalArgumentException if the specification cannot be run (no zones, no launcher, a capacity
     *         outside {@code min <= desired <= max}, a target below 1)
     */
    public static RunningAvailabilityGroup start(AvailabilityGroup spec, GroupMembership membership,
                                                 GroupOptions options) {
        return start(spec, membership, options, event -> { });
    }

    /**
     * Starts running a group, like {@link #start(AvailabilityGroup, GroupMembership, GroupOptions)}, and
     * passes every event of the group to a listener, from the very first launch on (a subscriber of
     * {@link RunningAvailabilityGroup#events()} only sees the events after it subscribes).
     *
     * @param spec the group
     * @param membership what the load balancer does with the group's instances
     * @param options the host, port, clock and threads to use
     * @param listener called with each event on the group's control thread; must not block; its exceptions
     *        are logged and ignored
     * @return the running group
     * @throws IllegalArgumentException if the specification cannot be run
     */
    public static RunningAvailabilityGroup start(AvailabilityGroup spec, GroupMembership membership,
                                                 GroupOptions options, Consumer<? super GroupEvent> listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        GroupController.validate(spec);
        GroupOptions.OwnedScheduler scheduler = GroupOptions.claimScheduler(options, spec.name());
        return GroupController.start(spec, membership, options.scheduler(scheduler.scheduler()), scheduler.owned(),
                listener);
    }
}
