package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.LoadBalancerEvent.HealthCause;
import io.nlb4j.balancer.LoadBalancerEvent.LeaveCause;
import io.nlb4j.balancer.LoadBalancerEvent.RemovalOutcome;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.internal.forwarding.Endpoint;
import io.nlb4j.balancer.internal.forwarding.Loops;
import io.nlb4j.balancer.internal.forwarding.ServiceRoute;
import io.nlb4j.balancer.scheduling.SchedulingAlgorithm;
import io.nlb4j.control.ControlContext;
import io.nlb4j.healthcheck.HealthCheckedMembers;
import io.nlb4j.healthcheck.HealthChecker;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.ServerSource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A running backend service, reduced to its core: a member snapshot in, a picker and draining out. Its source
 * publishes the members it should have ({@link #apply}); health checking ({@link HealthCheckedMembers}) and
 * passive ejection tell it which of them may take connections; it publishes a picker over those to the data plane
 * and drains the servers that left. Everything here runs in the control context.
 */
final class ServiceRuntime {

    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

    /** The service's settings: replaced in place by a live update ({@link #reconfigure}). Read on any thread. */
    volatile BackendService spec;
    /** Per server, its connection limit (static servers that set one); control context. */
    private Map<InetSocketAddress, Integer> limits = Map.of();
    /** The limit of every other server: the instance template's for a group's, else none. */
    private int defaultLimit;
    /** Slow start's window, 0 for none. */
    private long slowStartNanos;
    /** Whether the load balancer has started: servers healthy from then on ramp up (slow start). Context. */
    private boolean started;
    final String name;
    final ServiceRoute route;
    private final ControlContext ctx;
    private final Events events;
    private final Loops loops;
    private final HealthChecker checker;
    // Settings from the specification; control context (active is read on any thread).
    private SchedulingAlgorithm algorithm;
    private HealthCheckedMembers checked;
    private volatile boolean active;
    private boolean failOpen;
    private boolean closeOnUnhealthy;
    /** Passive ejection, or null when outlier detection is off; read on the event loops too. */
    private volatile PassiveEjection ejection;
    private final Map<InetSocketAddress, ServerEntry> entries = new LinkedHashMap<>();
    private final Map<Endpoint, ServerEntry> byEndpoint = new IdentityHashMap<>();
    private final List<BiConsumer<InetSocketAddress, HealthStatus>> healthListeners = new ArrayList<>();
    private final ServingWaiters waiters;
    private final SelfAddresses self;
    /** The servers, for readers on any thread. */
    private volatile List<ServerEntry> snapshot = List.of();
    private boolean stopped;
    /** The faults on single servers, by address, in place while the servers come and go. */
    private final Map<InetSocketAddress, List<ServerFault>> serverFaults = new HashMap<>();

    ServiceRuntime(BackendService spec, ControlContext ctx, Events events, Loops loops, HealthChecker checker,
            SelfAddresses self) {
        this.self = self;
        this.name = spec.name();
        this.ctx = ctx;
        this.events = events;
        this.loops = loops;
        this.checker = checker;
        this.route = ServiceRoute.create(name, spec.sessionPersistence(), ctx::nanoTime);
        this.waiters = new ServingWaiters(name);
        settings(spec);
        this.checked = new HealthCheckedMembers(checker, spec.healthCheck(), spec.proxyProtocol(), ctx,
                this::healthChanged);
    }

    /** Takes the settings of a specification, but not its health checker. */
    private void settings(BackendService spec) {
        this.spec = spec;
        this.slowStartNanos = spec.slowStart().map(Duration::toNanos).orElse(0L);
        this.defaultLimit = spec.servers() instanceof ServerSource.Group g
                ? g.group().template().maxConnections().orElse(Integer.MAX_VALUE) : Integer.MAX_VALUE;
        route.persistence(spec.sessionPersistence());
        route.proxyProtocol(spec.proxyProtocol());
        this.algorithm = SchedulingAlgorithm.of(spec.scheduling());
        HealthCheck hc = spec.healthCheck();
        this.active = hc instanceof HealthCheck.Active;
        this.failOpen = hc instanceof HealthCheck.Active a && a.allUnhealthy() == HealthCheck.AllUnhealthy.FAIL_OPEN;
        this.closeOnUnhealthy = hc instanceof HealthCheck.Active a
                && a.unhealthyConnections() == HealthCheck.UnhealthyConnections.CLOSE;
        this.ejection = PassiveEjection.of(name, hc.outlierDetection(), ctx, events, this::rebuild);
    }

    /**
     * Applies changed settings in place (a live update), in the control context: new connections use them at once,
     * open ones keep their server. The server source is the caller's to change. A changed health check starts
     * probing every server afresh, each keeping its health until the new check decides; a draining server keeps the
     * draining timeout it started with.
     */
    void reconfigure(BackendService next) {
        ctx.checkInContext();
        if (stopped) {
            return;
        }
        BackendService before = spec;
        settings(next);
        if (!before.healthCheck().equals(next.healthCheck()) || before.proxyProtocol() != next.proxyProtocol()) {
            Map<InetSocketAddress, HealthStatus> known = new HashMap<>();
            entries.values().forEach(e -> known.put(e.address, e.health));
            checked.close();
            checked = new HealthCheckedMembers(checker, next.healthCheck(), next.proxyProtocol(), ctx,
                    this::healthChanged);
            checked.update(entries.keySet(), known);
        }
        for (ServerEntry e : entries.values()) {
            e.endpoint.maxConnections(limits.getOrDefault(e.address, defaultLimit));
        }
        rebuild();
    }

    /** Whether this service's servers are probed actively (with {@code NONE}, every server is healthy). */
    boolean activelyChecked() {
        return active;
    }

    void onHealth(BiConsumer<InetSocketAddress, HealthStatus> listener) {
        healthListeners.add(listener);
    }

    /** On a cluster's node: how many nodes must find a server unhealthy for it to be avoided; 0 for own view. */
    private int healthQuorum;
    /** On a cluster's node with a quorum: per server, how many other nodes find it unhealthy. */
    private Map<InetSocketAddress, Integer> peersUnhealthy = Map.of();

    /** Sets the health quorum (before the first server joins). */
    void healthQuorum(int quorum) {
        ctx.checkInContext();
        this.healthQuorum = quorum;
    }

    /**
     * The other nodes' views changed: per server, how many of them find it unhealthy. The picker follows at once.
     */
    void peersUnhealthy(Map<InetSocketAddress, Integer> counts) {
        ctx.checkInContext();
        if (stopped) {
            return;
        }
        peersUnhealthy = Map.copyOf(counts);
        boolean changed = false;
        for (ServerEntry e : entries.values()) {
            int n = peersUnhealthy.getOrDefault(e.address, 0);
            if (n != e.peersUnhealthy) {
                e.peersUnhealthy = n;
                changed = true;
            }
        }
        if (changed) {
            rebuild();
        }
    }

    /** The servers this node's own checks find unhealthy now. */
    Set<InetSocketAddress> ownUnhealthy() {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        for (ServerEntry e : entries.values()) {
            if (e.health == HealthStatus.UNHEALTHY) {
                out.add(e.address);
            }
        }
        return out;
    }

    /** The load balancer has started: from now on a server that becomes healthy ramps up. In the context. */
    void started() {
        ctx.checkInContext();
        started = true;
    }

    // ---- membership ----

    /** The static servers' connection limits, by resolved address, before the first snapshot. In the context. */
    void limits(Map<InetSocketAddress, Integer> byAddress) {
        ctx.checkInContext();
        this.limits = Map.copyOf(byAddress);
        for (ServerEntry e : entries.values()) {
            e.endpoint.maxConnections(limits.getOrDefault(e.address, defaultLimit));
        }
    }

    /**
     * Takes a whole member snapshot from the source: new servers join, changed weights apply, servers listed
     * again while draining return to service, servers no longer listed drain.
     */
    void apply(Map<InetSocketAddress, Integer> members, LeaveCause cause) {
        ctx.checkInContext();
        if (stopped) {
            return;
        }
        boolean changed = false;
        for (Map.Entry<InetSocketAddress, Integer> m : members.entrySet()) {
            changed |= join(m.getKey(), m.getValue());
        }
        List<ServerEntry> leaving = new ArrayList<>();
        for (ServerEntry e : entries.values()) {
            if (!e.draining && !e.replaced && !members.containsKey(e.address)) {
                leaving.add(e);
            }
        }
        if (!leaving.isEmpty() && !servedByOthers(leaving) && newOnesPending(leaving)) {
            // Every server that serves leaves for servers not checked yet: those leaving serve on until one of the
            // new ones does, as Envoy keeps a removed host that passes its checks, so that nothing is refused
            // meanwhile. (Those that do not serve now leave at once.)
            for (ServerEntry e : leaving) {
                if (e.servesTraffic()) {
                    e.replaced = true;
                    replacedCause = cause;
                    log.info("backend service {}: server {} left its source; it serves until a new server does", name,
                            e.key());
                }
            }
            leaving.removeIf(e -> e.replaced);
        }
        leaving.forEach(this::startDraining);
        if (changed || !leaving.isEmpty()) {
            // One picker for the whole snapshot: over 10,000 servers it can take tens of milliseconds to build.
            checked.update(entries.keySet());
            rebuild();
            leaving.forEach(e -> drainStarted(e, cause));
        }
        releaseReplaced();
    }

    /** Why the replaced servers left their source, for their drain once it starts. */
    private LeaveCause replacedCause = LeaveCause.LEFT_SOURCE;

    /** Whether a server that stays (not leaving, not replaced) serves. */
    private boolean servedByOthers(List<ServerEntry> leaving) {
        for (ServerEntry e : entries.values()) {
            if (!e.draining && !e.replaced && !leaving.contains(e) && e.servesTraffic()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a server that stays is still pending its first health outcome. */
    private boolean newOnesPending(List<ServerEntry> leaving) {
        for (ServerEntry e : entries.values()) {
            if (!e.draining && !e.replaced && !leaving.contains(e) && e.health == HealthStatus.PENDING) {
                return true;
            }
        }
        return false;
    }

    /**
     * The replaced servers start draining once another server serves, or once none of the new ones is pending any
     * more (if they are all unhealthy, the source's word stands).
     */
    private void releaseReplaced() {
        List<ServerEntry> go = new ArrayList<>();
        for (ServerEntry e : entries.values()) {
            if (e.replaced) {
                go.add(e);
            }
        }
        if (go.isEmpty() || (!servedByOthers(List.of()) && newOnesPending(List.of()))) {
            return;
        }
        go.forEach(e -> {
            e.replaced = false;
            startDraining(e);
        });
        rebuild();
        go.forEach(e -> drainStarted(e, replacedCause));
    }

    // ---- faults on one server ----

    /**
     * Puts a fault in place on a server of this service, kept for its address: a server that leaves and comes back
     * (a new entry) gets it again. In the control context.
     *
     * @return removes it; in the control context
     * @throws IllegalArgumentException if the server is not one of this service's
     */
    Runnable addServerFault(InetSocketAddress address, Fault fault) {
        ctx.checkInContext();
        ServerEntry e = entries.get(address);
        if (e == null) {
            throw new IllegalArgumentException("server: " + address.getHostString() + ':' + address.getPort()
                    + " (expected: a server of backend service \"" + name + "\", one of "
                    + entries.values().stream().map(ServerEntry::key).toList() + ')');
        }
        ServerFault f = new ServerFault(fault);
        serverFaults.computeIfAbsent(address, a -> new ArrayList<>()).add(f);
        f.removals.add(loops.putInPlace(e.endpoint.faults(), fault));
        return () -> {
            List<ServerFault> list = serverFaults.get(address);
            if (list != null && list.remove(f) && list.isEmpty()) {
                serverFaults.remove(address);
            }
            f.removeAll();
        };
    }

    /** A fault on one server's address, and its removal from each endpoint that server has had. */
    private static final class ServerFault {
        final Fault fault;
        final List<Runnable> removals = new ArrayList<>();

        ServerFault(Fault fault) {
            this.fault = fault;
        }

        /** On a new endpoint of the server, which has no open connection yet. */
        void applyTo(Endpoint endpoint) {
            removals.add(endpoint.faults().add(fault));
        }

        void removeAll() {
            removals.forEach(Runnable::run);
            removals.clear();
        }
    }

    /** A server joins, changes weight or returns from draining; whether anything changed. */
    private boolean join(InetSocketAddress address, int weight) {
        ServerEntry e = entries.get(address);
        if (e == null) {
            String loop = forwardsToItself(address);
            if (loop != null) {
                log.warn("backend service {}: server {}:{} left out: {}", name, address.getHostString(),
                        address.getPort(), loop);
                return false;
            }
            e = new ServerEntry(address, weight, HealthStatus.PENDING);
            e.endpoint.maxConnections(limits.getOrDefault(address, defaultLimit));
            e.quorum = healthQuorum;
            e.peersUnhealthy = peersUnhealthy.getOrDefault(address, 0);
            for (ServerFault f : serverFaults.getOrDefault(address, List.of())) {
                f.applyTo(e.endpoint);
            }
            entries.put(address, e);
            byEndpoint.put(e.endpoint, e);
            log.info("backend service {}: server {} added (weight {})", name, e.key(), weight);
            events.publish(t -> new LoadBalancerEvent.ServerAdded(t, name, address, weight));
            return true;
        }
        boolean changed = false;
        e.replaced = false; // listed again
        if (e.draining) {
            cancelDrain(e);
            changed = true;
            log.info("backend service {}: server {} back in service while draining", name, e.key());
        }
        int previous = e.endpoint.weight();
        if (previous != weight) {
            e.endpoint.weight(weight);
            events.publish(t -> new LoadBalancerEvent.ServerWeightChanged(t, name, address, previous, weight));
            changed = true;
        }
        return changed;
    }

    /**
     * Why a server must not join because it is one of this load balancer's own listeners, or null if it may.
     */
    String forwardsToItself(InetSocketAddress address) {
        return self.listenerAt(address).map(i -> "it is this load balancer's own listeners[" + i + "]; a connection"
                + " to it would come back as a new connection, without end").orElse(null);
    }

    /** Whether a server is still part of this service (in service or draining). */
    boolean has(InetSocketAddress address) {
        return entries.containsKey(address);
    }

    /** Completes when a server has left (at once if it is not here). */
    Mono<Void> whenGone(InetSocketAddress address) {
        ServerEntry e = entries.get(address);
        if (e == null) {
            return Mono.empty();
        }
        if (e.removal == null) {
            e.removal = Sinks.empty();
        }
        return e.removal.asMono();
    }

    /**
     * Removes a server at once, closing its connections: another server now listens at its address (an
     * instance's port was handed to a new instance), so the entry must start afresh.
     */
    void forget(InetSocketAddress address) {
        ServerEntry e = entries.get(address);
        if (e == null) {
            return;
        }
        if (!e.draining) {
            drain(e, LeaveCause.LEFT_SOURCE);
        }
        loops.closeConnectionsTo(e.endpoint);
        finish(e, RemovalOutcome.DRAIN_TIMEOUT, e.endpoint.activeConnections());
    }

    private void drain(ServerEntry e, LeaveCause cause) {
        startDraining(e);
        rebuild();
        drainStarted(e, cause);
    }

    /** A server stops taking connections; its picker is rebuilt next, then {@link #drainStarted} follows. */
    private void startDraining(ServerEntry e) {
        e.draining = true;
        e.endpoint.draining(true);
        e.endpoint.serving(false);
        if (e.removal == null) {
            e.removal = Sinks.empty();
        }
    }

    /** The picker no longer chooses a draining server: its event, then its connections' time runs. */
    private void drainStarted(ServerEntry e, LeaveCause cause) {
        Duration timeout = spec.connectionDraining();
        int open = e.endpoint.activeConnections();
        log.info("backend service {}: server {} draining ({}), {} open connections, timeout {}", name, e.key(),
                cause, open, timeout);
        events.publish(t -> new LoadBalancerEvent.ServerDraining(t, name, e.address, cause, open, timeout));
        waiters.fail(e.address, "it left the service");
        if (open == 0) {
            finish(e, RemovalOutcome.NO_CONNECTIONS, 0);
        } else if (timeout.isZero()) {
            closeThenFinish(e, RemovalOutcome.DRAINING_OFF);
        } else {
            e.drainTimer = ctx.schedule(() -> {
                if (e.draining && entries.get(e.address) == e) {
                    closeThenFinish(e, RemovalOutcome.DRAIN_TIMEOUT);
                }
            }, timeout);
        }
    }

    /** Closes a draining server's connections, then lets it leave with that outcome (not as drained by itself). */
    private void closeThenFinish(ServerEntry e, RemovalOutcome outcome) {
        e.closing = true;
        loops.closeConnectionsTo(e.endpoint).thenAccept(n -> ctx.tryExecute(() -> {
            if (e.closing) { // not added back meanwhile
                finish(e, outcome, n);
            }
        }));
    }

    private void cancelDrain(ServerEntry e) {
        if (e.drainTimer != null) {
            e.drainTimer.dispose();
            e.drainTimer = null;
        }
        if (e.removal != null) {
            e.removal.tryEmitError(new CancellationException("server " + e.key() + " of backend service \"" + name
                    + "\" was added back while draining; it stays in service"));
            e.removal = null;
        }
        e.draining = false;
        e.closing = false;
        e.endpoint.draining(false);
    }

    /** Called from the data plane (hopped into the context) when a draining server's last connection closed. */
    void drained(Endpoint endpoint) {
        ServerEntry e = byEndpoint.get(endpoint);
        if (e != null && e.draining && !e.closing && e.endpoint.activeConnections() == 0) {
            finish(e, RemovalOutcome.DRAINED, 0);
        }
    }

    private void finish(ServerEntry e, RemovalOutcome outcome, int closed) {
        if (entries.get(e.address) != e) {
            return;
        }
        if (e.drainTimer != null) {
            e.drainTimer.dispose();
            e.drainTimer = null;
        }
        if (e.ejection != null) {
            e.ejection.dispose();
        }
        entries.remove(e.address);
        byEndpoint.remove(e.endpoint);
        checked.update(entries.keySet());
        route.forget(e.endpoint);
        // The picker stopped choosing the server when it started draining: only the list of servers changes.
        snapshot = List.copyOf(entries.values());
        log.info("backend service {}: server {} removed ({})", name, e.key(), outcome);
        events.publish(t -> new LoadBalancerEvent.ServerRemoved(t, name, e.address, outcome, closed));
        if (e.removal != null) {
            e.removal.tryEmitEmpty();
        }
        releaseReplaced(); // it may have been the last new server pending
    }

    // ---- health ----

    private void healthChanged(InetSocketAddress address, HealthStatus status, String reason) {
        ServerEntry e = entries.get(address);
        if (e == null || stopped) {
            return;
        }
        HealthStatus before = e.health;
        e.health = status;
        e.reason = reason;
        if (status == HealthStatus.HEALTHY && before != HealthStatus.HEALTHY && slowStartNanos > 0 && started) {
            // Slow start, for a server that joins as for one that recovers; not for those there at the start.
            e.endpoint.slowStart(ctx.nanoTime(), slowStartNanos);
        }
        for (BiConsumer<InetSocketAddress, HealthStatus> l : healthListeners) {
            l.accept(address, status);
        }
        // A healthy event is published before the new picker can choose the server, so that no connection reaches
        // it before its event; an unhealthy one once the picker has stopped choosing it.
        if (status == HealthStatus.HEALTHY) {
            e.everHealthy = true;
            if (active) {
                events.publish(t -> new LoadBalancerEvent.ServerHealthy(t, name, address, HealthCause.HEALTH_CHECK,
                        reason));
            }
            rebuild();
        } else if (status == HealthStatus.UNHEALTHY) {
            rebuild();
            events.publish(t -> new LoadBalancerEvent.ServerUnhealthy(t, name, address, HealthCause.HEALTH_CHECK,
                    status, reason, Optional.empty()));
            if (!e.everHealthy) {
                waiters.fail(address, "its health checks find it unhealthy (" + reason + ')');
            }
            if (closeOnUnhealthy && before == HealthStatus.HEALTHY) {
                loops.closeConnectionsTo(e.endpoint).thenAccept(n -> log.info("backend service {}: server {}"
                        + " unhealthy, {} open connections closed", name, e.key(), n));
            }
        }
        releaseReplaced();
        checkDecided();
    }

    /** From the data plane: a connect failure or reset; ejects the server when it reaches the threshold. */
    void failed(Endpoint endpoint, int consecutive) {
        PassiveEjection ejector = ejection; // a live update may replace it
        if (ejector != null && ejector.ejects(consecutive)) {
            ctx.tryExecute(() -> {
                ServerEntry e = byEndpoint.get(endpoint);
                if (e != null && !stopped && ejection != null) {
                    ejection.eject(e, entries.values());
                }
            });
        }
    }

    // ---- the picker ----

    private void rebuild() {
        List<Endpoint> serving = new ArrayList<>(entries.size());
        for (ServerEntry e : entries.values()) {
            if (e.servesTraffic()) {
                serving.add(e.endpoint);
            }
        }
        boolean allUnhealthy = serving.isEmpty() && failOpen;
        if (allUnhealthy) {
            // Every server is unhealthy: route to all that are not leaving, as AWS NLB does.
            for (ServerEntry e : entries.values()) {
                if (!e.draining) {
                    serving.add(e.endpoint);
                }
            }
        }
        for (ServerEntry e : entries.values()) {
            e.endpoint.serving(allUnhealthy ? !e.draining : e.servesTraffic());
        }
        route.publish(algorithm.picker(serving));
        snapshot = List.copyOf(entries.values());
        waiters.servingChanged(address -> {
            ServerEntry e = entries.get(address);
            return e != null && e.servesTraffic() ? e.stats() : null;
        });
    }

    // ---- waiting ----

    /** Completes once the server serves; fails if its first checks find it unhealthy or it leaves first. */
    Mono<ServerStats> awaitServing(InetSocketAddress address) {
        return Mono.create(sink -> {
            if (!ctx.tryExecute(() -> {
                ServerEntry e = entries.get(address);
                if (e == null || e.draining) {
                    sink.error(new IllegalArgumentException("server: " + address + " (expected: a server in service of"
                            + " backend service \"" + name + "\", one of " + addresses() + ')'));
                } else if (e.servesTraffic()) {
                    sink.success(e.stats());
                } else if (e.health == HealthStatus.UNHEALTHY && !e.everHealthy) {
                    sink.error(waiters.notServing(address, "its health checks find it unhealthy (" + e.reason + ')'));
                } else {
                    waiters.awaitServing(address, sink);
                }
            })) {
                sink.error(ctx.stopped());
            }
        });
    }

    /** Completes once no server is still pending its first health outcome. */
    Mono<Void> awaitDecided() {
        return Mono.create(sink -> {
            if (!ctx.tryExecute(() -> {
                waiters.awaitDecided(sink);
                checkDecided();
            })) {
                sink.error(ctx.stopped());
            }
        });
    }

    private void checkDecided() {
        waiters.decidedIf(pending().isEmpty());
    }

    /** The servers in service whose health is not decided yet. */
    List<ServerEntry> pending() {
        return entries.values().stream().filter(e -> !e.draining && e.health == HealthStatus.PENDING)
                .collect(Collectors.toList());
    }

    /**
     * Why this service would refuse every connection after its first checks: it has servers, none healthy, and does
     * not fail open; null if it serves.
     */
    String refusesAll() {
        List<ServerEntry> inService = entries.values().stream().filter(e -> !e.draining).toList();
        if (inService.isEmpty() || failOpen || inService.stream().anyMatch(ServerEntry::healthy)) {
            return null;
        }
        return "backend service \"" + name + "\": no server is healthy after its first health checks: "
                + inService.stream().map(e -> e.key() + ' ' + e.health.name().toLowerCase(Locale.ROOT)
                        + (e.reason.isEmpty() ? "" : " (" + e.reason + ')')).collect(Collectors.joining(", "))
                + " (expected: at least one healthy server; start the servers first, or set"
                + " healthCheck.allUnhealthy: FAIL_OPEN)";
    }

    /** The servers still pending, with their last probe, for a start that timed out. */
    String describePending() {
        return pending().stream().map(e -> e.key() + checked.lastProbe(e.address).map(r -> " (last probe: " + r + ')')
                .orElse(" (no probe completed)")).collect(Collectors.joining(", "));
    }

    // ---- readers and stop ----

    List<ServerStats> servers() {
        List<ServerEntry> list = snapshot;
        List<ServerStats> out = new ArrayList<>(list.size());
        for (ServerEntry e : list) {
            out.add(e.stats());
        }
        return out;
    }

    int activeConnections() {
        int n = 0;
        for (ServerEntry e : snapshot) {
            n += e.endpoint.activeConnections();
        }
        return n;
    }

    List<InetSocketAddress> addresses() {
        return snapshot.stream().map(e -> e.address).toList();
    }

    int weightOf(InetSocketAddress address) {
        ServerEntry e = entries.get(address);
        return e == null ? -1 : e.endpoint.weight();
    }

    boolean inService(InetSocketAddress address) {
        ServerEntry e = entries.get(address);
        return e != null && !e.draining;
    }

    void sweepSessions() {
        route.sweepSessions();
    }

    /** Stops the checks and timers, and fails whoever waits. */
    void stop() {
        stopped = true;
        checked.close();
        for (ServerEntry e : entries.values()) {
            if (e.ejection != null) {
                e.ejection.dispose();
            }
            if (e.drainTimer != null) {
                e.drainTimer.dispose();
            }
            if (e.removal != null) {
                e.removal.tryEmitEmpty();
            }
        }
        waiters.failAll(ctx.stopped());
    }
}
