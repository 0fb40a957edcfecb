package io.nlb4j.model;

import java.time.Duration;

/**
 * Passive health checking: a server that fails {@code consecutiveFailures} connections in a row (connect
 * failures or resets seen by the load balancer) is ejected — given no new connections — for
 * {@code baseEjectionTime} times the number of times it has been ejected, and at most
 * {@code maxEjectionPercent} of a service's servers are ejected at once (at least one may always be).
 * Envoy's outlier detection is the model, and its defaults are these: 5 failures, 30 s, 10%.
 *
 * @param enabled whether passive checking runs; default {@code true}
 * @param consecutiveFailures failures in a row that eject a server; default {@value #DEFAULT_CONSECUTIVE_FAILURES}
 * @param baseEjectionTime the first ejection's length; default {@value #DEFAULT_BASE_EJECTION_SECONDS}s
 * @param maxEjectionPercent the largest share of servers ejected at once; default {@value #DEFAULT_MAX_EJECTION_PERCENT}
 */
public record OutlierDetection(Boolean enabled, Integer consecutiveFailures, Duration baseEjectionTime,
                               Integer maxEjectionPercent) {

    /** Default failures in a row that eject a server. */
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    /** Default first ejection length, in seconds. */
    public static final long DEFAULT_BASE_EJECTION_SECONDS = 30;
    /** Default largest share of ejected servers, in percent. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;

    /**
     * Creates the setting; absent values take the defaults stated on this class.
     */
    public OutlierDetection {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        consecutiveFailures = consecutiveFailures == null ? DEFAULT_CONSECUTIVE_FAILURES : consecutiveFailures;
        baseEjectionTime = baseEjectionTime == null ? Duration.ofSeconds(DEFAULT_BASE_EJECTION_SECONDS)
                : baseEjectionTime;
        maxEjectionPercent = maxEjectionPercent == null ? DEFAULT_MAX_EJECTION_PERCENT : maxEjectionPercent;
    }

    /**
     * Passive checking with the default settings.
     *
     * @return the setting
     */
    public static OutlierDetection defaults() {
        return new OutlierDetection(true, null, null, null);
    }

    /**
     * No passive checking.
     *
     * @return the setting
     */
    public static OutlierDetection off() {
        return new OutlierDetection(false, null, null, null);
    }

    /**
     * Passive checking with the given settings.
     *
     * @param consecutiveFailures failures in a row that eject a server, at least 1
     * @param baseEjectionTime the first ejection's length
     * @param maxEjectionPercent the largest share of servers ejected at once, 0-100
     * @return the setting
     */
    public static OutlierDetection of(int consecutiveFailures, Duration baseEjectionTime, int maxEjectionPercent) {
        return new OutlierDetection(true, consecutiveFailures, baseEjectionTime, maxEjectionPercent);
    }
}
