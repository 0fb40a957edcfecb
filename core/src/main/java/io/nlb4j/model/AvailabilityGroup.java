package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A group of identical instances made from an {@link InstanceTemplate}, kept between a minimum and a
 * maximum count and spread evenly over its availability zones. Associated with a backend service, its
 * in-service instances are the service's servers, all with the same weight.
 *
 * @param name the group's name
 * @param placement the group's region, VPC and zones; must be the load balancer's region and VPC, and
 *        its zones must be served by the load balancer
 * @param template what each instance is
 * @param capacity how many instances to run; default {@link Capacity#DEFAULT}
 * @param targetTracking a scaling policy that changes the desired capacity with load, if any
 * @param replaceUnhealthyAfter an instance the load balancer's health check finds unhealthy for this long
 *        is replaced (a new one is launched first, then the old one drains and is terminated); default
 *        {@value #DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS}s
 */
public record AvailabilityGroup(String name, Placement placement, InstanceTemplate template, Capacity capacity,
                                Optional<TargetTracking> targetTracking, Duration replaceUnhealthyAfter) {

    /** Default time an instance may stay unhealthy before it is replaced, in seconds. */
    public static final long DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS = 60;

    /**
     * Creates a group; absent values take their defaults.
     */
    public AvailabilityGroup {
        capacity = capacity == null ? Capacity.DEFAULT : capacity;
        targetTracking = targetTracking == null ? Optional.empty() : targetTracking;
        replaceUnhealthyAfter = replaceUnhealthyAfter == null
                ? Duration.ofSeconds(DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS) : replaceUnhealthyAfter;
    }

    /**
     * Creates a group without a scaling policy and with the default replacement delay.
     *
     * @param name the group's name
     * @param placement its placement
     * @param template its instance template
     * @param capacity its capacity
     */
    public AvailabilityGroup(String name, Placement placement, InstanceTemplate template, Capacity capacity) {
        this(name, placement, template, capacity, Optional.empty(), null);
    }

    /**
     * Starts building a group.
     *
     * @param name the group's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds an {@link AvailabilityGroup}. */
    public static final class Builder extends PlacedBuilder<Builder> {
        private final String name;
        private InstanceTemplate template;
        private Capacity capacity;
        private TargetTracking targetTracking;
        private Duration replaceUnhealthyAfter;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Sets the instance template. Required.
         *
         * @param template the template
         * @return this builder
         */
        public Builder template(InstanceTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * Sets the capacity.
         *
         * @param min the fewest instances
         * @param desired the instances to run now
         * @param max the most instances
         * @return this builder
         */
        public Builder capacity(int min, int desired, int max) {
            this.capacity = Capacity.of(min, desired, max);
            return this;
        }

        /**
         * Sets a target-tracking scaling policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder targetTracking(TargetTracking policy) {
            this.targetTracking = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets how long an instance may stay unhealthy before it is replaced. Default
         * {@value #DEFAULT_REPLACE_UNHEALTHY_AFTER_SECONDS}s.
         *
         * @param delay a positive duration
         * @return this builder
         */
        public Builder replaceUnhealthyAfter(Duration delay) {
            this.replaceUnhealthyAfter = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Builds and validates the group on its own; checks against a load balancer's placement run when
         * the load balancer is built.
         *
         * @return the group
         * @throws SpecValidationException listing every violation
         */
        public AvailabilityGroup build() {
            AvailabilityGroup g = new AvailabilityGroup(name,
                    builtPlacement(), template, capacity,
                    Optional.ofNullable(targetTracking), replaceUnhealthyAfter);
            SpecValidator.throwIfInvalid("availability group \"" + name + '"', v -> v.availabilityGroup(g, ""));
            return g;
        }
    }
}
