package io.nlb4j.group;

import io.nlb4j.model.Capacity;
import io.nlb4j.model.Durations;
import io.nlb4j.model.TargetTracking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Target tracking, as in AWS Auto Scaling: the desired capacity that keeps the average active connections per
 * in-service instance near the target, within min and max, with scale-out and scale-in cooldowns. Times are
 * clock nanoseconds.
 */
final class TargetTracker {

    private static final Logger log = LoggerFactory.getLogger(TargetTracker.class);

    private final String group;
    private final TargetTracking policy;
    private boolean hasScaledOut;
    private long lastScaleOut;
    private long lastScaling;

    TargetTracker(String group, TargetTracking policy, long now) {
        this.group = group;
        this.policy = policy;
        this.lastScaling = now;
    }

    /** Any change of the capacity restarts the scale-in cooldown. */
    void capacityChanged(long now) {
        lastScaling = now;
    }

    /**
     * Returns the desired capacity the policy wants now, or the current one if it wants no change or a cooldown
     * holds it back.
     */
    int desired(long now, long connections, int inService, Capacity c) {
        if (inService == 0) {
            return c.desired();
        }
        int target = policy.targetConnectionsPerInstance();
        long wanted = (connections + target - 1) / target;
        int next = (int) Math.max(c.min(), Math.min(c.max(), wanted));
        if (next > c.desired()) {
            if (hasScaledOut && now - lastScaleOut < policy.scaleOutCooldown().toNanos()) {
                log.debug("availability group {}: scale-out to {} deferred by scaleOutCooldown {}", group, next,
                        Durations.format(policy.scaleOutCooldown()));
                return c.desired();
            }
            hasScaledOut = true;
            lastScaleOut = now;
        } else if (next < c.desired() && now - lastScaling < policy.scaleInCooldown().toNanos()) {
            log.debug("availability group {}: scale-in to {} deferred by scaleInCooldown {}", group, next,
                    Durations.format(policy.scaleInCooldown()));
            return c.desired();
        }
        return next;
    }

    int target() {
        return policy.targetConnectionsPerInstance();
    }
}
