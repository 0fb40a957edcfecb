package io.nlb4j.balancer.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nlb4j.balancer.ListenerStats;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.ServerSource;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * A running load balancer's Micrometer meters, bound to any {@link MeterRegistry}:
 * {@code new LoadBalancerMetrics(lb).bindTo(registry)}. Every meter but the connect timer reads the load balancer's own
 * counters when it is read (a scrape), so the per-connection path does no more for them than it does without them;
 * the connect timer costs each connection two clock reads and one timer update.
 *
 * <p>Per listener (tags {@code loadBalancer}, {@code listener} — its name, else its port — and {@code service}):
 * {@code nlb4j.listener.connections.active} (gauge), {@code nlb4j.listener.connections} (counter),
 * {@code nlb4j.listener.connections.rejected} (counter, tag {@code reason}: {@code denied}, {@code over_limit},
 * {@code no_server}, {@code bad_proxy_header}, {@code servers_full}), {@code nlb4j.listener.bytes} (counter, tag {@code direction}: {@code in} from clients,
 * {@code out} to them). Per server (tags {@code loadBalancer}, {@code service}, {@code server} as {@code HOST:PORT}),
 * registered when it joins and removed when it leaves: {@code nlb4j.server.connections.active},
 * {@code nlb4j.server.connections}, {@code nlb4j.server.connect.failures}, {@code nlb4j.server.connect.time} (a
 * timer of the successful connects, with the 0.5, 0.95 and 0.99 percentiles), {@code nlb4j.server.bytes} (tag
 * {@code direction}: {@code to_server}, {@code from_server}), and the gauges {@code nlb4j.server.healthy} (1 when
 * healthy, 0 when unhealthy, -1 while pending), {@code nlb4j.server.draining} and {@code nlb4j.server.ejected}
 * (1 or 0). Per availability group (tags {@code loadBalancer}, {@code group}): {@code nlb4j.group.instances.desired},
 * {@code nlb4j.group.instances} (tags {@code zone}, {@code state}: {@code pending}, {@code in_service},
 * {@code draining}) and {@code nlb4j.group.launches} since binding (tag {@code outcome}: {@code in_service},
 * {@code failed}). And {@code nlb4j.events.dropped}. Closing it removes the meters.
 */
public final class LoadBalancerMetrics implements MeterBinder, AutoCloseable {

    /** How long one read of a service's servers serves the meters that ask for them (a scrape reads them all). */
    private static final long SNAPSHOT_NANOS = 100_000_000L;

    private final RunningLoadBalancer lb;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> serverMeters = new ConcurrentHashMap<>();
    /** Per service, per server: its connect timer, which connections record into on their event loops. */
    private final Map<String, Map<InetSocketAddress, Timer>> connectTimers = new ConcurrentHashMap<>();
    private Disposable connectTimes;
    private final List<Meter> meters = new ArrayList<>();
    /** Each listener's meters; they follow live updates. */
    private final Map<TaggedListener, List<Meter>> listenerMeters = new java.util.HashMap<>();
    private MeterRegistry registry;
    private Disposable membership;
    private final Disposable.Composite groupEvents = Disposables.composite();

    /**
     * Prepares the meters of a load balancer.
     *
     * @param lb the running load balancer
     */
    public LoadBalancerMetrics(RunningLoadBalancer lb) {
        this.lb = Objects.requireNonNull(lb, "lb");
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (this.registry != null) {
            throw new IllegalStateException("registry: already bound (expected: one registry per LoadBalancerMetrics;"
                    + " make another for another registry)");
        }
        this.registry = registry;
        String name = lb.spec().name();
        bindListeners();
        meters.add(counter("nlb4j.events.dropped", lb, RunningLoadBalancer::droppedEvents,
                Tags.of("loadBalancer", name), "events dropped for slow subscribers"));
        bindGroups();
        // Servers join and leave: their meters follow the events; the ones there now are added at once.
        membership = lb.events().subscribe(this::onEvent);
        connectTimes = lb.observeConnectTimes(this::connected);
        Set<String> services = new LinkedHashSet<>();
        lb.listeners().forEach(l -> services.add(l.backendService().spec().name()));
        for (String service : services) {
            for (ServerStats s : lb.backendService(service).servers()) {
                addServer(service, s.address());
            }
        }
    }

    /**
     * Registers the meters of listeners that have none, and of those whose tags changed (a live update gave one
     * another name or service), and removes those of listeners that have gone.
     */
    private synchronized void bindListeners() {
        if (registry == null) {
            return;
        }
        String name = lb.spec().name();
        Map<RunningListener, Tags> now = new java.util.IdentityHashMap<>();
        for (RunningListener l : lb.listeners()) {
            now.put(l, Tags.of("loadBalancer", name, "listener", l.spec().name().orElse(String.valueOf(
                    l.spec().port())), "service", l.backendService().spec().name()));
        }
        listenerMeters.entrySet().removeIf(e -> {
            if (e.getKey().tags.equals(now.get(e.getKey().listener))) {
                now.remove(e.getKey().listener);
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        now.forEach((l, tags) -> {
            List<Meter> list = new ArrayList<>();
            list.add(Gauge.builder("nlb4j.listener.connections.active", l, x -> x.stats().activeConnections())
                    .tags(tags).description("open client connections").register(registry));
            list.add(counter("nlb4j.listener.connections", l, x -> x.stats().totalConnections(), tags,
                    "client connections accepted"));
            list.add(counter("nlb4j.listener.connections.rejected", l, x -> x.stats().deniedConnections(),
                    tags.and("reason", "denied"), "client connections refused"));
            list.add(counter("nlb4j.listener.connections.rejected", l, x -> x.stats().overLimitConnections(),
                    tags.and("reason", "over_limit"), "client connections refused"));
            list.add(counter("nlb4j.listener.connections.rejected", l, x -> x.stats().noServerConnections(),
                    tags.and("reason", "no_server"), "client connections refused"));
            list.add(counter("nlb4j.listener.connections.rejected", l, x -> x.stats().badProxyHeaderConnections(),
                    tags.and("reason", "bad_proxy_header"), "client connections refused"));
            list.add(counter("nlb4j.listener.connections.rejected", l, x -> x.stats().serversFullConnections(),
                    tags.and("reason", "servers_full"), "client connections refused"));
            list.add(counter("nlb4j.listener.bytes", l, x -> x.stats().bytesIn(), tags.and("direction", "in"),
                    "bytes from clients"));
            list.add(counter("nlb4j.listener.bytes", l, x -> x.stats().bytesOut(), tags.and("direction", "out"),
                    "bytes to clients"));
            listenerMeters.put(new TaggedListener(l, tags), list);
        });
    }

    /** A listener with the tags its meters were registered with. */
    private record TaggedListener(RunningListener listener, Tags tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TaggedListener t && t.listener == listener && t.tags.equals(tags);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(listener) * 31 + tags.hashCode();
        }
    }

    private List<ServerSource> sources() {
        List<ServerSource> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (RunningListener l : lb.listeners()) {
            if (seen.add(l.backendService().spec().name())) {
                out.add(l.backendService().spec().servers());
            }
        }
        return out;
    }

    /** Binds the meters of the groups the services use now that have none (a live update may have added one). */
    private synchronized void bindGroups() {
        if (registry == null) {
            return;
        }
        for (ServerSource source : sources()) {
            if (source instanceof ServerSource.Group g && boundGroups.add(g.group().name())) {
                bindGroup(lb.spec().name(), g.group());
            }
        }
        launchCounters.forEach(this::followLaunches);
    }

    /**
     * Counts a group's launches from its events, once the group runs here: a group a live update added is followed
     * from the first scrape or update after it has started (its events are hot: earlier launches are not counted).
     */
    private void followLaunches(String group, AtomicLong[] counts) {
        if (followed.contains(group)) {
            return;
        }
        group(group).filter(g -> followed.add(group)).ifPresent(g -> {
            groupEvents.add(g.events().subscribe(e -> {
                if (e instanceof GroupEvent.InService) {
                    counts[0].incrementAndGet();
                } else if (e instanceof GroupEvent.LaunchFailed) {
                    counts[1].incrementAndGet();
                }
            }));
        });
    }

    private final Set<String> boundGroups = new LinkedHashSet<>();
    private final Map<String, AtomicLong[]> launchCounters = new ConcurrentHashMap<>();
    private final Set<String> followed = ConcurrentHashMap.newKeySet();

    /**
     * An availability group's meters: desired capacity, instances by zone and state, and launches by outcome since
     * binding. On a node of a cluster that does not run the group, they read nothing (NaN).
     */
    private void bindGroup(String lbName, AvailabilityGroup spec) {
        String group = spec.name();
        Tags tags = Tags.of("loadBalancer", lbName, "group", group);
        AtomicLong inService = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong[] counts = {inService, failed};
        meters.add(Gauge.builder("nlb4j.group.instances.desired", this, m -> {
            m.followLaunches(group, counts); // a group a live update added starts after its meters are bound
            return m.group(group).map(g -> (double) g.capacity().desired()).orElse(Double.NaN);
        })
                .tags(tags).description("the desired capacity").register(registry));
        for (String zone : spec.placement().zones()) {
            for (InstanceState state : List.of(InstanceState.PENDING, InstanceState.IN_SERVICE,
                    InstanceState.DRAINING)) {
                meters.add(Gauge.builder("nlb4j.group.instances", this, m -> m.group(group)
                        .map(g -> (double) g.instances().stream().filter(i -> i.zone().equals(zone)
                                && i.state() == state).count()).orElse(Double.NaN))
                        .tags(tags.and("zone", zone, "state", state.name().toLowerCase(Locale.ROOT)))
                        .description("the group's instances").register(registry));
            }
        }
        meters.add(counter("nlb4j.group.launches", inService, AtomicLong::get, tags.and("outcome", "in_service"),
                "launches that came into service"));
        meters.add(counter("nlb4j.group.launches", failed, AtomicLong::get, tags.and("outcome", "failed"),
                "launches that failed"));
        launchCounters.put(group, counts);
        followLaunches(group, counts);
    }

    private Optional<RunningAvailabilityGroup> group(String name) {
        try {
            return Optional.of(lb.availabilityGroup(name));
        } catch (RuntimeException e) {
            return Optional.empty(); // not running here (another node owns it), or stopped
        }
    }

    private <T> FunctionCounter counter(String name, T obj, ToDoubleFunction<T> f, Tags tags, String description) {
        return FunctionCounter.builder(name, obj, f).tags(tags).description(description).register(registry);
    }

    private void onEvent(LoadBalancerEvent e) {
        if (e instanceof LoadBalancerEvent.Updated) {
            bindListeners();
            bindGroups();
        } else if (e instanceof LoadBalancerEvent.ServerAdded a) {
            addServer(a.service(), a.server());
        } else if (e instanceof LoadBalancerEvent.ServerRemoved r) {
            removeServer(r.service(), r.server());
        }
    }

    private synchronized void addServer(String service, InetSocketAddress address) {
        String key = service + ' ' + address;
        if (registry == null || serverMeters.containsKey(key)) {
            return;
        }
        Tags tags = Tags.of("loadBalancer", lb.spec().name(), "service", service, "server",
                address.getHostString() + ':' + address.getPort());
        List<Meter> list = new ArrayList<>();
        list.add(Gauge.builder("nlb4j.server.connections.active", this,
                m -> m.read(service, address, ServerStats::activeConnections)).tags(tags)
                .description("open connections to the server").register(registry));
        list.add(counter("nlb4j.server.connections", this,
                m -> m.read(service, address, ServerStats::totalConnections), tags, "connections to the server"));
        list.add(counter("nlb4j.server.connect.failures", this,
                m -> m.read(service, address, ServerStats::connectFailures), tags, "failed connects"));
        list.add(counter("nlb4j.server.bytes", this, m -> m.read(service, address, ServerStats::bytesToServer),
                tags.and("direction", "to_server"), "bytes to the server"));
        list.add(counter("nlb4j.server.bytes", this, m -> m.read(service, address, ServerStats::bytesFromServer),
                tags.and("direction", "from_server"), "bytes from the server"));
        list.add(Gauge.builder("nlb4j.server.healthy", this, m -> m.read(service, address,
                s -> s.health() == HealthStatus.HEALTHY ? 1 : s.health() == HealthStatus.UNHEALTHY ? 0 : -1))
                .tags(tags).description("1 healthy, 0 unhealthy, -1 pending").register(registry));
        list.add(Gauge.builder("nlb4j.server.draining", this, m -> m.read(service, address,
                s -> s.state() == ServerStats.State.DRAINING ? 1 : 0)).tags(tags)
                .description("1 while the server drains").register(registry));
        list.add(Gauge.builder("nlb4j.server.ejected", this, m -> m.read(service, address,
                s -> s.ejected() ? 1 : 0)).tags(tags).description("1 while outlier detection ejects it")
                .register(registry));
        Timer timer = Timer.builder("nlb4j.server.connect.time").tags(tags).publishPercentiles(0.5, 0.95, 0.99)
                .description("time to connect to the server").register(registry);
        list.add(timer);
        connectTimers.computeIfAbsent(service, k -> new ConcurrentHashMap<>()).put(address, timer);
        serverMeters.put(key, list);
    }

    /** A connection to a server was made: on its event loop. */
    private void connected(String service, InetSocketAddress server, long nanos) {
        Map<InetSocketAddress, Timer> timers = connectTimers.get(service);
        Timer t = timers == null ? null : timers.get(server);
        if (t != null) {
            t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void removeServer(String service, InetSocketAddress address) {
        Map<InetSocketAddress, Timer> timers = connectTimers.get(service);
        if (timers != null) {
            timers.remove(address);
        }
        List<Meter> list = serverMeters.remove(service + ' ' + address);
        if (list != null && registry != null) {
            list.forEach(registry::remove);
        }
    }

    /** A server's figure, from a snapshot of its service read at most {@link #SNAPSHOT_NANOS} ago; NaN if gone. */
    private double read(String service, InetSocketAddress address, ToDoubleFunction<ServerStats> f) {
        long now = System.nanoTime();
        Snapshot s = snapshots.get(service);
        if (s == null || now - s.at > SNAPSHOT_NANOS) {
            Map<InetSocketAddress, ServerStats> byAddress = new HashMap<>();
            try {
                RunningBackendService b = lb.backendService(service);
                b.servers().forEach(x -> byAddress.put(x.address(), x));
            } catch (RuntimeException e) {
                // stopped: no figure
            }
            s = new Snapshot(now, byAddress);
            snapshots.put(service, s);
        }
        ServerStats stats = s.servers.get(address);
        return stats == null ? Double.NaN : f.applyAsDouble(stats);
    }

    private record Snapshot(long at, Map<InetSocketAddress, ServerStats> servers) {
    }

    /** Removes every meter and stops following the servers. */
    @Override
    public synchronized void close() {
        if (membership != null) {
            membership.dispose();
        }
        groupEvents.dispose();
        if (connectTimes != null) {
            connectTimes.dispose();
        }
        connectTimers.clear();
        if (registry != null) {
            meters.forEach(registry::remove);
            serverMeters.values().forEach(l -> l.forEach(registry::remove));
            listenerMeters.values().forEach(l -> l.forEach(registry::remove));
        }
        listenerMeters.clear();
        meters.clear();
        serverMeters.clear();
    }
}
