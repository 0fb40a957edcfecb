package io.nlb4j.healthcheck;

import java.util.concurrent.TimeUnit;

/**
 * Passive health: ejects a server after consecutive failures seen by the data plane (connect failures
 * and resets), for a back-off that grows with each ejection, and never ejects more than a share of a
 * service's servers. Envoy's outlier detection is the model: by default 5 consecutive failures eject, the
 * base ejection time is 30 s (multiplied by the number of times the server was ejected), and at most 10%
 * of the servers are ejected — but at least one may always be.
 *
 * <p>The data plane counts each server's consecutive failures (a success resets the count) and asks
 * {@link #ejects(int)} from any event loop; {@link #eject} and {@link #release} run in the control context.
 */
public final class OutlierDetector {

    /** One server's ejection state; changed in the control context. */
    public static final class Host {
        private volatile boolean ejected;
        private int ejections;
        private long ejectedUntilNanos;

        /**
         * Tells whether the server is ejected now.
         *
         * @return {@code true} while ejected
         */
        public boolean ejected() {
            return ejected;
        }

        /**
         * Returns how many times the server has been ejected.
         *
         * @return the count
         */
        public int ejections() {
            return ejections;
        }

        /**
         * Returns when the current ejection ends, in ticker nanoseconds.
         *
         * @return the end of the ejection; meaningless when not ejected
         */
        public long ejectedUntilNanos() {
            return ejectedUntilNanos;
        }
    }

    /** The longest ejection, unless the first is longer: Envoy's {@code max_ejection_time} default. */
    static final long MAX_EJECTION_NANOS = TimeUnit.SECONDS.toNanos(300);

    private final int consecutiveFailures;
    private final long baseEjectionNanos;
    private final int maxEjectionPercent;

    /**
     * Creates a detector.
     *
     * @param consecutiveFailures failures in a row that eject a server, at least 1
     * @param baseEjectionNanos the first ejection's length; the n-th lasts n times as long, up to
     *        {@link #MAX_EJECTION_NANOS} or the first ejection's length if that is longer
     * @param maxEjectionPercent the largest share of servers ejected at once, 0-100 (at least one server may
     *        always be ejected)
     */
    public OutlierDetector(int consecutiveFailures, long baseEjectionNanos, int maxEjectionPercent) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: at least 1)");
        }
        if (baseEjectionNanos <= 0) {
            throw new IllegalArgumentException("baseEjectionTime: " + baseEjectionNanos + "ns (expected: positive)");
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent: " + maxEjectionPercent + " (expected: 0-100)");
        }
        this.consecutiveFailures = consecutiveFailures;
        this.baseEjectionNanos = baseEjectionNanos;
        this.maxEjectionPercent = maxEjectionPercent;
    }

    /**
     * Tells whether a server's count of consecutive failures has just reached the threshold.
     *
     * @param consecutive the server's failures in a row, this one included
     * @return {@code true} exactly when this failure reaches the threshold: the caller should then call
     *         {@link #eject} in the control context
     */
    public boolean ejects(int consecutive) {
        return consecutive == consecutiveFailures;
    }

    /**
     * Ejects a server if the share of ejected servers allows it. Control thread only.
     *
     * @param host the server
     * @param ejectedNow servers of the service ejected now
     * @param servers servers of the service
     * @param nowNanos the ticker's time
     * @return the ejection's length in nanoseconds, or 0 if the server was not ejected
     */
    public long eject(Host host, int ejectedNow, int servers, long nowNanos) {
        if (host.ejected) {
            return 0;
        }
        boolean allowed = ejectedNow == 0 || (ejectedNow + 1) * 100 <= maxEjectionPercent * servers;
        if (!allowed) {
            return 0;
        }
        host.ejections++;
        long cap = Math.max(baseEjectionNanos, MAX_EJECTION_NANOS);
        long length = host.ejections > cap / baseEjectionNanos ? cap : Math.min(cap, baseEjectionNanos * host.ejections);
        host.ejectedUntilNanos = nowNanos + length;
        host.ejected = true;
        return length;
    }

    /**
     * Returns an ejected server to service. Control thread only.
     *
     * @param host the server
     */
    public void release(Host host) {
        host.ejected = false;
    }
}
