package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A target-tracking scaling policy, as in AWS Auto Scaling: keeps the average number of active
 * connections per in-service instance near a target by changing the group's desired capacity within its
 * minimum and maximum. After a scale-out, no further scale-out happens for {@code scaleOutCooldown}; after
 * any scaling, no scale-in happens for {@code scaleInCooldown}.
 */
public final class TargetTracking {

    /** Default scale-out cooldown, in seconds. */
    public static final long DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 60;
    /** Default scale-in cooldown, in seconds. */
    public static final long DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;
    /**
     * The largest target: {@value} active connections per instance, so that the target times
     * {@link Capacity#MAX_INSTANCES} instances is still an {@code int}.
     */
    public static final int MAX_TARGET_CONNECTIONS_PER_INSTANCE = 1_000_000;

    private final int targetConnectionsPerInstance;
    private final Duration scaleOutCooldown;
    private final Duration scaleInCooldown;

    private TargetTracking(Builder b) {
        this.targetConnectionsPerInstance = b.targetConnectionsPerInstance;
        this.scaleOutCooldown = b.scaleOutCooldown();
        this.scaleInCooldown = b.scaleInCooldown();
    }

    /**
     * A policy with the default cooldowns.
     *
     * @param targetConnectionsPerInstance the target, 1-{@value #MAX_TARGET_CONNECTIONS_PER_INSTANCE}
     * @return the policy
     * @throws SpecValidationException if the target is out of range
     */
    public static TargetTracking activeConnectionsPerInstance(int targetConnectionsPerInstance) {
        return builder(targetConnectionsPerInstance).build();
    }

    /**
     * Starts building a policy.
     *
     * @param targetConnectionsPerInstance the average active connections per instance to keep,
     *        1-{@value #MAX_TARGET_CONNECTIONS_PER_INSTANCE}; {@code null} (not set, as a file may leave it out) is
     *        reported when the policy is built
     * @return a builder
     */
    public static Builder builder(Integer targetConnectionsPerInstance) {
        return new Builder(targetConnectionsPerInstance);
    }

    /**
     * Returns a builder holding this policy's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return builder(targetConnectionsPerInstance).scaleOutCooldown(scaleOutCooldown).scaleInCooldown(scaleInCooldown);
    }

    /**
     * Returns a copy with other cooldowns.
     *
     * @param scaleOut quiet time after a scale-out, zero or positive, at most {@link Durations#MAX_DURATION}
     * @param scaleIn quiet time before a scale-in, zero or positive, at most {@link Durations#MAX_DURATION}
     * @return the new policy
     * @throws SpecValidationException if a cooldown is negative or too long
     */
    public TargetTracking cooldowns(Duration scaleOut, Duration scaleIn) {
        Objects.requireNonNull(scaleOut, "scaleOut");
        Objects.requireNonNull(scaleIn, "scaleIn");
        return toBuilder().scaleOutCooldown(scaleOut).scaleInCooldown(scaleIn).build();
    }

    /**
     * Returns the average active connections per instance to keep.
     *
     * @return at least 1
     */
    public int targetConnectionsPerInstance() {
        return targetConnectionsPerInstance;
    }

    /**
     * Returns the quiet time after a scale-out.
     *
     * @return the cooldown; {@value #DEFAULT_SCALE_OUT_COOLDOWN_SECONDS}s by default
     */
    public Duration scaleOutCooldown() {
        return scaleOutCooldown;
    }

    /**
     * Returns the quiet time after any scaling before a scale-in.
     *
     * @return the cooldown; {@value #DEFAULT_SCALE_IN_COOLDOWN_SECONDS}s by default
     */
    public Duration scaleInCooldown() {
        return scaleInCooldown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetTracking t && targetConnectionsPerInstance == t.targetConnectionsPerInstance
                && scaleOutCooldown.equals(t.scaleOutCooldown) && scaleInCooldown.equals(t.scaleInCooldown);
    }

    @Override
    public int hashCode() {
        return Objects.hash(targetConnectionsPerInstance, scaleOutCooldown, scaleInCooldown);
    }

    @Override
    public String toString() {
        return "TargetTracking(" + targetConnectionsPerInstance + " per instance, out "
                + Durations.format(scaleOutCooldown) + ", in " + Durations.format(scaleInCooldown) + ')';
    }

    /** Builds a {@link TargetTracking}. */
    public static final class Builder {
        Integer targetConnectionsPerInstance;
        Duration scaleOutCooldown;
        Duration scaleInCooldown;

        private Builder(Integer target) {
            this.targetConnectionsPerInstance = target;
        }

        /**
         * Sets the quiet time after a scale-out. Default {@value #DEFAULT_SCALE_OUT_COOLDOWN_SECONDS}s.
         *
         * @param cooldown zero or a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder scaleOutCooldown(Duration cooldown) {
            this.scaleOutCooldown = Objects.requireNonNull(cooldown, "cooldown");
            return this;
        }

        /**
         * Sets the quiet time before a scale-in. Default {@value #DEFAULT_SCALE_IN_COOLDOWN_SECONDS}s.
         *
         * @param cooldown zero or a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder scaleInCooldown(Duration cooldown) {
            this.scaleInCooldown = Objects.requireNonNull(cooldown, "cooldown");
            return this;
        }

        Duration scaleOutCooldown() {
            return scaleOutCooldown == null ? Duration.ofSeconds(DEFAULT_SCALE_OUT_COOLDOWN_SECONDS) : scaleOutCooldown;
        }

        Duration scaleInCooldown() {
            return scaleInCooldown == null ? Duration.ofSeconds(DEFAULT_SCALE_IN_COOLDOWN_SECONDS) : scaleInCooldown;
        }

        /**
         * Builds and validates the policy.
         *
         * @return the policy
         * @throws SpecValidationException listing every violation
         */
        public TargetTracking build() {
            SpecValidator.throwIfInvalid("target tracking", v -> v.targetTracking("", this));
            return make();
        }

        TargetTracking make() {
            return new TargetTracking(this);
        }

        Builder copy() {
            Builder b = new Builder(targetConnectionsPerInstance);
            b.scaleOutCooldown = scaleOutCooldown;
            b.scaleInCooldown = scaleInCooldown;
            return b;
        }
    }
}
