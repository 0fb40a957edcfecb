package io.nlb4j.balancer;

import io.nlb4j.control.Failures;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.Durations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Something that happened in a running load balancer, published on {@link RunningLoadBalancer#events()}. Each
 * kind is a record with typed fields (addresses, counts, causes); {@link #description()} derives the
 * human-readable text from them.
 */
public sealed interface LoadBalancerEvent {

    /**
     * Returns when it happened, measured on the load balancer's control clock and anchored to the wall clock at
     * start.
     *
     * @return the time
     */
    Instant time();

    /**
     * Returns the event in words.
     *
     * @return the description
     */
    String description();

    /** Why a client connection was refused. */
    enum RejectReason {
        /** The security groups deny the client. */
        ACCESS_DENIED,
        /** The listener is at its {@code maxConnections}. */
        MAX_CONNECTIONS,
        /** No server of the backend service takes connections. */
        NO_SERVER,
        /** Every server tried refused or timed out. */
        NO_SERVER_REACHABLE,
        /**
         * The client is this load balancer itself: the connection comes from one of its own connections to a
         * server, so the server forwards back to it (directly, or through an address translation) — a loop.
         */
        FORWARDING_LOOP,
        /** A {@link Fault.Kind#DOWN} fault on the listener or its backend service refuses it. */
        FAULT_DOWN,
        /**
         * The listener accepts the PROXY protocol and the connection's header was malformed, or did not come in
         * time ({@code Listener.PROXY_HEADER_TIMEOUT_SECONDS}).
         */
        BAD_PROXY_HEADER,
        /** Every server in service is at its {@code maxConnections}. */
        SERVERS_FULL
    }

    /** Why a server leaves a backend service. */
    enum LeaveCause {
        /** Removed by hand ({@link RunningBackendService#removeServer}). */
        REMOVED,
        /** No longer listed by the service's source (provider, file, availability group scale-in or stop). */
        LEFT_SOURCE
    }

    /** How a server's connections ended when it left. */
    enum RemovalOutcome {
        /** It had no open connection. */
        NO_CONNECTIONS,
        /** Its connections closed by themselves within the draining timeout. */
        DRAINED,
        /** Draining is off ({@code connectionDraining: 0s}): its connections were closed at once. */
        DRAINING_OFF,
        /** The draining timeout ended: the connections still open were closed. */
        DRAIN_TIMEOUT
    }

    /** What made a server healthy or unhealthy. */
    enum HealthCause {
        /** An active health check. */
        HEALTH_CHECK,
        /** Passive health checking: ejected after consecutive failures, or back after its ejection. */
        OUTLIER_DETECTION
    }

    /** How a stop ended. */
    enum StopOutcome {
        /** Every connection closed by itself within the drain timeout. */
        DRAINED,
        /** Connections still open at the drain timeout were closed. */
        CLOSED_AT_TIMEOUT,
        /** Some connections had not closed even after being told to. */
        NOT_CLOSED_IN_TIME
    }

    /**
     * The load balancer has started: every listener is bound, every server has had its first health check.
     *
     * @param time when
     * @param loadBalancer its name
     * @param addresses the listeners' bound addresses, in specification order
     * @param transport {@code EPOLL} or {@code NIO}
     */
    record Started(Instant time, String loadBalancer, List<InetSocketAddress> addresses, String transport)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public Started {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(loadBalancer, "loadBalancer");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(transport, "transport");
        }

        @Override
        public String description() {
            return "load balancer " + loadBalancer + " started on " + addresses.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + " (" + transport + " transport)";
        }
    }

    /**
     * A listener is accepting connections.
     *
     * @param time when
     * @param listener which
     * @param service its backend service
     * @param address the bound address
     */
    record ListenerBound(Instant time, ListenerId listener, String service, InetSocketAddress address)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public ListenerBound {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String description() {
            return listener + " -> backend service " + service + ": listening on " + address;
        }
    }

    /**
     * A listener has stopped accepting connections.
     *
     * @param time when
     * @param listener which
     * @param address the address it was bound to
     */
    record ListenerUnbound(Instant time, ListenerId listener, InetSocketAddress address) implements LoadBalancerEvent {
        /** Checks the fields. */
        public ListenerUnbound {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String description() {
            return listener + " no longer listening on " + address;
        }
    }

    /**
     * A server has joined a backend service (it takes connections once healthy).
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param weight its weight
     */
    record ServerAdded(Instant time, String service, InetSocketAddress server, int weight) implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerAdded {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " added (weight " + weight + ')';
        }
    }

    /**
     * A server's weight has changed.
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param previous the weight before
     * @param weight the weight now
     */
    record ServerWeightChanged(Instant time, String service, InetSocketAddress server, int previous, int weight)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerWeightChanged {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " weight " + previous + " -> " + weight;
        }
    }

    /**
     * A server is leaving: it gets no new connections, and its open ones drain.
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param cause why it leaves
     * @param openConnections its connections open when it started draining
     * @param drainTimeout how long they may continue
     */
    record ServerDraining(Instant time, String service, InetSocketAddress server, LeaveCause cause, int openConnections,
                          Duration drainTimeout) implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerDraining {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " draining ("
                    + (cause == LeaveCause.REMOVED ? "removed" : "left its source") + "), " + openConnections
                    + " open connections, timeout " + Durations.format(drainTimeout);
        }
    }

    /**
     * A server has left a backend service.
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param outcome how its connections ended
     * @param closedConnections connections the load balancer closed (at the timeout, or with draining off)
     */
    record ServerRemoved(Instant time, String service, InetSocketAddress server, RemovalOutcome outcome,
                         int closedConnections) implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerRemoved {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " removed (" + switch (outcome) {
                case NO_CONNECTIONS -> "no open connections";
                case DRAINED -> "connections drained";
                case DRAINING_OFF -> "draining off: " + closedConnections + " connections closed";
                case DRAIN_TIMEOUT -> "draining timeout: " + closedConnections + " connections closed";
            } + ')';
        }
    }

    /**
     * A server has become healthy: it takes new connections (unless it is draining).
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param cause an active check, or the end of an ejection
     * @param reason the probe result, such as {@code ok}
     */
    record ServerHealthy(Instant time, String service, InetSocketAddress server, HealthCause cause, String reason)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerHealthy {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " healthy ("
                    + (cause == HealthCause.HEALTH_CHECK ? "health check: " + reason : "ejection ended") + ')';
        }
    }

    /**
     * A server has become unhealthy, or was ejected by passive checking: it gets no new connections.
     *
     * @param time when
     * @param service the service
     * @param server the server
     * @param cause an active check, or outlier detection
     * @param status the server's health now; {@link HealthStatus#HEALTHY} for an ejected server whose active checks
     *        still pass
     * @param reason the probe result ({@code timeout}, {@code refused}, {@code status 503}, ...), or the failures
     *        that ejected it
     * @param ejectedFor how long it is ejected, for outlier detection
     */
    record ServerUnhealthy(Instant time, String service, InetSocketAddress server, HealthCause cause,
                           HealthStatus status, String reason, Optional<Duration> ejectedFor)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public ServerUnhealthy {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(ejectedFor, "ejectedFor");
        }

        @Override
        public String description() {
            return "backend service " + service + ": server " + key(server) + " unhealthy ("
                    + (cause == HealthCause.HEALTH_CHECK ? "health check: " + reason
                    : "ejected for " + ejectedFor.map(Durations::format).orElse("?") + " after " + reason) + ')';
        }
    }

    /**
     * A client connection was refused.
     *
     * @param time when
     * @param listener which listener
     * @param service its backend service
     * @param client the client's address
     * @param reason why
     * @param detail the specifics: the rule that denied it, the limit, the attempts
     */
    record ConnectionRejected(Instant time, ListenerId listener, String service, InetAddress client,
                              RejectReason reason, String detail) implements LoadBalancerEvent {
        /** Checks the fields. */
        public ConnectionRejected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String description() {
            return listener + ": connection from " + client.getHostAddress() + " rejected: " + switch (reason) {
                case ACCESS_DENIED -> "access denied: " + detail;
                case MAX_CONNECTIONS -> "listener at its connection " + detail;
                case NO_SERVER -> "no server in service";
                case NO_SERVER_REACHABLE -> "no server reachable after " + detail;
                case FORWARDING_LOOP -> "forwarding loop: " + detail;
                case FAULT_DOWN -> "fault: " + detail;
                case BAD_PROXY_HEADER -> "PROXY protocol header " + detail;
                case SERVERS_FULL -> detail;
            };
        }
    }

    /**
     * Connecting to a server failed; another may be tried.
     *
     * @param time when
     * @param listener which listener
     * @param service its backend service
     * @param server the server
     * @param cause why
     */
    record ConnectFailed(Instant time, ListenerId listener, String service, InetSocketAddress server, Throwable cause)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public ConnectFailed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String description() {
            return listener + ": connect to " + key(server) + " failed: " + Failures.sentence(cause);
        }
    }

    /**
     * The load balancer is stopping: listeners are closed and connections drain.
     *
     * @param time when
     * @param drainTimeout how long open connections may continue
     */
    record Stopping(Instant time, Duration drainTimeout) implements LoadBalancerEvent {
        /** Checks the fields. */
        public Stopping {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
        }

        @Override
        public String description() {
            return "stopping, draining for up to " + Durations.format(drainTimeout);
        }
    }

    /**
     * The load balancer has stopped.
     *
     * @param time when
     * @param outcome how its connections ended
     */
    record Stopped(Instant time, StopOutcome outcome) implements LoadBalancerEvent {
        /** Checks the fields. */
        public Stopped {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public String description() {
            return "stopped (" + switch (outcome) {
                case DRAINED -> "connections drained";
                case CLOSED_AT_TIMEOUT -> "open connections closed at the drain timeout";
                case NOT_CLOSED_IN_TIME -> "connections did not close in time";
            } + ')';
        }
    }

    /**
     * A membership provider met a problem (a file it cannot read, a registry it cannot reach); the service keeps
     * the servers of its last good snapshot.
     *
     * @param time when
     * @param service the backend service
     * @param provider the provider's type
     * @param problem what happened, naming the provider's source and the cause
     */
    record MembershipProblem(Instant time, String service, String provider, String problem)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public MembershipProblem {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public String description() {
            return "backend service \"" + service + "\": membership provider " + provider + ": " + problem;
        }
    }

    /**
     * On a node of a cluster: an availability group's owner, as this node learns it (at its start, and at each
     * change).
     *
     * @param time when
     * @param group the group
     * @param node this node
     * @param owner the node that runs the group, or empty while none does
     */
    record GroupOwnerChanged(Instant time, String group, String node, Optional<String> owner)
            implements LoadBalancerEvent {
        /** Checks the fields. */
        public GroupOwnerChanged {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(owner, "owner");
        }

        @Override
        public String description() {
            return "availability group " + group + ": " + owner.map(o -> "owned by node " + o
                    + (o.equals(node) ? " (this node)" : "; this node is " + node)).orElse("no node owns it; this"
                    + " node is " + node);
        }
    }

    /**
     * A live update ({@link RunningLoadBalancer#update}) has been applied.
     *
     * @param time when
     * @param diff what it changed
     */
    record Updated(Instant time, SpecDiff diff) implements LoadBalancerEvent {
        /** Checks the fields. */
        public Updated {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(diff, "diff");
        }

        @Override
        public String description() {
            return "updated: " + diff;
        }
    }

    /**
     * A fault has been put in place.
     *
     * @param time when
     * @param target where it acts
     * @param fault what it does
     */
    record FaultAdded(Instant time, FaultTarget target, Fault fault) implements LoadBalancerEvent {
        /** Checks the fields. */
        public FaultAdded {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(fault, "fault");
        }

        @Override
        public String description() {
            return "fault added on " + target + ": " + fault;
        }
    }

    /**
     * A fault has been removed.
     *
     * @param time when
     * @param target where it acted
     * @param fault what it did
     */
    record FaultRemoved(Instant time, FaultTarget target, Fault fault) implements LoadBalancerEvent {
        /** Checks the fields. */
        public FaultRemoved {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(fault, "fault");
        }

        @Override
        public String description() {
            return "fault removed from " + target + ": " + fault;
        }
    }

    private static String key(InetSocketAddress a) {
        return a.getHostString() + ':' + a.getPort();
    }
}
