package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.internal.forwarding.Endpoint;
import io.nlb4j.healthcheck.OutlierDetector;
import io.nlb4j.membership.HealthStatus;
import java.net.InetSocketAddress;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * One server of a running backend service: its data-plane endpoint, and the control-plane state around it (health,
 * ejection, draining). Changed in the control context only; {@link #stats()} may be read from any thread.
 */
final class ServerEntry {

    final InetSocketAddress address;
    final Endpoint endpoint;
    final OutlierDetector.Host outlier = new OutlierDetector.Host();
    volatile HealthStatus health;
    volatile boolean draining;
    /** While draining: the load balancer is closing the connections (draining off, or its timeout). */
    boolean closing;
    /** The result of the probe that decided the current health. */
    String reason = "";
    /** Whether the server has been healthy at least once since it joined (or came back). */
    boolean everHealthy;
    /**
     * Its source no longer lists it, but it serves on until a server that replaces it does (no other serves and the
     * new ones are still pending their first check). Control context.
     */
    boolean replaced;
    Disposable ejection;
    Disposable drainTimer;
    /** While draining: completes when the server has left. */
    Sinks.Empty<Void> removal;
    /**
     * On a cluster's node with a health quorum: how many nodes must find the server unhealthy for it to be avoided
     * (0: this node's own view decides), and how many other nodes do.
     */
    volatile int quorum;
    volatile int peersUnhealthy;

    ServerEntry(InetSocketAddress address, int weight, HealthStatus health) {
        this.address = address;
        this.endpoint = Endpoint.create(address, weight);
        this.health = health;
    }

    String key() {
        return endpoint.key();
    }

    /** In service (not draining), healthy (by this node's view, or by the nodes' vote) and not ejected. */
    boolean servesTraffic() {
        return !draining && healthy() && !outlier.ejected();
    }

    /**
     * Healthy as this node's own check says; with a quorum, checked here at least once and found unhealthy by fewer
     * than {@link #quorum} nodes, this one included.
     */
    boolean healthy() {
        if (quorum <= 0) {
            return health == HealthStatus.HEALTHY;
        }
        if (health == HealthStatus.PENDING) {
            return false;
        }
        return (health == HealthStatus.UNHEALTHY ? 1 : 0) + peersUnhealthy < quorum;
    }

    ServerStats stats() {
        return new ServerStats(address, endpoint.weight(), draining ? ServerStats.State.DRAINING
                : ServerStats.State.IN_SERVICE, health, outlier.ejected(), endpoint.activeConnections(),
                endpoint.totalConnections(), endpoint.bytesToServer(), endpoint.bytesFromServer(),
                endpoint.connectFailures());
    }

    @Override
    public String toString() {
        return key();
    }
}
