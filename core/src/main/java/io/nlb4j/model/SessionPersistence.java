package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether connections from one client keep going to one server. With {@link Mode#SOURCE_IP}, a client
 * address is mapped to the server it last reached until no new connection has come from it for
 * {@code timeout}. A persisted server that is draining, unhealthy or removed is not used.
 */
public final class SessionPersistence {

    /** Default persistence timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 1440;

    private static final SessionPersistence OFF = new SessionPersistence(Mode.OFF,
            Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));

    /** The kind of session persistence. */
    public enum Mode {
        /** No persistence: every connection is scheduled afresh. */
        OFF,
        /** Persistence by the client's source IP address. */
        SOURCE_IP
    }

    private final Mode mode;
    private final Duration timeout;

    private SessionPersistence(Mode mode, Duration timeout) {
        this.mode = mode;
        this.timeout = timeout;
    }

    /**
     * No session persistence, the default.
     *
     * @return the setting
     */
    public static SessionPersistence off() {
        return OFF;
    }

    /**
     * Persistence by source IP with the given idle timeout.
     *
     * @param timeout how long an unused mapping lives, a positive duration, at most {@link Durations#MAX_DURATION}
     * @return the setting
     * @throws SpecValidationException if the timeout is not positive or too long
     */
    public static SessionPersistence sourceIp(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return builder().mode(Mode.SOURCE_IP).timeout(timeout).build();
    }

    /**
     * Starts building a setting; by default persistence is off.
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
        return builder().mode(mode).timeout(timeout);
    }

    /**
     * Returns the kind of persistence.
     *
     * @return off or source IP
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Returns how long an unused mapping lives.
     *
     * @return the timeout; {@value #DEFAULT_TIMEOUT_SECONDS}s by default
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Tells whether persistence is on.
     *
     * @return {@code true} unless the mode is {@link Mode#OFF}
     */
    public boolean enabled() {
        return mode != Mode.OFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionPersistence s && mode == s.mode && timeout.equals(s.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, timeout);
    }

    @Override
    public String toString() {
        return enabled() ? mode + " " + Durations.format(timeout) : "OFF";
    }

    /** Builds a {@link SessionPersistence}. */
    public static final class Builder {
        Mode mode = Mode.OFF;
        Duration timeout;

        private Builder() {
        }

        /**
         * Sets the kind of persistence. Default off.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Sets how long an unused mapping lives. Default {@value #DEFAULT_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        Duration timeout() {
            return timeout == null ? Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS) : timeout;
        }

        /**
         * Builds and validates the setting.
         *
         * @return the setting
         * @throws SpecValidationException listing every violation
         */
        public SessionPersistence build() {
            SpecValidator.throwIfInvalid("session persistence", v -> v.sessionPersistence("", this));
            return make();
        }

        SessionPersistence make() {
            return mode == Mode.OFF && timeout == null ? OFF : new SessionPersistence(mode, timeout());
        }

        Builder copy() {
            Builder b = new Builder();
            b.mode = mode;
            b.timeout = timeout;
            return b;
        }
    }
}
