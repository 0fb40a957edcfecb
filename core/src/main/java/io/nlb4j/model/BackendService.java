package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The servers behind a listener and how connections are spread over them.
 *
 * @param name the service's name, unique within a load balancer
 * @param protocol the protocol spoken to servers; default TCP
 * @param port the servers' traffic port where a server or template gives none
 * @param scheduling how a server is picked; default {@link Scheduling#WEIGHTED_ROUND_ROBIN}
 * @param sessionPersistence whether a client sticks to a server; default off
 * @param connectionDraining how long connections to a leaving server may continue before they are
 *        closed; {@link Duration#ZERO} closes them at once (draining off); default
 *        {@value #DEFAULT_CONNECTION_DRAINING_SECONDS}s
 * @param healthCheck how servers are probed; default a TCP check ({@link HealthCheck#defaults()})
 * @param servers where the servers come from
 */
public record BackendService(String name, Protocol protocol, Optional<Integer> port, Scheduling scheduling,
                             SessionPersistence sessionPersistence, Duration connectionDraining,
                             HealthCheck healthCheck, ServerGroup servers) {

    /** Default connection draining timeout, in seconds, as in the seed cloud. */
    public static final long DEFAULT_CONNECTION_DRAINING_SECONDS = 300;

    /**
     * Creates a backend service; absent values take the defaults stated on this class.
     */
    public BackendService {
        protocol = protocol == null ? Protocol.TCP : protocol;
        port = port == null ? Optional.empty() : port;
        scheduling = scheduling == null ? Scheduling.WEIGHTED_ROUND_ROBIN : scheduling;
        sessionPersistence = sessionPersistence == null ? SessionPersistence.off() : sessionPersistence;
        connectionDraining = connectionDraining == null ? Duration.ofSeconds(DEFAULT_CONNECTION_DRAINING_SECONDS)
                : connectionDraining;
        healthCheck = healthCheck == null ? HealthCheck.defaults() : healthCheck;
    }

    /**
     * Starts building a backend service.
     *
     * @param name the service's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link BackendService}. */
    public static final class Builder {
        private final String name;
        private Protocol protocol;
        private Integer port;
        private Scheduling scheduling;
        private SessionPersistence sessionPersistence;
        private Duration connectionDraining;
        private HealthCheck healthCheck;
        private ServerGroup servers;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
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
         * @param timeout how long an unused client-to-server mapping lives
         * @return this builder
         */
        public Builder sessionPersistence(Duration timeout) {
            this.sessionPersistence = SessionPersistence.sourceIp(timeout);
            return this;
        }

        /**
         * Sets session persistence.
         *
         * @param persistence the setting
         * @return this builder
         */
        public Builder sessionPersistence(SessionPersistence persistence) {
            this.sessionPersistence = Objects.requireNonNull(persistence, "persistence");
            return this;
        }

        /**
         * Sets the connection draining timeout; {@link Duration#ZERO} turns draining off.
         * Default {@value #DEFAULT_CONNECTION_DRAINING_SECONDS}s.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder connectionDraining(Duration timeout) {
            this.connectionDraining = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the health check.
         *
         * @param healthCheck the health check
         * @return this builder
         */
        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
            return this;
        }

        /**
         * Sets the health check from a builder; it is validated with this service.
         *
         * @param healthCheck the health check builder
         * @return this builder
         */
        public Builder healthCheck(HealthCheck.Builder healthCheck) {
            this.healthCheck = healthCheck.unvalidated();
            return this;
        }

        /**
         * Sets where the servers come from. Required.
         *
         * @param servers the server group
         * @return this builder
         */
        public Builder servers(ServerGroup servers) {
            this.servers = Objects.requireNonNull(servers, "servers");
            return this;
        }

        /**
         * Builds and validates the service on its own; checks against a load balancer's placement run
         * when the load balancer is built.
         *
         * @return the backend service
         * @throws SpecValidationException listing every violation
         */
        public BackendService build() {
            BackendService s = unvalidated();
            SpecValidator.throwIfInvalid("backend service \"" + name + '"', v -> v.backendService(s, ""));
            return s;
        }

        BackendService unvalidated() {
            return new BackendService(name, protocol, Optional.ofNullable(port), scheduling, sessionPersistence,
                    connectionDraining, healthCheck, servers);
        }
    }
}
