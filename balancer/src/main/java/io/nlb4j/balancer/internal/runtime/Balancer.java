package io.nlb4j.balancer.internal.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.FaultHandle;
import io.nlb4j.balancer.FaultTarget;
import io.nlb4j.balancer.ConnectTimeObserver;
import io.nlb4j.balancer.ListenerId;
import io.nlb4j.balancer.LoadBalancerEvent.LeaveCause;
import io.nlb4j.balancer.LoadBalancerEvent.StopOutcome;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.LoadBalancerStartException;
import io.nlb4j.balancer.MembershipProviders;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.SocketTransport;
import io.nlb4j.balancer.internal.forwarding.AccessControl;
import io.nlb4j.balancer.internal.forwarding.Endpoint;
import io.nlb4j.balancer.internal.forwarding.ForwardingEvents;
import io.nlb4j.balancer.internal.admin.AdminEndpoint;
import io.nlb4j.balancer.internal.forwarding.ConnectionObservers;
import io.nlb4j.balancer.internal.forwarding.ListenerPath;
import io.nlb4j.balancer.internal.forwarding.Loops;
import io.nlb4j.balancer.internal.forwarding.Transport;
import io.nlb4j.cluster.ClusterNode;
import io.nlb4j.cluster.ClusterSupport;
import io.nlb4j.cluster.GroupOwnership;
import io.nlb4j.cluster.HealthViews;
import io.nlb4j.control.ControlContext;
import io.nlb4j.control.Failures;
import io.nlb4j.group.AvailabilityGroups;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.healthcheck.HealthChecker;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Cluster;
import io.nlb4j.model.Durations;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.StaticServer;
import io.nlb4j.model.Violation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A running load balancer: its event loops, its control context, its listeners, backend services and availability
 * groups, and their lifecycle. Every state change runs in the control context; starting and stopping wait on
 * signals (bound channels, group starts, health outcomes, the last connection's close) and on deadlines measured on
 * the control clock, never by polling, and nothing in them blocks the control context.
 */
final class Balancer implements RunningLoadBalancer {

    private static final Logger log = LoggerFactory.getLogger(Balancer.class);
    /** How long connections closed at the drain timeout have to go before the stop goes on without them. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** How long the availability groups have to terminate their instances at stop. */
    private static final Duration GROUP_STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SESSION_SWEEP = Duration.ofSeconds(1);

    private final LoadBalancerSpec spec;
    private final LoadBalancerOptions options;
    private final ConnectionObservers observers;
    /** The static servers' connection limits by service, from the start's resolution (a worker, then the context). */
    private final Map<String, Map<InetSocketAddress, Integer>> staticLimits = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile AdminEndpoint admin;
    private final ControlContext ctx;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Loops loops;
    private final Duration idleSweep;
    private final Events events;
    private final HealthChecker checker;
    private final List<ListenerHandle> listeners = new ArrayList<>();
    /** Completes, per provider, once its first snapshot is applied. */
    private final List<Mono<Void>> firstSnapshots = new ArrayList<>();
    private final SelfAddresses self = new SelfAddresses();
    /** The address the listeners bind, resolved at the start. */
    private InetAddress bindAddress;
    private final Map<String, ServiceRuntime> services = new LinkedHashMap<>();
    private final Map<String, BackendServiceHandle> serviceHandles = new LinkedHashMap<>();
    private final Map<String, GroupMembers> groups = new LinkedHashMap<>();
    private final Map<String, StaticMembership> staticSources = new LinkedHashMap<>();
    private final List<MembershipProvider> ownedProviders = new ArrayList<>();
    /** This node of the cluster, when the specification has one; set before the membership starts. */
    private volatile ClusterNode clusterNode;
    /** The groups whose owner the cluster chooses, with the service each serves (the first, if several). */
    private final Map<String, ServiceRuntime> clusteredGroups = new LinkedHashMap<>();
    private final Map<String, AvailabilityGroup> clusteredSpecs = new LinkedHashMap<>();
    private final Map<String, GroupOwnership> ownerships = new ConcurrentHashMap<>();
    /** Provider subscriptions and periodic tasks: ended when a stop begins. */
    private final Disposable.Composite subscriptions = Disposables.composite();
    /** The static lists' and groups' subscriptions: they last until the groups have stopped, as drains need them. */
    private final Disposable.Composite sourceSubscriptions = Disposables.composite();
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    private volatile boolean stopping;
    // ---- control-context state ----
    private Duration drainTimeout;
    private boolean draining;
    private boolean forced;
    private boolean finishing;
    private Disposable drainTimer;

    private Balancer(LoadBalancerSpec spec, LoadBalancerOptions options, Transport transport) {
        this.spec = spec;
        this.options = options;
        String owner = "load balancer \"" + spec.name() + '"';
        this.ctx = options.controlScheduler().map(s -> ControlContext.on(owner, s))
                .orElseGet(() -> ControlContext.create(owner, "nlb4j-control-" + spec.name()));
        this.events = new Events(ctx, options.eventBufferSize());
        this.transport = transport;
        this.idleSweep = sweepInterval(spec);
        this.group = transport.newGroup(options.eventLoopThreads(), "nlb4j-" + spec.name());
        this.loops = Loops.create(group, ctx::nanoTime);
        this.checker = new HealthChecker(group, transport.socketChannels());
        this.observers = ConnectionObservers.create(options.accessLog().orElse(null));
        AccessControl access = AccessControl.of(spec.securityGroups());
        int connectMillis = (int) options.connectTimeout().toMillis();
        for (int i = 0; i < spec.listeners().size(); i++) {
            Listener l = spec.listeners().get(i);
            BackendService bs = l.backendService();
            ServiceRuntime service = services.computeIfAbsent(bs.name(),
                    n -> new ServiceRuntime(bs, ctx, events, loops, checker, self));
            BackendServiceHandle handle = serviceHandles.computeIfAbsent(bs.name(), n -> new BackendServiceHandle(
                    service, ctx, staticSource(service)));
            ListenerId id = new ListenerId(i, l.name(), l.port());
            self.listener(l.port());
            ListenerHandle[] self = new ListenerHandle[1];
            ListenerPath path = ListenerPath.create(i, l, service.route, access, transport, loops,
                    new PathEvents(() -> self[0], service), connectMillis, options.maxConnectAttempts(), observers);
            self[0] = new ListenerHandle(id, path, handle);
            listeners.add(self[0]);
        }
    }

    private StaticMembership staticSource(ServiceRuntime service) {
        if (service.spec.servers() instanceof ServerSource.Static) {
            StaticMembership s = new StaticMembership();
            staticSources.put(service.name, s);
            return s;
        }
        return null;
    }

    /** Idle pairs are found by a sweep every tenth of the shortest idle timeout, between 10 ms and 1 s. */
    private static Duration sweepInterval(LoadBalancerSpec spec) {
        long shortest = spec.listeners().stream().mapToLong(l -> l.idleTimeout().toNanos()).min().orElse(0);
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1),
                shortest / 10)));
    }

    // ---- start ----

    static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec, LoadBalancerOptions options) {
        return Mono.defer(() -> {
            Transport transport;
            try {
                transport = Transport.choose(options.transport());
            } catch (IllegalStateException e) {
                return Mono.error(new LoadBalancerStartException("transport: " + options.transport()
                        + " (expected: a transport available here, one of " + available() + "; " + e.getMessage()
                        + ')', e));
            }
            Balancer b = new Balancer(spec, options, transport);
            if (options.adminPort().isPresent()) {
                // Before anything happens: the status page's recent events start with the start.
                b.admin = AdminEndpoint.create(b, transport.newGroup(1, "nlb4j-admin-" + spec.name()),
                        transport.serverChannel(), options.adminToken());
            }
            return b.joinCluster().then(b.resolveStaticServers())
                    .flatMap(resolved -> b.ctx.run(() -> b.startMembership(resolved)))
                    .then(Mono.defer(b::bindAll))
                    .then(Mono.defer(b::startAdmin))
                    .then(Mono.defer(b::awaitGroups))
                    .then(Mono.defer(b::awaitProviders))
                    .then(Mono.defer(b::awaitHealth))
                    .then(Mono.defer(b::ownGroups))
                    .then(Mono.defer(() -> b.ctx.call(b::started)))
                    .timeout(options.startTimeout(), b.ctx.scheduler())
                    .onErrorResume(e -> b.abort().then(Mono.error(b.startFailure(e))))
                    .doOnCancel(() -> b.abort().subscribe());
        });
    }

    private static List<SocketTransport> available() {
        return Arrays.stream(SocketTransport.values()).filter(SocketTransport::isAvailable).toList();
    }

    /**
     * Joins the other nodes, when the specification has a cluster, on a worker thread (the registry is reached over
     * the network): through the {@link ClusterSupport} found with {@link ServiceLoader}.
     */
    private Mono<Void> joinCluster() {
        Optional<Cluster> cluster = spec.cluster();
        if (cluster.isEmpty()) {
            return Mono.empty();
        }
        return Mono.<Void>fromRunnable(() -> {
            ClusterSupport support = ServiceLoader.load(ClusterSupport.class).findFirst().orElseThrow(() ->
                    new LoadBalancerStartException("cluster.zookeeper: no cluster support is installed (expected:"
                            + " the nlb4j-zookeeper module on the class path)", null));
            try {
                clusterNode = support.join(cluster.get(), spec.name());
            } catch (IllegalArgumentException e) {
                throw new LoadBalancerStartException(Failures.sentence(e), e);
            }
            log.info("load balancer {}: node {} of the cluster at {}{}", spec.name(), clusterNode.name(),
                    cluster.get().connect(), cluster.get().basePath());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * On a cluster's node, takes part in the choice of each group's owner once the load balancer serves: the node
     * chosen runs the group; every node serves its instances as the registry lists them.
     */
    private Mono<Void> ownGroups() {
        if (clusterNode == null || clusteredGroups.isEmpty()) {
            return Mono.empty();
        }
        return Mono.<Void>fromRunnable(() -> clusteredGroups.forEach((name, service) -> {
            AvailabilityGroup g = clusteredSpecs.get(name);
            GroupOptions groupOptions = GroupOptions.builder()
                    .defaultPort(service.spec.port().orElse(0))
                    .activeConnections(service::activeConnections)
                    .starter(options.instanceStarter())
                    .build();
            try {
                GroupOwnership o = clusterNode.own(g, groupOptions, service.spec.connectionDraining());
                ownerships.put(name, o);
                // Where the group runs, this node's checks of its instances are the ones it acts on (it replaces
                // those that stay unhealthy).
                ctx.tryExecute(() -> service.onHealth((address, health) -> o.group().ifPresent(running ->
                        running.instances().stream().filter(i -> i.address().equals(Optional.of(address)))
                                .findFirst().ifPresent(i -> running.reportHealth(i.id(), health)))));
                subscriptions.add(o.owners().subscribe(owner -> ctx.tryExecute(() -> {
                    LoadBalancerEvent.GroupOwnerChanged e = new LoadBalancerEvent.GroupOwnerChanged(events.now(),
                            name, clusterNode.name(), owner);
                    log.info("{}", e.description());
                    events.stream().publish(e);
                })));
            } catch (IllegalArgumentException e) {
                throw new LoadBalancerStartException(groupPaths.get(name) + ": " + Failures.sentence(e), e);
            }
        })).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The bind address and the static servers named by host name are resolved before the start, on a worker thread:
     * DNS may block. A static server that is one of this load balancer's own listeners fails the start.
     */
    private Mono<Map<String, Map<InetSocketAddress, Integer>>> resolveStaticServers() {
        return Mono.fromCallable(() -> {
            try {
                bindAddress = InetAddress.getByName(options.bindAddress());
            } catch (UnknownHostException e) {
                throw new LoadBalancerStartException("bindAddress: " + Violation.quoted(options.bindAddress())
                        + " (expected: an IP address or host name of this host; it does not resolve)", e);
            }
            self.resolved(bindAddress);
            Map<String, Map<InetSocketAddress, Integer>> out = new LinkedHashMap<>();
            for (int i = 0; i < spec.listeners().size(); i++) {
                BackendService bs = spec.listeners().get(i).backendService();
                if (!(bs.servers() instanceof ServerSource.Static s) || out.containsKey(bs.name())) {
                    continue;
                }
                Map<InetSocketAddress, Integer> members = new LinkedHashMap<>();
                for (int j = 0; j < s.servers().size(); j++) {
                    StaticServer server = s.servers().get(j);
                    int port = server.port().orElseGet(() -> bs.port().orElseThrow());
                    try {
                        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(server.address()), port);
                        Optional<Integer> loop = self.listenerAt(address);
                        if (loop.isPresent()) {
                            throw new LoadBalancerStartException("listeners[" + i + "].backendService.servers.static["
                                    + j + "]: " + server.address() + ':' + port + " (expected: a server other than this"
                                    + " load balancer; it is its own listeners[" + loop.get() + "] on "
                                    + bindAddress.getHostAddress() + ':' + port + ", so every connection would come"
                                    + " back as a new one, without end)", null);
                        }
                        members.put(address, server.weight());
                        if (server.maxConnections().isPresent()) {
                            staticLimits.computeIfAbsent(bs.name(), n -> new LinkedHashMap<>())
                                    .put(address, server.maxConnections().getAsInt());
                        }
                    } catch (UnknownHostException e) {
                        throw new LoadBalancerStartException("listeners[" + i + "].backendService.servers.static[" + j
                                + "].address: " + Violation.quoted(server.address())
                                + " (expected: a resolvable address or host name; " + Failures.sentence(e) + ')', e);
                    }
                }
                out.put(bs.name(), members);
            }
            return out;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Subscribes every service to its source, a membership provider in each case: the static list, the
     * availability group, or a provider made by a factory.
     */
    private void startMembership(Map<String, Map<InetSocketAddress, Integer>> resolved) {
        shareHealth();
        List<String> subscribed = new ArrayList<>();
        for (int i = 0; i < spec.listeners().size(); i++) {
            BackendService bs = spec.listeners().get(i).backendService();
            ServiceRuntime service = services.get(bs.name());
            if (subscribed.contains(bs.name())) {
                continue; // a service shared by several listeners
            }
            subscribed.add(bs.name());
            String path = "listeners[" + i + "].backendService.servers";
            if (bs.servers() instanceof ServerSource.Static) {
                StaticMembership source = staticSources.get(bs.name());
                service.limits(staticLimits.getOrDefault(bs.name(), Map.of()));
                resolved.getOrDefault(bs.name(), Map.of()).forEach(source::add);
                subscribeInContext(service, source, LeaveCause.REMOVED);
            } else if (bs.servers() instanceof ServerSource.Group g && clusterNode != null) {
                // On a cluster's node, the group's owner (whichever node) registers its instances; this node serves
                // them as the registry lists them.
                groupPaths.putIfAbsent(g.group().name(), path + ".availabilityGroup");
                clusteredGroups.putIfAbsent(g.group().name(), service);
                clusteredSpecs.putIfAbsent(g.group().name(), g.group());
                MembershipProvider instances = clusterNode.groupInstances(g.group().name());
                ownedProviders.add(instances);
                subscribe(service, "cluster", instances);
            } else if (bs.servers() instanceof ServerSource.Group g) {
                GroupMembers members = groups.computeIfAbsent(g.group().name(), n -> new GroupMembers(g.group()));
                groupPaths.putIfAbsent(g.group().name(), path + ".availabilityGroup");
                members.serve(service);
                subscribeInContext(service, members, LeaveCause.LEFT_SOURCE);
            } else {
                ServerSource.Provider ps = (ServerSource.Provider) bs.servers();
                subscribe(service, ps.type(), provider(ps, path + ".provider"));
            }
        }
    }

    private final Map<String, String> groupPaths = new LinkedHashMap<>();
    private final List<HealthViews> healthViews = new ArrayList<>();

    /**
     * On a cluster's node whose nodes vote on health: each service shares what its checks find, and avoids a server
     * once the quorum of nodes finds it unhealthy. Before any server joins.
     */
    private void shareHealth() {
        Optional<Integer> quorum = spec.cluster().flatMap(Cluster::healthQuorum);
        if (clusterNode == null || quorum.isEmpty()) {
            return;
        }
        for (ServiceRuntime service : services.values()) {
            service.healthQuorum(quorum.get());
            HealthViews views = clusterNode.healthViews(service.name);
            healthViews.add(views);
            service.onHealth((address, status) -> views.publish(service.ownUnhealthy()));
            subscriptions.add(views.peersUnhealthy().subscribe(counts -> ctx.tryExecute(() ->
                    service.peersUnhealthy(counts))));
        }
    }

    /**
     * A source that publishes in the control context, with resolved addresses (the static list, a group): each
     * snapshot is applied in the task that published it, so a change is in the service when the call returns.
     */
    private void subscribeInContext(ServiceRuntime service, MembershipProvider source, LeaveCause cause) {
        sourceSubscriptions.add(source.members().subscribe(members -> service.apply(Sources.resolve(members), cause)));
    }

    private MembershipProvider provider(ServerSource.Provider ps, String path) {
        List<String> problems = MembershipProviders.check(ps, path, options);
        if (!problems.isEmpty()) {
            throw new LoadBalancerStartException(String.join("; ", problems), null);
        }
        MembershipProviderFactory factory = MembershipProviders.find(ps.type(), options).orElseThrow();
        MembershipProvider p;
        try {
            p = factory.create(ps.properties());
        } catch (IllegalArgumentException e) {
            throw new LoadBalancerStartException(path + ".properties: " + Failures.sentence(e), e);
        }
        ownedProviders.add(p);
        return p;
    }

    /**
     * A provider's snapshots, resolved off the control context (host names may need DNS), then applied in it;
     * a failure keeps the last servers.
     */
    private void subscribe(ServiceRuntime service, String type, MembershipProvider provider) {
        subscriptions.add(provider.problems().subscribe(problem -> {
            log.warn("backend service {}: membership provider {}: {}", service.name, type, problem);
            events.publish(t -> new LoadBalancerEvent.MembershipProblem(t, service.name, type, problem));
        }, e -> { }));
        Sinks.Empty<Void> first = Sinks.empty();
        firstSnapshots.add(first.asMono());
        subscriptions.add(provider.members()
                .publishOn(Schedulers.boundedElastic())
                .map(Sources::resolve)
                .subscribe(members -> ctx.tryExecute(() -> {
                    service.apply(members, LeaveCause.LEFT_SOURCE);
                    first.tryEmitEmpty();
                }), e -> log.warn("backend service {}: membership provider failed, keeping the last servers: {}",
                        service.name, Failures.sentence(e))));
    }

    /**
     * Waits for each provider's first snapshot to be applied: until then its service has no server, and the wait
     * for the first health checks would find nothing to wait for. A provider that publishes nothing holds the start
     * until its timeout.
     */
    private Mono<Void> awaitProviders() {
        return Mono.when(firstSnapshots);
    }

    private Mono<Void> bindAll() {
        List<Mono<Void>> binds = new ArrayList<>();
        for (ListenerHandle l : listeners) {
            ChannelFuture f = l.path.serverBootstrap(group).bind(new InetSocketAddress(bindAddress, l.spec().port()));
            l.binding(f);
            binds.add(toMono(f).onErrorMap(e -> new LoadBalancerStartException("listeners[" + l.id.index() + "].port: "
                    + l.spec().port() + " (expected: a port free on " + options.bindAddress() + "; binding failed: "
                    + Failures.sentence(e) + ')', e)).then(ctx.run(() -> {
                        l.bound(f.channel());
                        self.bound(l.id.index(), l.boundAddress().getPort());
                        events.publish(t -> new LoadBalancerEvent.ListenerBound(t, l.id, l.service.spec().name(),
                                l.boundAddress()));
                    })));
        }
        return Mono.when(binds);
    }

    /** Serves the admin endpoint, when the options ask for it, on an event loop of its own. */
    private Mono<Void> startAdmin() {
        AdminEndpoint a = admin;
        if (a == null) {
            return Mono.empty();
        }
        int port = options.adminPort().getAsInt();
        return Mono.fromCallable(() -> InetAddress.getByName(options.adminAddress()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> new LoadBalancerStartException("adminAddress: "
                        + Violation.quoted(options.adminAddress()) + " (expected: an IP address or host name of"
                        + " this host; " + Failures.sentence(e) + ')', e))
                .flatMap(address -> toMono(a.bind(new InetSocketAddress(address, port))).onErrorMap(e ->
                            new LoadBalancerStartException("adminPort: " + port + " (expected: a port free on "
                                    + options.adminAddress() + "; binding the admin endpoint failed: "
                                    + Failures.sentence(e) + ')', e)))
                .doOnSuccess(ignored -> log.info("load balancer {}: admin endpoint on http://{}/", spec.name(),
                        hostPort(a.address())));
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }

    /** Starts each availability group in the control context and waits until it has its minimum in service. */
    private Mono<Void> awaitGroups() {
        List<Mono<RunningAvailabilityGroup>> starts = new ArrayList<>();
        for (GroupMembers g : groups.values()) {
            GroupOptions groupOptions = GroupOptions.builder()
                    .context(ctx)
                    .defaultPort(g.defaultPort())
                    .activeConnections(g::activeConnections)
                    .starter(options.instanceStarter())
                    .build();
            starts.add(AvailabilityGroups.start(g.spec(), g, groupOptions)
                    .doOnNext(g::running)
                    .onErrorMap(e -> new LoadBalancerStartException(groupPaths.get(g.spec().name()) + ": "
                            + Failures.sentence(e), e)));
        }
        return Flux.merge(starts).then();
    }

    /** Waits for every server's first health outcome; fails if a service would refuse every connection. */
    private Mono<Void> awaitHealth() {
        return Mono.when(services.values().stream().map(ServiceRuntime::awaitDecided).toList())
                .then(ctx.run(() -> {
                    List<String> refusing = services.values().stream().map(ServiceRuntime::refusesAll)
                            .filter(r -> r != null).toList();
                    if (!refusing.isEmpty()) {
                        throw new LoadBalancerStartException(String.join("; ", refusing), null);
                    }
                }));
    }

    private RunningLoadBalancer started() {
        subscriptions.add(ctx.schedulePeriodically(() -> services.values().forEach(ServiceRuntime::sweepSessions),
                SESSION_SWEEP));
        subscriptions.add(ctx.schedulePeriodically(() -> loops.sweepIdle(ctx.nanoTime()), idleSweep));
        services.values().forEach(ServiceRuntime::started);
        List<InetSocketAddress> addresses = listeners.stream().map(ListenerHandle::boundAddress).toList();
        LoadBalancerEvent.Started e = new LoadBalancerEvent.Started(events.now(), spec.name(), addresses,
                transport.kind().name());
        log.info("{}", e.description());
        events.stream().publish(e);
        AdminEndpoint a = admin;
        if (a != null) {
            a.serveMetrics();
        }
        return this;
    }

    /** Why the start failed, as one exception naming what and why. */
    private Throwable startFailure(Throwable e) {
        if (e instanceof TimeoutException) {
            return new LoadBalancerStartException("load balancer \"" + spec.name() + "\" did not start within "
                    + Durations.format(options.startTimeout()) + pending() + " (expected: a start within"
                    + " LoadBalancerOptions.startTimeout)", e);
        }
        if (e instanceof LoadBalancerStartException || e instanceof IllegalArgumentException) {
            return e;
        }
        return new LoadBalancerStartException("load balancer \"" + spec.name() + "\" could not start: "
                + Failures.sentence(e), e);
    }

    /** What a start was still waiting for (read from another thread: a best-effort description). */
    private String pending() {
        List<String> parts = new ArrayList<>();
        for (GroupMembers g : groups.values()) {
            if (g.running() == null) {
                parts.add("availability group \"" + g.spec().name() + "\" had not reached its minimum capacity");
            }
        }
        for (ServiceRuntime s : services.values()) {
            String p = s.describePending();
            if (!p.isEmpty()) {
                parts.add("backend service \"" + s.name + "\" has servers still pending their first health check: "
                        + p);
            }
        }
        return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    }

    /**
     * Releases everything after a failed or cancelled start: closes bound listeners, stops the groups (their
     * instances are terminated), the checks and providers, then the threads. Completes when all of that is done.
     */
    private Mono<Void> abort() {
        stopping = true;
        return ctx.run(() -> {
            subscriptions.dispose();
            services.values().forEach(ServiceRuntime::stop);
        }).onErrorResume(e -> Mono.empty())
                .then(Mono.when(listeners.stream().map(ListenerHandle::binding).filter(f -> f != null)
                        .map(Balancer::closeOnceBound).toList()))
                .then(stopGroups())
                .then(Mono.defer(() -> {
                    sourceSubscriptions.dispose();
                    return release();
                }));
    }

    // ---- stop ----

    @Override
    public Mono<Void> stop(Duration drain) {
        Objects.requireNonNull(drain, "drainTimeout");
        if (drain.isNegative() || drain.compareTo(Durations.MAX_DURATION) > 0) {
            return Mono.error(new IllegalArgumentException("drainTimeout: " + Durations.format(drain)
                    + " (expected: 0s or a positive duration of at most " + Durations.format(Durations.MAX_DURATION)
                    + ')'));
        }
        ctx.tryExecute(() -> beginStop(drain));
        return onStopped();
    }

    private void beginStop(Duration drain) {
        if (stopping) {
            return;
        }
        stopping = true;
        drainTimeout = drain;
        log.info("load balancer {} stopping, draining for up to {}", spec.name(), Durations.format(drain));
        events.publish(t -> new LoadBalancerEvent.Stopping(t, drain));
        subscriptions.dispose();
        Mono.when(listeners.stream().map(l -> toMono(l.channel().close())).toList())
                .onErrorResume(e -> Mono.empty())
                // A connection accepted just before its listener closed is registered by a task already queued on
                // its event loop: once every loop has run its queue, the drain below sees that connection.
                .then(Mono.fromFuture(loops::barrier))
                .subscribe(null, e -> ctx.tryExecute(this::afterUnbind), () -> ctx.tryExecute(this::afterUnbind));
    }

    private void afterUnbind() {
        for (ListenerHandle l : listeners) {
            events.publish(t -> new LoadBalancerEvent.ListenerUnbound(t, l.id, l.boundAddress()));
        }
        draining = true;
        if (openConnections() == 0) {
            finishStop(StopOutcome.DRAINED);
            return;
        }
        drainTimer = ctx.schedule(this::closeAtDrainTimeout, drainTimeout);
    }

    private void closeAtDrainTimeout() {
        if (finishing) {
            return;
        }
        forced = true;
        loops.closeAll().thenAccept(n -> log.info("load balancer {}: drain timeout, {} open connections closed",
                spec.name(), n));
        drainTimer = ctx.schedule(() -> finishStop(StopOutcome.NOT_CLOSED_IN_TIME), CLOSE_GRACE);
    }

    /** A listener's last connection has closed: during a stop, the drain may be over. */
    private void listenerIdle() {
        if (draining && !finishing && openConnections() == 0) {
            finishStop(forced ? StopOutcome.CLOSED_AT_TIMEOUT : StopOutcome.DRAINED);
        }
    }

    private int openConnections() {
        return listeners.stream().mapToInt(l -> l.path.activeConnections()).sum();
    }

    private void finishStop(StopOutcome outcome) {
        if (finishing) {
            return;
        }
        finishing = true;
        if (drainTimer != null) {
            drainTimer.dispose();
        }
        // The groups drain (at once: no connection is left) and terminate their instances in this context.
        stopGroups().subscribe(null, null, () -> ctx.tryExecute(() -> {
            sourceSubscriptions.dispose();
            services.values().forEach(ServiceRuntime::stop);
            LoadBalancerEvent.Stopped e = new LoadBalancerEvent.Stopped(events.now(), outcome);
            log.info("load balancer {} {}", spec.name(), e.description());
            events.stream().publish(e);
            release().subscribe();
        }));
    }

    private Mono<Void> stopGroups() {
        List<Mono<Void>> stops = new ArrayList<>(groups.values().stream().filter(g -> g.running() != null)
                .map(g -> g.running().stop()).toList());
        for (GroupOwnership o : ownerships.values()) {
            stops.add(Mono.<Void>fromRunnable(o::close).subscribeOn(Schedulers.boundedElastic()));
        }
        ownerships.clear();
        return Mono.when(stops)
                .timeout(GROUP_STOP_TIMEOUT, ctx.scheduler())
                .onErrorResume(e -> {
                    log.warn("load balancer {}: availability groups did not stop cleanly: {}", spec.name(),
                            Failures.sentence(e));
                    return Mono.empty();
                });
    }

    /** Closes the providers, completes the events, then shuts the event loops and the control context down. */
    private Mono<Void> release() {
        for (MembershipProvider p : ownedProviders) {
            try {
                p.close();
            } catch (Exception e) {
                log.warn("closing a membership provider failed: {}", Failures.sentence(e));
            }
        }
        for (HealthViews v : healthViews) {
            try {
                v.close();
            } catch (Exception e) {
                log.warn("withdrawing a health view failed: {}", Failures.sentence(e));
            }
        }
        if (clusterNode != null) {
            try {
                clusterNode.close();
            } catch (Exception e) {
                log.warn("leaving the cluster failed: {}", Failures.sentence(e));
            }
        }
        Mono<Void> adminStopped = Mono.empty();
        AdminEndpoint a = admin;
        if (a != null) {
            adminStopped = toMono(a.close()).onErrorResume(e -> Mono.empty());
        }
        events.stream().complete();
        return adminStopped.then(toMono(group.shutdownGracefully(0, 2, TimeUnit.SECONDS)))
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> {
                    ctx.dispose(); // a caller's scheduler stays the caller's: only this context stops
                    stopped.tryEmitEmpty();
                })
                .then();
    }

    /**
     * Waits for a bind to finish, whatever its outcome, then closes its channel: a listener whose bind was still
     * under way when another failed must not be bound after the event loops stop, a listening socket nobody closes.
     */
    private static Mono<Void> closeOnceBound(ChannelFuture bind) {
        return toMono(bind).onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> toMono(bind.channel().close())))
                .onErrorResume(e -> Mono.empty());
    }

    private static Mono<Void> toMono(Future<?> future) {
        return Mono.create(sink -> future.addListener(f -> {
            if (f.isSuccess()) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
    }

    // ---- RunningLoadBalancer ----

    @Override
    public LoadBalancerSpec spec() {
        return spec;
    }

    @Override
    public RunningListener listener(int configuredPort) {
        List<ListenerHandle> matching = listeners.stream().filter(l -> l.spec().port() == configuredPort).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("listener: " + configuredPort + " (expected: a configured port, one of "
                    + listeners.stream().map(l -> l.spec().port()).toList() + ')');
        }
        throw new IllegalArgumentException("listener: " + configuredPort + " (expected: a port that identifies one"
                + " listener; " + matching.stream().map(l -> "listeners[" + l.id.index() + ']')
                .collect(Collectors.joining(" and ")) + " are all on port " + configuredPort
                + ": give them names and use listener(String), or use listeners().get(index))");
    }

    @Override
    public RunningListener listener(String name) {
        Objects.requireNonNull(name, "name");
        return listeners.stream().filter(l -> l.spec().name().equals(Optional.of(name))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("listener: " + Violation.quoted(name)
                        + " (expected: a listener name, one of "
                        + listeners.stream().flatMap(l -> l.spec().name().stream()).toList() + ')'));
    }

    @Override
    public List<RunningListener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public FaultHandle addFault(FaultTarget target, Fault fault) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fault, "fault");
        Runnable removal;
        if (target.listener().isPresent()) {
            ListenerHandle l = (ListenerHandle) listener(target.listener().get());
            removal = loops.putInPlace(l.path.faults(), fault);
        } else {
            String name = target.service().orElseThrow();
            backendService(name); // names the services there are if there is none of this name
            ServiceRuntime service = services.get(name);
            if (target.server().isEmpty()) {
                removal = loops.putInPlace(service.route.faults(), fault);
            } else {
                InetSocketAddress server = target.server().get();
                Runnable inContext = ctx.inContext() ? service.addServerFault(server, fault)
                        : ctx.call(() -> service.addServerFault(server, fault)).block(Duration.ofSeconds(30));
                removal = () -> {
                    if (ctx.inContext()) {
                        inContext.run();
                    } else {
                        ctx.tryExecute(inContext);
                    }
                };
            }
        }
        events.publish(t -> new LoadBalancerEvent.FaultAdded(t, target, fault));
        log.info("{}", "fault added on " + target + ": " + fault);
        return new FaultHandle() {
            private final AtomicBoolean removed = new AtomicBoolean();

            @Override
            public FaultTarget target() {
                return target;
            }

            @Override
            public Fault fault() {
                return fault;
            }

            @Override
            public void remove() {
                if (removed.compareAndSet(false, true)) {
                    removal.run();
                    events.publish(t -> new LoadBalancerEvent.FaultRemoved(t, target, fault));
                    log.info("{}", "fault removed from " + target + ": " + fault);
                }
            }

            @Override
            public String toString() {
                return fault + " on " + target;
            }
        };
    }

    @Override
    public RunningBackendService backendService(String name) {
        Objects.requireNonNull(name, "name");
        BackendServiceHandle s = serviceHandles.get(name);
        if (s == null) {
            throw new IllegalArgumentException("backend service: " + Violation.quoted(name) + " (expected: one of "
                    + serviceHandles.keySet() + ')');
        }
        return s;
    }

    @Override
    public RunningAvailabilityGroup availabilityGroup(String name) {
        Objects.requireNonNull(name, "name");
        GroupOwnership owned = ownerships.get(name);
        if (owned != null) {
            return owned.group().orElseThrow(() -> new IllegalStateException("availability group "
                    + Violation.quoted(name) + ": runs on its owner, node " + owned.owner().orElse("(none yet)")
                    + ", not on this node, " + clusterNode.name() + " (expected: the group asked of its owner)"));
        }
        GroupMembers g = groups.get(name);
        if (g == null || g.running() == null) {
            throw new IllegalArgumentException("availability group: " + Violation.quoted(name) + " (expected: one of "
                    + groups.keySet() + ')');
        }
        return g.running();
    }

    @Override
    public Flux<LoadBalancerEvent> events() {
        return events.stream().flux();
    }

    @Override
    public Optional<InetSocketAddress> adminAddress() {
        AdminEndpoint a = admin;
        return a == null ? Optional.empty() : Optional.ofNullable(a.address());
    }

    @Override
    public Disposable observeConnectTimes(ConnectTimeObserver observer) {
        Objects.requireNonNull(observer, "observer");
        Runnable remove = observers.addConnectTimes((service, server, nanos) -> observer.connected(service,
                server.address(), nanos));
        return remove::run;
    }

    @Override
    public long droppedEvents() {
        return events.stream().dropped();
    }

    @Override
    public Mono<Void> onStopped() {
        return stopped.asMono();
    }

    @Override
    public void close() {
        Duration drain = spec.longestConnectionDraining();
        Duration wait = drain.plusSeconds(CLOSE_SLACK_SECONDS);
        try {
            stop(drain).block(wait);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("load balancer \"" + spec.name() + "\" did not stop within "
                    + Durations.format(wait) + " (expected: its connections drained within " + Durations.format(drain)
                    + " and its instances and threads stopped within " + CLOSE_SLACK_SECONDS + "s more)", e);
        }
    }

    @Override
    public void dispose() {
        stop(Duration.ZERO).subscribe();
    }

    @Override
    public boolean isDisposed() {
        return stopping;
    }

    @Override
    public String toString() {
        return "RunningLoadBalancer[" + spec.name() + ' ' + listeners.stream()
                .map(l -> String.valueOf(l.boundAddress())).collect(Collectors.joining(", ")) + ']';
    }

    /** What one listener's path reports, handed to the runtime: the endpoint callbacks go to its service. */
    private final class PathEvents implements ForwardingEvents {
        private final Supplier<ListenerHandle> listener;
        private final ServiceRuntime service;

        PathEvents(Supplier<ListenerHandle> listener, ServiceRuntime service) {
            this.listener = listener;
            this.service = service;
        }

        @Override
        public void rejected(ListenerPath path, InetAddress client, LoadBalancerEvent.RejectReason reason,
                             String detail) {
            events.publish(t -> new LoadBalancerEvent.ConnectionRejected(t, listener.get().id, service.name, client,
                    reason, detail));
        }

        @Override
        public void connectFailed(ListenerPath path, Endpoint endpoint, Throwable cause) {
            events.publish(t -> new LoadBalancerEvent.ConnectFailed(t, listener.get().id, service.name,
                    endpoint.address(), cause));
        }

        @Override
        public void failed(Endpoint endpoint, int consecutive) {
            service.failed(endpoint, consecutive);
        }

        @Override
        public void drained(Endpoint endpoint) {
            ctx.tryExecute(() -> service.drained(endpoint));
        }

        @Override
        public void idle(ListenerPath path) {
            if (stopping) {
                ctx.tryExecute(Balancer.this::listenerIdle);
            }
        }
    }
}
