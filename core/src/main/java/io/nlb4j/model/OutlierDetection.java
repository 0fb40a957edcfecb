package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health checking: a server that fails {@code consecutiveFailures} connections in a row (connect
 * failures or resets seen by the load balancer) is ejected — given no new connections — for
 * {@code baseEjectionTime} times the number of times it has been ejected (at most 300 s, Envoy's
 * {@code max_ejection_time}, or {@code baseEjectionTime} itself if that is longer), and at most
 * {@code maxEjectionPercent} of a service's servers are ejected at once (at least one may always be).
 * Envoy's outlier detection is the model, and its defaults are these: 5 failures, 30 s, 10%.
 */
public final class OutlierDetection {

    /** Default failures in a row that eject a server. */
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    /** Default first ejection length, in seconds. */
    public static final long DEFAULT_BASE_EJECTION_SECONDS = 30;
    /** Default largest share of ejected servers, in percent. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
    /** The largest {@code consecutiveFailures}: {@value} failures in a row. */
    public static final int MAX_CONSECUTIVE_FAILURES = 1000;

    private static final OutlierDetection DEFAULTS = new Builder().make();
    private static final OutlierDetection OFF = new Builder().enabled(false).make();

    private final boolean enabled;
    private final int consecutiveFailures;
    private final Duration baseEjectionTime;
    private final int maxEjectionPercent;

    private OutlierDetection(Builder b) {
        this.enabled = b.enabled;
        this.consecutiveFailures = b.consecutiveFailures();
        this.baseEjectionTime = b.baseEjectionTime();
        this.maxEjectionPercent = b.maxEjectionPercent();
    }

    /**
     * Passive checking with the default settings.
     *
     * @return the setting
     */
    public static OutlierDetection defaults() {
        return DEFAULTS;
    }

    /**
     * No passive checking.
     *
     * @return the setting
     */
    public static OutlierDetection off() {
        return OFF;
    }

    /**
     * Passive checking with the given settings.
     *
     * @param consecutiveFailures failures in a row that eject a server, 1-{@value #MAX_CONSECUTIVE_FAILURES}
     * @param baseEjectionTime the first ejection's length, positive, at most {@link Durations#MAX_DURATION}
     * @param maxEjectionPercent the largest share of servers ejected at once, 0-100
     * @return the setting
     * @throws SpecValidationException naming every wrong value
     */
    public static OutlierDetection of(int consecutiveFailures, Duration baseEjectionTime, int maxEjectionPercent) {
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        return builder().consecutiveFailures(consecutiveFailures).baseEjectionTime(baseEjectionTime)
                .maxEjectionPercent(maxEjectionPercent).build();
    }

    /**
     * Starts building a setting; it starts enabled with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this setting's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return builder().enabled(enabled).consecutiveFailures(consecutiveFailures).baseEjectionTime(baseEjectionTime)
                .maxEjectionPercent(maxEjectionPercent);
    }

    /**
     * Tells whether passive checking runs.
     *
     * @return {@code true} by default
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Returns the failures in a row that eject a server.
     *
     * @return at least 1; {@value #DEFAULT_CONSECUTIVE_FAILURES} by default
     */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * Returns the first ejection's length.
     *
     * @return a positive duration; {@value #DEFAULT_BASE_EJECTION_SECONDS}s by default
     */
    public Duration baseEjectionTime() {
        return baseEjectionTime;
    }

    /**
     * Returns the largest share of a service's servers ejected at once.
     *
     * @return 0-100 percent; {@value #DEFAULT_MAX_EJECTION_PERCENT} by default
     */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutlierDetection d && enabled == d.enabled && consecutiveFailures == d.consecutiveFailures
                && baseEjectionTime.equals(d.baseEjectionTime) && maxEjectionPercent == d.maxEjectionPercent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, consecutiveFailures, baseEjectionTime, maxEjectionPercent);
    }

    @Override
    public String toString() {
        return enabled ? "OutlierDetection(" + consecutiveFailures + " failures, " + Durations.format(baseEjectionTime)
                + ", " + maxEjectionPercent + "%)" : "OutlierDetection(off)";
    }

    /** Builds an {@link OutlierDetection}. */
    public static final class Builder {
        boolean enabled = true;
        Integer consecutiveFailures;
        Duration baseEjectionTime;
        Integer maxEjectionPercent;

        private Builder() {
        }

        /**
         * Turns passive checking on or off. Default on.
         *
         * @param enabled whether it runs
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Sets the failures in a row that eject a server. Default {@value #DEFAULT_CONSECUTIVE_FAILURES}.
         *
         * @param failures 1-{@value #MAX_CONSECUTIVE_FAILURES}
         * @return this builder
         */
        public Builder consecutiveFailures(int failures) {
            this.consecutiveFailures = failures;
            return this;
        }

        /**
         * Sets the first ejection's length. Default {@value #DEFAULT_BASE_EJECTION_SECONDS}s.
         *
         * @param time a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder baseEjectionTime(Duration time) {
            this.baseEjectionTime = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * Sets the largest share of servers ejected at once. Default {@value #DEFAULT_MAX_EJECTION_PERCENT}.
         *
         * @param percent 0-100
         * @return this builder
         */
        public Builder maxEjectionPercent(int percent) {
            this.maxEjectionPercent = percent;
            return this;
        }

        int consecutiveFailures() {
            return consecutiveFailures == null ? DEFAULT_CONSECUTIVE_FAILURES : consecutiveFailures;
        }

        Duration baseEjectionTime() {
            return baseEjectionTime == null ? Duration.ofSeconds(DEFAULT_BASE_EJECTION_SECONDS) : baseEjectionTime;
        }

        int maxEjectionPercent() {
            return maxEjectionPercent == null ? DEFAULT_MAX_EJECTION_PERCENT : maxEjectionPercent;
        }

        /**
         * Builds and validates the setting.
         *
         * @return the setting
         * @throws SpecValidationException listing every violation
         */
        public OutlierDetection build() {
            SpecValidator.throwIfInvalid("outlier detection", v -> v.outlierDetection("", this));
            return make();
        }

        OutlierDetection make() {
            return new OutlierDetection(this);
        }

        Builder copy() {
            Builder b = new Builder();
            b.enabled = enabled;
            b.consecutiveFailures = consecutiveFailures;
            b.baseEjectionTime = baseEjectionTime;
            b.maxEjectionPercent = maxEjectionPercent;
            return b;
        }
    }
}
