package io.nlb4j.balancer.internal;

import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.scheduling.Candidate;
import io.nlb4j.healthcheck.HealthChecker;
import io.nlb4j.healthcheck.HealthStatus;
import io.nlb4j.healthcheck.OutlierDetector;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * One server of a running backend service. Its state changes on the control thread only; the data plane
 * reads the volatile fields and updates the counters.
 */
final class ServerState implements Candidate {

    final InetSocketAddress address;
    private final String key;
    volatile int weight;
    volatile ServerStats.State state = ServerStats.State.IN_SERVICE;
    volatile HealthStatus health;
    final OutlierDetector.Host outlier = new OutlierDetector.Host();
    /** Whether the first active probe has completed (always true without active checks). */
    volatile boolean firstProbeDone;
    /** Control thread only: the active health check of this server, if any, and the end of an ejection. */
    HealthChecker.Watch watch;
    Disposable ejection;
    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesToServer = new LongAdder();
    final LongAdder bytesFromServer = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    /** Control thread only: the pending drain timeout and the signal of removal. */
    Disposable drainTimeout;
    Sinks.One<Void> removal;

    ServerState(InetSocketAddress address, int weight, boolean checked) {
        this.address = address;
        this.health = checked ? HealthStatus.PENDING : HealthStatus.HEALTHY;
        this.firstProbeDone = !checked;
        this.key = address.getHostString() + ':' + address.getPort();
        this.weight = weight;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    @Override
    public String key() {
        return key;
    }

    boolean inService() {
        return state == ServerStats.State.IN_SERVICE && health == HealthStatus.HEALTHY && !outlier.ejected();
    }

    boolean removed() {
        return state == ServerStats.State.REMOVED;
    }

    ServerStats stats() {
        return new ServerStats(address, weight, state, health, outlier.ejected(), active.get(), total.sum(), bytesToServer.sum(),
                bytesFromServer.sum(), connectFailures.sum());
    }

    @Override
    public String toString() {
        return key;
    }
}
