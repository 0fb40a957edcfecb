package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The servers behind a listener and how connections are spread over them.
 */
public final class BackendService {

    /** Default connection draining timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_CONNECTION_DRAINING_SECONDS = 300;

    private final String name;
    private final Protocol protocol;
    private final OptionalInt port;
    private final Scheduling scheduling;
    private final SessionPersistence sessionPersistence;
    private final Duration connectionDraining;
    private final HealthCheck healthCheck;
    private final ServerSource servers;
    private final ProxyProtocol proxyProtocol;
    private final Optional<Duration> slowStart;

    private BackendService(Builder b) {
        this.name = b.name;
        this.protocol = b.protocol;
        this.port = b.port == null ? OptionalInt.empty() : OptionalInt.of(b.port);
        this.scheduling = b.scheduling;
        this.sessionPersistence = b.sessionPersistence.make();
        this.connectionDraining = b.connectionDraining();
        this.healthCheck = b.healthCheck == null ? HealthCheck.defaults() : b.healthCheck.make();
        this.proxyProtocol = b.proxyProtocol;
        this.slowStart = Optional.ofNullable(b.slowStart);
        this.servers = b.sourceKind == ServerSource.Kind.STATIC
                ? new ServerSource.Static(Lists.build(b.staticServers, StaticServer.Builder::make))
                : b.sourceKind == ServerSource.Kind.AVAILABILITY_GROUP ? new ServerSource.Group(b.group.make())
                : new ServerSource.Provider(b.providerType, b.providerProperties);
    }

    /**
     * Starts building a backend service.
     *
     * @param name the service's name, unique within a load balancer; {@code null} (not set, as a file may leave it
     *        out) is reported when the service is built
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Returns a builder holding this service's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(name).protocol(protocol).scheduling(scheduling).sessionPersistence(sessionPersistence)
                .connectionDraining(connectionDraining).healthCheck(healthCheck).servers(servers)
                .proxyProtocol(proxyProtocol);
        port.ifPresent(b::port);
        slowStart.ifPresent(b::slowStart);
        return b;
    }

    /**
     * Returns the service's name.
     *
     * @return the name, unique within a load balancer
     */
    public String name() {
        return name;
    }

    /**
     * Returns the protocol spoken to servers.
     *
     * @return the protocol; TCP by default
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Returns the servers' traffic port where a server or instance template gives none.
     *
     * @return the port, if set
     */
    public OptionalInt port() {
        return port;
    }

    /**
     * Returns how a server is picked for a new connection.
     *
     * @return the algorithm; {@link Scheduling#WEIGHTED_ROUND_ROBIN} by default
     */
    public Scheduling scheduling() {
        return scheduling;
    }

    /**
     * Returns whether a client sticks to a server.
     *
     * @return the setting; off by default
     */
    public SessionPersistence sessionPersistence() {
        return sessionPersistence;
    }

    /**
     * Returns how long connections to a leaving server may continue before they are closed.
     *
     * @return the timeout; {@link Duration#ZERO} closes them at once (draining off);
     *         {@value #DEFAULT_CONNECTION_DRAINING_SECONDS}s by default
     */
    public Duration connectionDraining() {
        return connectionDraining;
    }

    /**
     * Returns how servers are checked.
     *
     * @return the health check; {@link HealthCheck#defaults()} (TCP) by default
     */
    public HealthCheck healthCheck() {
        return healthCheck;
    }

    /**
     * Returns where the servers come from.
     *
     * @return the server source
     */
    public ServerSource servers() {
        return servers;
    }

    /**
     * Returns whether connections to the servers begin with a PROXY protocol header carrying the client's address.
     *
     * @return the version sent; {@link ProxyProtocol#NONE} by default
     */
    public ProxyProtocol proxyProtocol() {
        return proxyProtocol;
    }

    /**
     * Returns the slow-start window: a server that joins, or becomes healthy again, while the load balancer runs
     * takes a tenth of its share of new connections at first, rising to all of it over the window, whatever the
     * scheduling algorithm. Servers there when the load balancer starts do not ramp.
     *
     * @return the window; empty (off) by default
     */
    public Optional<Duration> slowStart() {
        return slowStart;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendService s && name.equals(s.name) && protocol == s.protocol && port.equals(s.port)
                && scheduling == s.scheduling && sessionPersistence.equals(s.sessionPersistence)
                && connectionDraining.equals(s.connectionDraining) && healthCheck.equals(s.healthCheck)
                && servers.equals(s.servers) && proxyProtocol == s.proxyProtocol && slowStart.equals(s.slowStart);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, protocol, port, scheduling, sessionPersistence, connectionDraining, healthCheck,
                servers, proxyProtocol, slowStart);
    }

    @Override
    public String toString() {
        return "BackendService(" + name + ", " + scheduling + ", " + healthCheck + ", " + servers + ')';
    }

    /** Builds a {@link BackendService}. */
    public static final class Builder {
        String name;
        Protocol protocol = Protocol.TCP;
        Integer port;
        Scheduling scheduling = Scheduling.WEIGHTED_ROUND_ROBIN;
        SessionPersistence.Builder sessionPersistence = SessionPersistence.builder();
        Duration connectionDraining;
        HealthCheck.Builder<?> healthCheck;
        ServerSource.Kind sourceKind;
        final List<StaticServer.Builder> staticServers = new ArrayList<>();
        AvailabilityGroup.Builder group;
        String providerType;
        Map<String, String> providerProperties;
        ProxyProtocol proxyProtocol = ProxyProtocol.NONE;
        Duration slowStart;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the protocol spoken to servers. Default TCP.
         *
         * @param protocol the protocol
         * @return this builder
         */
        public Builder protocol(Protocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * Sets the servers' traffic port, used where a server or instance template gives none.
         *
         * @param port 1-65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets how a server is picked for a new connection. Default weighted round robin.
         *
         * @param scheduling the algorithm
         * @return this builder
         */
        public Builder scheduling(Scheduling scheduling) {
            this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
            return this;
        }

        /**
         * Turns on session persistence by source IP with the given timeout.
         *
         * @param timeout how long an unused client-to-server mapping lives, a positive duration, at most
         *        {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder sessionPersistence(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            this.sessionPersistence = SessionPersistence.builder().mode(SessionPersistence.Mode.SOURCE_IP)
                    .timeout(timeout);
            return this;
        }

        /**
         * Sets session persistence.
         *
         * @param persistence the setting
         * @return this builder
         */
        public Builder sessionPersistence(SessionPersistence persistence) {
            this.sessionPersistence = Objects.requireNonNull(persistence, "persistence").toBuilder();
            return this;
        }

        /**
         * Sets session persistence from a builder; it is validated with this service.
         *
         * @param persistence the setting's builder
         * @return this builder
         */
        public Builder sessionPersistence(SessionPersistence.Builder persistence) {
            this.sessionPersistence = Objects.requireNonNull(persistence, "persistence").copy();
            return this;
        }

        /**
         * Sets the connection draining timeout; {@link Duration#ZERO} turns draining off.
         * Default {@value #DEFAULT_CONNECTION_DRAINING_SECONDS}s.
         *
         * @param timeout zero or a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder connectionDraining(Duration timeout) {
            this.connectionDraining = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sends a PROXY protocol header carrying the client's address and port at the start of every connection to a
         * server (not of the health checks: see {@code HealthCheck} {@code proxyProtocol}). Default
         * {@link ProxyProtocol#NONE}.
         *
         * @param version the version to send
         * @return this builder
         */
        public Builder proxyProtocol(ProxyProtocol version) {
            this.proxyProtocol = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * Turns slow start on: a server that joins or becomes healthy again ramps from a tenth of its share of new
         * connections to all of it over this window. Default off.
         *
         * @param window a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder slowStart(Duration window) {
            this.slowStart = Objects.requireNonNull(window, "window");
            return this;
        }

        Duration connectionDraining() {
            return connectionDraining == null ? Duration.ofSeconds(DEFAULT_CONNECTION_DRAINING_SECONDS)
                    : connectionDraining;
        }

        /**
         * Sets the health check.
         *
         * @param healthCheck the health check
         * @return this builder
         */
        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck").toBuilder();
            return this;
        }

        /**
         * Sets the health check from a builder; it is validated with this service.
         *
         * @param healthCheck the health check builder
         * @return this builder
         */
        public Builder healthCheck(HealthCheck.Builder<?> healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck").copy();
            return this;
        }

        /**
         * Sets where the servers come from. Required.
         *
         * @param servers the server source
         * @return this builder
         */
        public Builder servers(ServerSource servers) {
            Objects.requireNonNull(servers, "servers");
            if (servers instanceof ServerSource.Static s) {
                staticServers(s.servers());
            } else if (servers instanceof ServerSource.Group g) {
                availabilityGroup(g.group());
            } else {
                ServerSource.Provider p = (ServerSource.Provider) servers;
                provider(p.type(), p.properties());
            }
            return this;
        }

        /**
         * Takes the servers from a static list. The list may be empty: servers can be added while the load
         * balancer runs.
         *
         * @param servers the servers
         * @return this builder
         */
        public Builder staticServers(StaticServer... servers) {
            return staticServers(Arrays.asList(Objects.requireNonNull(servers, "servers")));
        }

        /**
         * Takes the servers from a static list.
         *
         * @param servers the servers
         * @return this builder
         */
        public Builder staticServers(List<StaticServer> servers) {
            List<StaticServer.Builder> added = Lists.build(Lists.nonNull(servers, "servers"), StaticServer::toBuilder);
            clearSource(ServerSource.Kind.STATIC);
            staticServers.addAll(added);
            return this;
        }

        /**
         * Adds a server to a static list from a builder; it is validated with this service.
         *
         * @param server the server builder; {@code null} is reported as a missing server
         * @return this builder
         */
        public Builder staticServer(StaticServer.Builder server) {
            if (sourceKind != ServerSource.Kind.STATIC) {
                clearSource(ServerSource.Kind.STATIC);
            }
            staticServers.add(server == null ? null : server.copy());
            return this;
        }

        /**
         * Takes the servers from an availability group's in-service instances.
         *
         * @param group the group
         * @return this builder
         */
        public Builder availabilityGroup(AvailabilityGroup group) {
            return availabilityGroup(Objects.requireNonNull(group, "group").toBuilder());
        }

        /**
         * Takes the servers from an availability group given as a builder; it is validated with this service
         * and the load balancer (its placement must be theirs).
         *
         * @param group the group builder
         * @return this builder
         */
        public Builder availabilityGroup(AvailabilityGroup.Builder group) {
            Objects.requireNonNull(group, "group");
            clearSource(ServerSource.Kind.AVAILABILITY_GROUP);
            this.group = group.copy();
            return this;
        }

        /**
         * Takes the servers from a membership provider named by type.
         *
         * @param type the provider type, such as {@code file}; {@code null} (not set, as a file may leave it out) is
         *        reported when the service is built
         * @param properties the provider's settings; {@code null} for none
         * @return this builder
         */
        public Builder provider(String type, Map<String, String> properties) {
            clearSource(ServerSource.Kind.PROVIDER);
            this.providerType = type;
            this.providerProperties = Lists.copy(properties);
            return this;
        }

        private void clearSource(ServerSource.Kind kind) {
            sourceKind = kind;
            staticServers.clear();
            group = null;
            providerType = null;
            providerProperties = null;
        }

        /**
         * Builds and validates the service on its own; checks against a load balancer's placement run when
         * the load balancer is built.
         *
         * @return the backend service
         * @throws SpecValidationException listing every violation
         */
        public BackendService build() {
            SpecValidator.throwIfInvalid(SpecValidator.named("backend service", name),
                    v -> v.backendService("", this));
            return make();
        }

        BackendService make() {
            return new BackendService(this);
        }

        Builder copy() {
            Builder b = new Builder(name);
            b.protocol = protocol;
            b.port = port;
            b.scheduling = scheduling;
            b.sessionPersistence = sessionPersistence.copy();
            b.connectionDraining = connectionDraining;
            b.healthCheck = healthCheck == null ? null : healthCheck.copy();
            b.sourceKind = sourceKind;
            staticServers.forEach(s -> b.staticServers.add(s == null ? null : s.copy()));
            b.group = group == null ? null : group.copy();
            b.providerType = providerType;
            b.providerProperties = providerProperties;
            b.proxyProtocol = proxyProtocol;
            b.slowStart = slowStart;
            return b;
        }
    }
}
