package io.nlb4j.balancer.internal;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.scheduling.Picker;
import io.nlb4j.balancer.scheduling.Scheduler;
import io.nlb4j.healthcheck.HealthChecker;
import io.nlb4j.healthcheck.HealthStatus;
import io.nlb4j.healthcheck.HealthTransition;
import io.nlb4j.healthcheck.OutlierDetector;
import io.nlb4j.healthcheck.ProbeResult;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.OutlierDetection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A running backend service: its servers, the current picker over those in service, session persistence
 * and draining. Membership changes run on the control thread and publish a new immutable picker; the data
 * plane only reads it.
 */
final class ServiceRuntime implements RunningBackendService {

    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

    private final BackendService spec;
    private final Scheduler scheduler;
    private final Control control;
    private final EventBus events;
    private final SessionTable sessions;
    private final LongSupplier ticker;
    private final HealthChecker checker;
    private final boolean failOpen;
    private final boolean closeOnUnhealthy;
    private final OutlierDetection outlierSpec;
    private final OutlierDetector outliers;
    /** Control thread only. */
    private final Map<InetSocketAddress, ServerState> servers = new LinkedHashMap<>();
    private volatile List<ServerState> serverList = List.of();
    private volatile Picker<ServerState> picker;
    /** Whether the servers of this service have been registered (a service may serve several listeners). */
    boolean registered;
    /** Told of each active health transition of a server (control thread), e.g. to replace unhealthy instances. */
    volatile BiConsumer<InetSocketAddress, Boolean> healthListener;
    /** Open connection pairs of this service, for draining and stop. */
    final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();

    ServiceRuntime(BackendService spec, Control control, EventBus events, LongSupplier ticker, HealthChecker checker) {
        this.spec = spec;
        this.ticker = ticker;
        HealthCheck hc = spec.healthCheck();
        this.checker = hc.type() == HealthCheck.Type.NONE ? null : checker;
        this.failOpen = hc.allUnhealthy() == HealthCheck.AllUnhealthy.FAIL_OPEN;
        this.closeOnUnhealthy = hc.unhealthyConnections() == HealthCheck.UnhealthyConnections.CLOSE;
        this.outlierSpec = hc.outlierDetection();
        this.outliers = outlierSpec.enabled() ? new OutlierDetector(outlierSpec.consecutiveFailures(),
                outlierSpec.baseEjectionTime().toNanos(), outlierSpec.maxEjectionPercent()) : null;
        this.scheduler = Scheduler.of(spec.scheduling());
        this.control = control;
        this.events = events;
        this.sessions = spec.sessionPersistence().enabled()
                ? new SessionTable(spec.sessionPersistence().timeout().toNanos(), ticker) : null;
        this.picker = scheduler.picker(List.of());
    }

    @Override
    public BackendService spec() {
        return spec;
    }

    String name() {
        return spec.name();
    }

    // ---- data plane ----

    /**
     * Picks a server for a new connection, honoring session persistence on the first attempt.
     * Returns {@code null} when no server is in service.
     */
    ServerState pick(InetAddress client, int sourceHash, int attempt) {
        if (sessions != null && attempt == 0) {
            ServerState persisted = sessions.lookup(client);
            if (persisted != null) {
                return persisted;
            }
        }
        return picker.pick(sourceHash, attempt);
    }

    void connected(InetAddress client, ServerState server) {
        if (sessions != null) {
            sessions.record(client, server);
        }
    }

    /** Called on a connection's event loop right after it incremented {@code server}'s active count. */
    void loadChanged(ServerState server) {
        picker.loadChanged(server);
    }

    /** Called on the connection's event loop when a pair to {@code server} has closed. */
    void released(ServerState server) {
        int active = server.active.decrementAndGet();
        picker.loadChanged(server);
        if (active == 0 && server.state == ServerStats.State.DRAINING) {
            control.execute(() -> finishDrainIfIdle(server));
        }
    }

    // ---- control plane ----

    @Override
    public Mono<Void> addServer(InetSocketAddress address, int weight) {
        checkWeight(weight);
        return control.call(() -> {
            add(address, weight);
            return null;
        });
    }

    @Override
    public Mono<Void> removeServer(InetSocketAddress address) {
        return control.call(() -> remove(address, "removed")).flatMap(s -> s.asMono());
    }

    @Override
    public Mono<Void> setWeight(InetSocketAddress address, int weight) {
        checkWeight(weight);
        return control.call(() -> {
            ServerState s = servers.get(address);
            if (s == null || s.state != ServerStats.State.IN_SERVICE) {
                throw new IllegalArgumentException("server: " + address + " (expected: a server in service of "
                        + "backend service \"" + spec.name() + "\", one of " + servers.keySet() + ')');
            }
            if (s.weight != weight) {
                s.weight = weight;
                rebuild();
                events.publish(LoadBalancerEvent.Type.SERVER_WEIGHT_CHANGED, -1, spec.name(), s.key(),
                        Integer.toString(weight));
            }
            return null;
        });
    }

    @Override
    public List<ServerStats> servers() {
        List<ServerState> list = serverList;
        List<ServerStats> out = new ArrayList<>(list.size());
        for (ServerState s : list) {
            out.add(s.stats());
        }
        return out;
    }

    /** Control thread: adds a server or returns a draining one to service. */
    void add(InetSocketAddress address, int weight) {
        ServerState s = servers.get(address);
        if (s != null && s.state == ServerStats.State.IN_SERVICE) {
            if (s.weight != weight) {
                s.weight = weight;
                rebuild();
            }
            return;
        }
        if (s != null) { // draining: back to service
            if (s.drainTimeout != null) {
                s.drainTimeout.dispose();
                s.drainTimeout = null;
            }
            if (s.removal != null) {
                s.removal.tryEmitError(new CancellationException("server " + s.key() + " of backend service \""
                        + spec.name() + "\" was added back while draining; it stays in service"));
                s.removal = null;
            }
            s.weight = weight;
            s.state = ServerStats.State.IN_SERVICE;
        } else {
            s = new ServerState(address, weight, checker != null);
            servers.put(address, s);
            if (checker != null) {
                watch(s);
            }
        }
        rebuild();
        log.info("backend service {}: server {} added (weight {})", spec.name(), s.key(), weight);
        events.publish(LoadBalancerEvent.Type.SERVER_ADDED, -1, spec.name(), s.key(), "weight " + weight);
    }

    /** Control thread: starts draining a server; the returned sink completes when it has left. */
    Sinks.One<Void> remove(InetSocketAddress address, String why) {
        ServerState s = servers.get(address);
        if (s == null) {
            throw new IllegalArgumentException("server: " + address + " (expected: a server of backend service \""
                    + spec.name() + "\", one of " + servers.keySet() + ')');
        }
        if (s.state == ServerStats.State.DRAINING) {
            return s.removal;
        }
        s.state = ServerStats.State.DRAINING;
        s.removal = Sinks.one();
        rebuild();
        long drainMillis = spec.connectionDraining().toMillis();
        log.info("backend service {}: server {} draining ({}), {} open connections, timeout {} ms", spec.name(),
                s.key(), why, s.active.get(), drainMillis);
        events.publish(LoadBalancerEvent.Type.SERVER_DRAINING, -1, spec.name(), s.key(),
                why + ", " + s.active.get() + " open connections");
        if (s.active.get() == 0) {
            finish(s, "no open connections");
        } else if (drainMillis == 0) {
            closeConnections(s);
            finish(s, "draining off: connections closed");
        } else {
            ServerState server = s;
            s.drainTimeout = control.schedule(() -> {
                if (server.state == ServerStats.State.DRAINING) {
                    int left = closeConnections(server);
                    finish(server, "draining timeout: " + left + " connections closed");
                }
            }, drainMillis, TimeUnit.MILLISECONDS);
        }
        return s.removal;
    }

    /** Control thread: replaces the whole server set, draining those that left. */
    void reconcile(Map<InetSocketAddress, Integer> wanted) {
        for (Map.Entry<InetSocketAddress, Integer> e : wanted.entrySet()) {
            add(e.getKey(), e.getValue());
        }
        for (ServerState s : new ArrayList<>(servers.values())) {
            if (!wanted.containsKey(s.address) && s.state == ServerStats.State.IN_SERVICE) {
                remove(s.address, "left the membership");
            }
        }
    }

    // ---- health ----

    /** Event loop: a connect failure or reset seen by the data plane. */
    void passiveFailure(ServerState s) {
        if (outliers != null && outliers.failure(s.outlier)) {
            control.execute(() -> eject(s));
        }
    }

    /** Event loop: a successful connect seen by the data plane. */
    void passiveSuccess(ServerState s) {
        if (outliers != null) {
            outliers.success(s.outlier);
        }
    }

    /** Active connections over all servers of this service. */
    int activeConnections() {
        int n = 0;
        for (ServerState s : serverList) {
            n += s.active.get();
        }
        return n;
    }

    /** Whether a server is still part of this service (in service or draining). Control thread. */
    boolean has(InetSocketAddress address) {
        return servers.containsKey(address);
    }

    /** Servers whose first active probe has not completed yet. */
    int pendingFirstProbes() {
        int n = 0;
        for (ServerState s : serverList) {
            if (!s.firstProbeDone && s.state == ServerStats.State.IN_SERVICE) {
                n++;
            }
        }
        return n;
    }

    private void watch(ServerState s) {
        s.watch = checker.watch(s.address, spec.healthCheck(), new HealthChecker.Listener() {
            @Override
            public void onTransition(HealthTransition t) {
                control.execute(() -> onHealth(s, t));
            }

            @Override
            public void onProbe(ProbeResult result) {
                // After the transition this probe caused (the checker reports that first), on the same thread.
                if (!s.firstProbeDone) {
                    control.execute(() -> s.firstProbeDone = true);
                }
            }
        });
    }

    private void onHealth(ServerState s, HealthTransition t) {
        if (s.removed() || s.health == t.to()) {
            return;
        }
        s.health = t.to();
        boolean healthy = t.to() == HealthStatus.HEALTHY;
        BiConsumer<InetSocketAddress, Boolean> hl = healthListener;
        if (hl != null) {
            hl.accept(s.address, healthy);
        }
        // SERVER_HEALTHY is published before the new picker can choose the server, so that no connection reaches
        // it before its event; SERVER_UNHEALTHY once the picker has stopped choosing it.
        if (healthy) {
            events.publish(LoadBalancerEvent.Type.SERVER_HEALTHY, -1, spec.name(), s.key(),
                    "health check: " + t.reason());
            rebuild();
        } else {
            rebuild();
            events.publish(LoadBalancerEvent.Type.SERVER_UNHEALTHY, -1, spec.name(), s.key(),
                    "health check: " + t.reason());
        }
        if (!healthy && closeOnUnhealthy) {
            int closed = closeConnections(s);
            log.info("backend service {}: server {} unhealthy, {} open connections closed", spec.name(), s.key(), closed);
        }
    }

    private void eject(ServerState s) {
        if (s.removed() || s.outlier.ejected()) {
            return;
        }
        int ejected = 0;
        for (ServerState other : servers.values()) {
            if (other.outlier.ejected()) {
                ejected++;
            }
        }
        long nanos = outliers.eject(s.outlier, ejected, servers.size(), ticker.getAsLong());
        if (nanos == 0) {
            log.info("backend service {}: server {} not ejected: at most {}% of servers may be ejected", spec.name(),
                    s.key(), outlierSpec.maxEjectionPercent());
            return;
        }
        rebuild();
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        log.info("backend service {}: server {} ejected for {} ms after {} consecutive failures", spec.name(), s.key(),
                millis, outlierSpec.consecutiveFailures());
        events.publish(LoadBalancerEvent.Type.SERVER_UNHEALTHY, -1, spec.name(), s.key(), "ejected for " + millis
                + " ms after " + outlierSpec.consecutiveFailures() + " consecutive connect failures or resets");
        s.ejection = control.schedule(() -> {
            if (s.removed()) {
                return;
            }
            outliers.release(s.outlier);
            log.info("backend service {}: server {} back from ejection", spec.name(), s.key());
            // published before the picker can choose it again, as for a health check
            events.publish(LoadBalancerEvent.Type.SERVER_HEALTHY, -1, spec.name(), s.key(), "ejection ended");
            rebuild();
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void finishDrainIfIdle(ServerState s) {
        if (s.state == ServerStats.State.DRAINING && s.active.get() == 0) {
            finish(s, "connections drained");
        }
    }

    private void finish(ServerState s, String how) {
        if (s.drainTimeout != null) {
            s.drainTimeout.dispose();
            s.drainTimeout = null;
        }
        s.state = ServerStats.State.REMOVED;
        servers.remove(s.address);
        if (s.watch != null) {
            s.watch.close();
        }
        if (s.ejection != null) {
            s.ejection.dispose();
        }
        rebuild();
        if (sessions != null) {
            sessions.sweep();
        }
        log.info("backend service {}: server {} removed ({})", spec.name(), s.key(), how);
        events.publish(LoadBalancerEvent.Type.SERVER_REMOVED, -1, spec.name(), s.key(), how);
        s.removal.tryEmitEmpty();
    }

    /** Closes the open connections of one server; returns how many. */
    private int closeConnections(ServerState s) {
        int n = 0;
        for (ProxyConnection c : connections) {
            if (c.server() == s) {
                c.closeNow();
                n++;
            }
        }
        return n;
    }

    /** Closes every open connection of this service; returns how many. */
    int closeAll() {
        int n = 0;
        for (ProxyConnection c : connections) {
            c.closeNow();
            n++;
        }
        return n;
    }

    /** Stops every active check and pending ejection (at stop). */
    void stopChecks() {
        for (ServerState s : servers.values()) {
            if (s.watch != null) {
                s.watch.close();
            }
            if (s.ejection != null) {
                s.ejection.dispose();
            }
        }
    }

    void sweepSessions() {
        if (sessions != null) {
            sessions.sweep();
        }
    }

    private void rebuild() {
        List<ServerState> inService = new ArrayList<>(servers.size());
        for (ServerState s : servers.values()) {
            if (s.inService()) {
                inService.add(s);
            }
        }
        if (inService.isEmpty() && failOpen) {
            // Every server is unhealthy: route to all that are not leaving, as AWS NLB does.
            for (ServerState s : servers.values()) {
                if (s.state == ServerStats.State.IN_SERVICE) {
                    inService.add(s);
                }
            }
        }
        picker = scheduler.picker(inService);
        serverList = List.copyOf(servers.values());
    }

    private static void checkWeight(int weight) {
        if (weight < 1 || weight > 100) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-100)");
        }
    }
}
