package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether connections from one client keep going to one server. With {@link Mode#SOURCE_IP}, a client
 * address is mapped to the server it last reached until no new connection has come from it for
 * {@code timeout}. A persisted server that is draining, unhealthy or removed is not used.
 *
 * @param mode off or source IP
 * @param timeout how long an unused mapping lives; default {@value #DEFAULT_TIMEOUT_SECONDS}s
 */
public record SessionPersistence(Mode mode, Duration timeout) {

    /** Default persistence timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 1440;

    private static final SessionPersistence OFF = new SessionPersistence(Mode.OFF, null);

    /** The kind of session persistence. */
    public enum Mode {
        /** No persistence: every connection is scheduled afresh. */
        OFF,
        /** Persistence by the client's source IP address. */
        SOURCE_IP
    }

    /**
     * Creates a session persistence setting; an absent mode is off and an absent timeout the default.
     */
    public SessionPersistence {
        mode = mode == null ? Mode.OFF : mode;
        timeout = timeout == null ? Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS) : timeout;
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
     * @param timeout how long an unused mapping lives
     * @return the setting
     */
    public static SessionPersistence sourceIp(Duration timeout) {
        return new SessionPersistence(Mode.SOURCE_IP, Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Tells whether persistence is on.
     *
     * @return {@code true} unless the mode is {@link Mode#OFF}
     */
    public boolean enabled() {
        return mode != Mode.OFF;
    }
}
