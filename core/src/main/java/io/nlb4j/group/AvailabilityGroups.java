package io.nlb4j.group;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Durations;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Runs availability groups. As with a load balancer, {@link #start} returns a {@link Mono} and
 * {@link #startNow} blocks, at most {@link GroupOptions#startTimeout()}.
 */
public final class AvailabilityGroups {

    private AvailabilityGroups() {
    }

    /**
     * Starts running a group when subscribed: launches its desired number of instances, spread over its zones,
     * and keeps them running until {@link RunningAvailabilityGroup#stop()}.
     *
     * @param spec the group
     * @param membership what the load balancer does with the group's instances
     * @param options the host, port, control context and timings to use
     * @return emits the running group once each first launch has completed (in service or failed) and at least
     *         {@code min} instances are in service; the failed ones are retried with back-off. Fails with
     *         {@link GroupStartException} listing the launch errors if fewer than {@code min} instances could be
     *         launched; by then everything launched has been terminated. Cancelling the subscription stops the
     *         group the same way.
     */
    public static Mono<RunningAvailabilityGroup> start(AvailabilityGroup spec, GroupMembership membership,
                                                       GroupOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(options, "options");
        return Mono.defer(() -> GroupController.start(spec, membership, options));
    }

    /**
     * Starts running a group and waits until it runs, at most {@link GroupOptions#startTimeout()}.
     *
     * @param spec the group
     * @param membership what the load balancer does with the group's instances
     * @param options the host, port, control context and timings to use
     * @return the running group
     * @throws GroupStartException if fewer than {@code min} instances could be launched
     * @throws IllegalStateException if the group did not start within the start timeout (it is then stopped)
     */
    public static RunningAvailabilityGroup startNow(AvailabilityGroup spec, GroupMembership membership,
                                                    GroupOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(options, "options");
        Duration timeout = options.startTimeout();
        RunningAvailabilityGroup group = start(spec, membership, options)
                .timeout(timeout, Mono.error(() -> new IllegalStateException("availability group \"" + spec.name()
                        + "\" did not start within " + Durations.format(timeout)
                        + " (expected: its first launches within GroupOptions.startTimeout)")))
                .block();
        return Objects.requireNonNull(group, "group");
    }
}
