package io.nlb4j.healthcheck;

import io.nlb4j.membership.HealthStatus;

/**
 * The rise/fall state machine of one server (see {@link HealthStatus} for the rules). Not thread-safe:
 * each server's machine is driven from one thread.
 */
public final class RiseFall {

    private final int healthyThreshold;
    private final int unhealthyThreshold;
    private HealthStatus status = HealthStatus.PENDING;
    private int successes;
    private int failures;

    /**
     * Creates a machine in the {@link HealthStatus#PENDING} state.
     *
     * @param healthyThreshold consecutive successes that make an unhealthy server healthy, at least 1
     * @param unhealthyThreshold consecutive failures that make a server unhealthy, at least 1
     */
    public RiseFall(int healthyThreshold, int unhealthyThreshold) {
        if (healthyThreshold < 1) {
            throw new IllegalArgumentException("healthyThreshold: " + healthyThreshold + " (expected: at least 1)");
        }
        if (unhealthyThreshold < 1) {
            throw new IllegalArgumentException("unhealthyThreshold: " + unhealthyThreshold + " (expected: at least 1)");
        }
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
    }

    /**
     * Records a probe result.
     *
     * @param success whether the probe passed
     * @return the new status if this result changed it, otherwise {@code null}
     */
    public HealthStatus record(boolean success) {
        HealthStatus before = status;
        if (success) {
            failures = 0;
            successes++;
            if (status == HealthStatus.PENDING || status == HealthStatus.UNHEALTHY && successes >= healthyThreshold) {
                status = HealthStatus.HEALTHY;
            }
        } else {
            successes = 0;
            failures++;
            if (status != HealthStatus.UNHEALTHY && failures >= unhealthyThreshold) {
                status = HealthStatus.UNHEALTHY;
            }
        }
        return status == before ? null : status;
    }

    /**
     * Returns the current status.
     *
     * @return the status
     */
    public HealthStatus status() {
        return status;
    }
}
