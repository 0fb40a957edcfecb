package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A group of identical instances made from an {@link InstanceTemplate}, kept between a minimum and a
 * maximum count and spread evenly over its availability zones. Associated with a backend service, its
 * in-service instances are the service's servers, all with the same weight.
 */
public final class AvailabilityGroup {

    /** Default time an instance may stay unhealthy before it is replaced, in seconds. */
    public static final long DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS = 60;

    private final String name;
    private final Placement placement;
    private final InstanceTemplate template;
    private final Capacity capacity;
    private final Optional<TargetTracking> targetTracking;
    private final Duration replaceUnhealthyAfter;

    private AvailabilityGroup(Builder b) {
        this.name = b.name;
        this.placement = b.makePlacement();
        this.template = b.template.make();
        this.capacity = b.capacity();
        this.targetTracking = Optional.ofNullable(b.targetTracking).map(TargetTracking.Builder::make);
        this.replaceUnhealthyAfter = b.replaceUnhealthyAfter();
    }

    /**
     * Starts building a group.
     *
     * @param name the group's name; {@code null} (not set, as a file may leave it out) is reported when the group
     *        is built
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Returns a builder holding this group's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(name).placement(placement).template(template).capacity(capacity)
                .replaceUnhealthyAfter(replaceUnhealthyAfter);
        targetTracking.ifPresent(b::targetTracking);
        return b;
    }

    /**
     * Returns the group's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the group's region, VPC and zones: the load balancer's region and VPC, and zones it serves.
     *
     * @return the placement
     */
    public Placement placement() {
        return placement;
    }

    /**
     * Returns what each instance is.
     *
     * @return the template
     */
    public InstanceTemplate template() {
        return template;
    }

    /**
     * Returns how many instances to run.
     *
     * @return the capacity; {@link Capacity#DEFAULT} by default
     */
    public Capacity capacity() {
        return capacity;
    }

    /**
     * Returns the scaling policy that changes the desired capacity with load, if any.
     *
     * @return the policy
     */
    public Optional<TargetTracking> targetTracking() {
        return targetTracking;
    }

    /**
     * Returns how long an instance the load balancer's health check finds unhealthy may stay before it is
     * replaced (a new one is launched first, then the old one drains and is terminated).
     *
     * @return the delay; {@value #DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS}s by default
     */
    public Duration replaceUnhealthyAfter() {
        return replaceUnhealthyAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvailabilityGroup g && name.equals(g.name) && placement.equals(g.placement)
                && template.equals(g.template) && capacity.equals(g.capacity)
                && targetTracking.equals(g.targetTracking) && replaceUnhealthyAfter.equals(g.replaceUnhealthyAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, placement, template, capacity, targetTracking, replaceUnhealthyAfter);
    }

    @Override
    public String toString() {
        return "AvailabilityGroup(" + name + ", " + placement + ", " + template + ", " + capacity + ')';
    }

    /** Builds an {@link AvailabilityGroup}. */
    public static final class Builder extends PlacedBuilder<Builder> {
        String name;
        InstanceTemplate.Builder template;
        Integer min;
        Integer desired;
        Integer max;
        boolean capacitySet;
        TargetTracking.Builder targetTracking;
        Duration replaceUnhealthyAfter;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the instance template. Required.
         *
         * @param template the template
         * @return this builder
         */
        public Builder template(InstanceTemplate template) {
            this.template = Objects.requireNonNull(template, "template").toBuilder();
            return this;
        }

        /**
         * Sets the instance template from a builder; it is validated with this group.
         *
         * @param template the template builder; {@code null} is reported as a missing template when the group is built
         * @return this builder
         */
        public Builder template(InstanceTemplate.Builder template) {
            this.template = template == null ? null : template.copy();
            return this;
        }

        /**
         * Sets the capacity; checked when the group is built. Default one instance.
         *
         * @param min the fewest instances, 0-{@value Capacity#MAX_INSTANCES}
         * @param desired the instances to run now, between min and max
         * @param max the most instances, 1-{@value Capacity#MAX_INSTANCES}
         * @return this builder
         */
        public Builder capacity(int min, int desired, int max) {
            return capacity(Integer.valueOf(min), Integer.valueOf(desired), Integer.valueOf(max));
        }

        /**
         * Sets the capacity.
         *
         * @param capacity the capacity
         * @return this builder
         */
        public Builder capacity(Capacity capacity) {
            Objects.requireNonNull(capacity, "capacity");
            return capacity(capacity.min(), capacity.desired(), capacity.max());
        }

        /**
         * Sets the capacity, with absent values reported when the group is built: for files that may miss a
         * field.
         *
         * @param min the fewest instances; {@code null} is reported when the group is built
         * @param desired the instances to run now; {@code null} is reported when the group is built
         * @param max the most instances; {@code null} is reported when the group is built
         * @return this builder
         */
        public Builder capacity(Integer min, Integer desired, Integer max) {
            this.min = min;
            this.desired = desired;
            this.max = max;
            capacitySet = true;
            return this;
        }

        Capacity capacity() {
            return capacitySet ? Capacity.of(min, desired, max) : Capacity.DEFAULT;
        }

        /**
         * Sets a target-tracking scaling policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder targetTracking(TargetTracking policy) {
            this.targetTracking = Objects.requireNonNull(policy, "policy").toBuilder();
            return this;
        }

        /**
         * Sets a target-tracking scaling policy from a builder; it is validated with this group.
         *
         * @param policy the policy builder
         * @return this builder
         */
        public Builder targetTracking(TargetTracking.Builder policy) {
            this.targetTracking = Objects.requireNonNull(policy, "policy").copy();
            return this;
        }

        /**
         * Sets how long an instance may stay unhealthy before it is replaced. Default
         * {@value #DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS}s.
         *
         * @param delay a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder replaceUnhealthyAfter(Duration delay) {
            this.replaceUnhealthyAfter = Objects.requireNonNull(delay, "delay");
            return this;
        }

        Duration replaceUnhealthyAfter() {
            return replaceUnhealthyAfter == null ? Duration.ofSeconds(DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS)
                    : replaceUnhealthyAfter;
        }

        /**
         * Builds and validates the group on its own; checks against a load balancer's placement run when the
         * load balancer is built.
         *
         * @return the group
         * @throws SpecValidationException listing every violation
         */
        public AvailabilityGroup build() {
            SpecValidator.throwIfInvalid(SpecValidator.named("availability group", name),
                    v -> v.availabilityGroup("", this));
            return make();
        }

        AvailabilityGroup make() {
            return new AvailabilityGroup(this);
        }

        Builder copy() {
            Builder b = new Builder(name);
            copyPlacementTo(b);
            b.template = template == null ? null : template.copy();
            b.min = min;
            b.desired = desired;
            b.max = max;
            b.capacitySet = capacitySet;
            b.targetTracking = targetTracking == null ? null : targetTracking.copy();
            b.replaceUnhealthyAfter = replaceUnhealthyAfter;
            return b;
        }
    }
}
