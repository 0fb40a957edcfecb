package io.nlb4j.model;

import java.time.Duration;

/**
 * A target-tracking scaling policy, as in AWS Auto Scaling: keeps the average number of active
 * connections per in-service instance near a target by changing the group's desired capacity within its
 * minimum and maximum. After a scale-out, no further scale-out happens for {@code scaleOutCooldown}; after
 * any scaling, no scale-in happens for {@code scaleInCooldown}.
 *
 * @param targetConnectionsPerInstance the average active connections per instance to keep, at least 1
 * @param scaleOutCooldown quiet time after a scale-out; default {@value #DEFAULT_SCALE_OUT_COOLDOWN_SECONDS}s
 * @param scaleInCooldown quiet time before a scale-in; default {@value #DEFAULT_SCALE_IN_COOLDOWN_SECONDS}s
 */
public record TargetTracking(Integer targetConnectionsPerInstance, Duration scaleOutCooldown, Duration scaleInCooldown) {

    /** Default scale-out cooldown, in seconds. */
    public static final long DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 60;
    /** Default scale-in cooldown, in seconds. */
    public static final long DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;

    /**
     * Creates a policy; absent cooldowns take their defaults.
     */
    public TargetTracking {
        scaleOutCooldown = scaleOutCooldown == null ? Duration.ofSeconds(DEFAULT_SCALE_OUT_COOLDOWN_SECONDS)
                : scaleOutCooldown;
        scaleInCooldown = scaleInCooldown == null ? Duration.ofSeconds(DEFAULT_SCALE_IN_COOLDOWN_SECONDS)
                : scaleInCooldown;
    }

    /**
     * A policy with the default cooldowns.
     *
     * @param targetConnectionsPerInstance the target, at least 1
     * @return the policy
     */
    public static TargetTracking activeConnectionsPerInstance(int targetConnectionsPerInstance) {
        return new TargetTracking(targetConnectionsPerInstance, null, null);
    }

    /**
     * Returns a copy with other cooldowns.
     *
     * @param scaleOut quiet time after a scale-out
     * @param scaleIn quiet time before a scale-in
     * @return the new policy
     */
    public TargetTracking cooldowns(Duration scaleOut, Duration scaleIn) {
        return new TargetTracking(targetConnectionsPerInstance, scaleOut, scaleIn);
    }
}
