package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A port the load balancer accepts connections on, and the backend service they are forwarded to.
 *
 * @param protocol the protocol; default TCP
 * @param port the port, 1-65535, or 0 for an ephemeral port chosen at start
 * @param idleTimeout a connection with no bytes in either direction for this long is closed; default
 *        {@value #DEFAULT_IDLE_TIMEOUT_SECONDS}s
 * @param maxConnections the most open connections; excess ones are refused at accept. Absent: no limit
 * @param backendService where connections go
 */
public record Listener(Protocol protocol, Integer port, Duration idleTimeout, Optional<Integer> maxConnections,
                       BackendService backendService) {

    /** Default idle connection timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 1800;

    /**
     * Creates a listener; absent values take the defaults stated on this class.
     */
    public Listener {
        protocol = protocol == null ? Protocol.TCP : protocol;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS) : idleTimeout;
        maxConnections = maxConnections == null ? Optional.empty() : maxConnections;
    }

    /**
     * Starts building a TCP listener.
     *
     * @param port 1-65535, or 0 for an ephemeral port
     * @return a builder
     */
    public static Builder tcp(int port) {
        return new Builder(Protocol.TCP, port);
    }

    /** Builds a {@link Listener}. */
    public static final class Builder {
        private final Protocol protocol;
        private final int port;
        private Duration idleTimeout;
        private Integer maxConnections;
        private BackendService backendService;

        private Builder(Protocol protocol, int port) {
            this.protocol = protocol;
            this.port = port;
        }

        /**
         * Sets the idle connection timeout. Default {@value #DEFAULT_IDLE_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Limits the open connections; excess connections are refused at accept.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Sets the backend service. Required.
         *
         * @param service the service
         * @return this builder
         */
        public Builder backendService(BackendService service) {
            this.backendService = Objects.requireNonNull(service, "service");
            return this;
        }

        /**
         * Sets the backend service from a builder; it is validated with this listener.
         *
         * @param service the service builder
         * @return this builder
         */
        public Builder backendService(BackendService.Builder service) {
            this.backendService = service.unvalidated();
            return this;
        }

        /**
         * Builds and validates the listener on its own.
         *
         * @return the listener
         * @throws SpecValidationException listing every violation
         */
        public Listener build() {
            Listener l = unvalidated();
            SpecValidator.throwIfInvalid("listener " + port, v -> v.listener(l, ""));
            return l;
        }

        Listener unvalidated() {
            return new Listener(protocol, port, idleTimeout, Optional.ofNullable(maxConnections), backendService);
        }
    }
}
