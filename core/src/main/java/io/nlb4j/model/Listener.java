package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A port the load balancer accepts connections on, and the backend service they are forwarded to.
 */
public final class Listener {

    /** Default idle connection timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 1800;
    /**
     * The largest {@code maxConnections} a listener may set: {@value}, more open connections than one process
     * can hold (each takes two sockets), and small enough that counting them never overflows. A listener that
     * sets none has no limit.
     */
    public static final int MAX_CONNECTIONS_LIMIT = 10_000_000;

    /** How long a listener that accepts the PROXY protocol waits for a connection's header: {@value} s. */
    public static final int PROXY_HEADER_TIMEOUT_SECONDS = 5;

    private final Optional<String> name;
    private final Protocol protocol;
    private final int port;
    private final Duration idleTimeout;
    private final OptionalInt maxConnections;
    private final BackendService backendService;
    private final boolean acceptProxyProtocol;

    private Listener(Builder b) {
        this.name = Optional.ofNullable(b.name);
        this.protocol = b.protocol;
        this.port = b.port;
        this.idleTimeout = b.idleTimeout();
        this.maxConnections = b.maxConnections == null ? OptionalInt.empty() : OptionalInt.of(b.maxConnections);
        this.backendService = b.backendService.make();
        this.acceptProxyProtocol = b.acceptProxyProtocol;
    }

    /**
     * Starts building a TCP listener.
     *
     * @param port 1-65535, or 0 for an ephemeral port chosen at start
     * @return a builder
     */
    public static Builder tcp(int port) {
        return builder().port(port);
    }

    /**
     * Starts building a listener; its port is required.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this listener's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder().name(name.orElse(null)).protocol(protocol).port(port).idleTimeout(idleTimeout)
                .backendService(backendService).acceptProxyProtocol(acceptProxyProtocol);
        maxConnections.ifPresent(b::maxConnections);
        return b;
    }

    /**
     * Returns the listener's name, which identifies it in a running load balancer.
     *
     * @return the name, if one was given
     */
    public Optional<String> name() {
        return name;
    }

    /**
     * Returns the protocol accepted.
     *
     * @return TCP
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Returns the configured port.
     *
     * @return 1-65535, or 0 for an ephemeral port chosen at start
     */
    public int port() {
        return port;
    }

    /**
     * Returns how long a connection may go without a byte in either direction before it is closed.
     *
     * @return the timeout; {@value #DEFAULT_IDLE_TIMEOUT_SECONDS}s by default
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Returns the most open connections; excess ones are refused at accept.
     *
     * @return the limit; empty for none
     */
    public OptionalInt maxConnections() {
        return maxConnections;
    }

    /**
     * Returns where connections go.
     *
     * @return the backend service
     */
    public BackendService backendService() {
        return backendService;
    }

    /**
     * Returns whether each connection must begin with a PROXY protocol header (version 1 or 2) from a proxy in front
     * of this listener, whose source address then stands for the client's: for the security groups, session
     * persistence, source hashing, the access log and a PROXY header sent on to the servers.
     *
     * @return {@code false} by default
     */
    public boolean acceptProxyProtocol() {
        return acceptProxyProtocol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Listener l && name.equals(l.name) && protocol == l.protocol && port == l.port
                && idleTimeout.equals(l.idleTimeout) && maxConnections.equals(l.maxConnections)
                && backendService.equals(l.backendService) && acceptProxyProtocol == l.acceptProxyProtocol;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, protocol, port, idleTimeout, maxConnections, backendService, acceptProxyProtocol);
    }

    @Override
    public String toString() {
        return "Listener(" + name.map(n -> n + ", ").orElse("") + protocol + ' ' + port + " -> " + backendService.name()
                + ')';
    }

    /** Builds a {@link Listener}. */
    public static final class Builder {
        String name;
        Protocol protocol = Protocol.TCP;
        Integer port;
        Duration idleTimeout;
        Integer maxConnections;
        BackendService.Builder backendService;
        boolean acceptProxyProtocol;

        private Builder() {
        }

        /**
         * Requires a PROXY protocol header (version 1 or 2, told apart by its first bytes) at the start of each
         * connection, sent by a proxy in front of this listener; its source address stands for the client's. A
         * connection whose header is malformed, or missing after {@value #PROXY_HEADER_TIMEOUT_SECONDS} s, is closed
         * and counted. Default {@code false}.
         *
         * @param accept whether to require it
         * @return this builder
         */
        public Builder acceptProxyProtocol(boolean accept) {
            this.acceptProxyProtocol = accept;
            return this;
        }

        /**
         * Names the listener, so that a running load balancer can be asked for it by name
         * ({@code RunningLoadBalancer.listener(String)}); names are unique within a load balancer.
         *
         * @param name a name, or {@code null} for none
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the protocol accepted. Default TCP.
         *
         * @param protocol the protocol
         * @return this builder
         */
        public Builder protocol(Protocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * Sets the port. Required.
         *
         * @param port 1-65535, or 0 for an ephemeral port chosen at start
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the idle connection timeout. Default {@value #DEFAULT_IDLE_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        Duration idleTimeout() {
            return idleTimeout == null ? Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS) : idleTimeout;
        }

        /**
         * Limits the open connections; excess connections are refused at accept.
         *
         * @param max 1-{@value #MAX_CONNECTIONS_LIMIT}
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
            this.backendService = Objects.requireNonNull(service, "service").toBuilder();
            return this;
        }

        /**
         * Sets the backend service from a builder; it is validated with this listener.
         *
         * @param service the service builder
         * @return this builder
         */
        public Builder backendService(BackendService.Builder service) {
            this.backendService = Objects.requireNonNull(service, "service").copy();
            return this;
        }

        /**
         * Builds and validates the listener on its own.
         *
         * @return the listener
         * @throws SpecValidationException listing every violation
         */
        public Listener build() {
            SpecValidator.throwIfInvalid("listener " + port, v -> v.listener("", this));
            return make();
        }

        Listener make() {
            return new Listener(this);
        }

        Builder copy() {
            Builder b = new Builder();
            b.name = name;
            b.protocol = protocol;
            b.port = port;
            b.idleTimeout = idleTimeout;
            b.maxConnections = maxConnections;
            b.backendService = backendService == null ? null : backendService.copy();
            b.acceptProxyProtocol = acceptProxyProtocol;
            return b;
        }
    }
}
