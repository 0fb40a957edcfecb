package io.nlb4j.balancer.internal.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
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
import io.nlb4j.balancer.SpecDiff;
import io.nlb4j.balancer.UpdateRejectedException;
import io.nlb4j.balancer.internal.forwarding.AccessControl;
import io.nlb4j.balancer.internal.forwarding.Endpoint;
import io.nlb4j.balancer.internal.forwarding.ForwardingEvents;
import io.nlb4j.balancer.internal.admin.AdminEndpoint;
import io.nlb4j.balancer.internal.forwarding.ConnectionObservers;
import io.nlb4j.balancer.internal.forwarding.ListenerPath;
import io.nlb4j.balancer.internal.forwarding.ServiceRoute;
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
import io.nlb4j.membership.Member;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
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
import reactor.core.Exceptions;
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

    /** The specification running now: replaced by a live update. */
    private volatile LoadBalancerSpec spec;
    private final LoadBalancerOptions options;
    private final ConnectionObservers observers;
    /** The static servers' connection limits by service, from the start's resolution (a worker, then the context). */
    private final Map<String, Map<InetSocketAddress, Integer>> staticLimits = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile AdminEndpoint admin;
    private final ControlContext ctx;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Loops loops;
    private Duration idleSweep;
    private final Events events;
    private final HealthChecker checker;
    /** The listeners, in specification order; replaced by a live update (control context), read on any thread. */
    private final List<ListenerHandle> listeners = new CopyOnWriteArrayList<>();
    /** Listeners a live update removed, while their connections drain. */
    private final List<ListenerHandle> retiring = new CopyOnWriteArrayList<>();
    /** The security groups, compiled: replaced by a live update. */
    private volatile AccessControl access;
    private final int connectMillis;
    /** Completes, per provider, once its first snapshot is applied. */
    private final List<Mono<Void>> firstSnapshots = new ArrayList<>();
    private final SelfAddresses self = new SelfAddresses();
    /** The address the listeners bind, resolved at the start. */
    private InetAddress bindAddress;
    // Changed in the control context only (at construction, then by live updates); read on any thread.
    private final Map<String, ServiceRuntime> services = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, BackendServiceHandle> serviceHandles = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, GroupMembers> groups = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, StaticMembership> staticSources = new LinkedHashMap<>();
    /** Every service by its route, those a live update removed included while they drain: the path's reports. */
    private final Map<ServiceRoute, ServiceRuntime> byRoute = new ConcurrentHashMap<>();
    /** Per service, the subscription to its source and the provider it owns (if any); control context. */
    private final Map<String, Disposable> sourceOf = new HashMap<>();
    private final Map<String, MembershipProvider> providerOf = new HashMap<>();
    /** Groups a live update took out of use, until they have stopped. */
    private final List<GroupMembers> retiringGroups = new CopyOnWriteArrayList<>();
    private final AtomicBoolean updating = new AtomicBoolean();
    private volatile boolean running;
    private Disposable idleSweepTask;
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
        this.access = AccessControl.of(spec.securityGroups());
        this.connectMillis = (int) options.connectTimeout().toMillis();
        for (int i = 0; i < spec.listeners().size(); i++) {
            Listener l = spec.listeners().get(i);
            BackendService bs = l.backendService();
            if (!services.containsKey(bs.name())) {
                ServiceRuntime service = newService(bs);
                services.put(bs.name(), service);
                serviceHandles.put(bs.name(), new BackendServiceHandle(service, ctx, staticSource(service)));
            }
            self.listener(l.port());
            listeners.add(newListener(i, l, serviceHandles.get(bs.name())));
        }
    }

    private ServiceRuntime newService(BackendService bs) {
        ServiceRuntime service = new ServiceRuntime(bs, ctx, events, loops, checker, self);
        byRoute.put(service.route, service);
        return service;
    }

    private ListenerHandle newListener(int index, Listener l, BackendServiceHandle service) {
        ListenerHandle[] handle = new ListenerHandle[1];
        ListenerPath path = ListenerPath.create(index, l, service.runtime().route, access, transport, loops,
                new PathEvents(() -> handle[0]), connectMillis, options.maxConnectAttempts(), observers);
        handle[0] = new ListenerHandle(new ListenerId(index, l.name(), l.port()), path, service);
        return handle[0];
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
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < spec.listeners().size(); i++) {
                BackendService bs = spec.listeners().get(i).backendService();
                if (bs.servers() instanceof ServerSource.Static && !out.containsKey(bs.name())) {
                    resolveStatic(i, bs, self, problems, out, staticLimits);
                }
            }
            if (!problems.isEmpty()) {
                throw new LoadBalancerStartException(String.join("; ", problems), null);
            }
            return out;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Resolves a service's static servers (DNS may block: on a worker thread), with their connection limits; a server
     * that does not resolve, or that is one of this load balancer's own listeners, is a problem naming its path.
     */
    private void resolveStatic(int listener, BackendService bs, SelfAddresses own, List<String> problems,
                               Map<String, Map<InetSocketAddress, Integer>> out,
                               Map<String, Map<InetSocketAddress, Integer>> limits) {
        ServerSource.Static s = (ServerSource.Static) bs.servers();
        Map<InetSocketAddress, Integer> members = new LinkedHashMap<>();
        Map<InetSocketAddress, Integer> limited = new LinkedHashMap<>();
        for (int j = 0; j < s.servers().size(); j++) {
            StaticServer server = s.servers().get(j);
            int port = server.port().orElseGet(() -> bs.port().orElseThrow());
            String path = "listeners[" + listener + "].backendService.servers.static[" + j + ']';
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(server.address()), port);
            } catch (UnknownHostException e) {
                problems.add(path + ".address: " + Violation.quoted(server.address())
                        + " (expected: a resolvable address or host name; " + Failures.sentence(e) + ')');
                continue;
            }
            Optional<Integer> loop = own.listenerAt(address);
            if (loop.isPresent()) {
                problems.add(path + ": " + server.address() + ':' + port + " (expected: a server other than this"
                        + " load balancer; it is its own listeners[" + loop.get() + "] on "
                        + bindAddress.getHostAddress() + ':' + port + ", so every connection would come"
                        + " back as a new one, without end)");
                continue;
            }
            members.put(address, server.weight());
            if (server.maxConnections().isPresent()) {
                limited.put(address, server.maxConnections().getAsInt());
            }
        }
        out.put(bs.name(), members);
        limits.put(bs.name(), limited);
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
            if (bs.servers() instanceof ServerSource.Provider ps) {
                subscribeSource(service, path, provider(ps, path + ".provider"), resolved, false);
            } else {
                subscribeSource(service, path, null, resolved, false);
            }
        }
    }

    /**
     * Subscribes a service to the source its specification names: the static list (with its servers resolved), an
     * availability group (started later, by {@link #awaitGroups} at the start or by the update), a provider made
     * beforehand, or, on a cluster's node, the registry of the group's instances.
     *
     * @param replacing whether the source replaces another (a live update): the old servers stay until the new
     *        source lists its own, and then those it does not list drain
     * @return the group to start, if the source is a new availability group
     */
    private GroupMembers subscribeSource(ServiceRuntime service, String path, MembershipProvider provider,
                                         Map<String, Map<InetSocketAddress, Integer>> resolved, boolean replacing) {
        BackendService bs = service.spec;
        GroupMembers toStart = null;
        Disposable subscription;
        if (bs.servers() instanceof ServerSource.Static) {
            StaticMembership source = staticSources.get(bs.name());
            if (source == null) {
                source = new StaticMembership();
                staticSources.put(bs.name(), source);
                serviceHandles.get(bs.name()).staticMembers(source);
            }
            service.limits(staticLimits.getOrDefault(bs.name(), Map.of()));
            source.replace(resolved.getOrDefault(bs.name(), Map.of()));
            subscription = subscribeInContext(service, source, LeaveCause.REMOVED);
        } else if (bs.servers() instanceof ServerSource.Group g && clusterNode != null) {
            // On a cluster's node, the group's owner (whichever node) registers its instances; this node serves
            // them as the registry lists them.
            groupPaths.putIfAbsent(g.group().name(), path + ".availabilityGroup");
            clusteredGroups.putIfAbsent(g.group().name(), service);
            clusteredSpecs.putIfAbsent(g.group().name(), g.group());
            MembershipProvider instances = clusterNode.groupInstances(g.group().name());
            ownedProviders.add(instances);
            subscription = subscribe(service, "cluster", instances);
        } else if (bs.servers() instanceof ServerSource.Group g) {
            GroupMembers members = groups.get(g.group().name());
            if (members == null) {
                members = new GroupMembers(g.group());
                groups.put(g.group().name(), members);
                toStart = members;
            }
            groupPaths.putIfAbsent(g.group().name(), path + ".availabilityGroup");
            members.serve(service);
            Flux<Set<Member>> snapshots = members.members();
            subscription = subscribeInContext(service, replacing ? () -> snapshots.skipWhile(Set::isEmpty)
                    : members, LeaveCause.LEFT_SOURCE);
        } else {
            ServerSource.Provider ps = (ServerSource.Provider) bs.servers();
            providerOf.put(bs.name(), provider);
            // Replacing another source, the old servers stay until the provider lists its own.
            subscription = subscribe(service, ps.type(), replacing ? skipLeadingEmpty(provider) : provider);
        }
        sourceOf.put(bs.name(), subscription);
        return toStart;
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
    private Disposable subscribeInContext(ServiceRuntime service, MembershipProvider source, LeaveCause cause) {
        Disposable d = source.members().subscribe(members -> service.apply(Sources.resolve(members), cause));
        sourceSubscriptions.add(d);
        return d;
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
    private Disposable subscribe(ServiceRuntime service, String type, MembershipProvider provider) {
        Disposable.Composite d = Disposables.composite();
        d.add(provider.problems().subscribe(problem -> {
            log.warn("backend service {}: membership provider {}: {}", service.name, type, problem);
            events.publish(t -> new LoadBalancerEvent.MembershipProblem(t, service.name, type, problem));
        }, e -> { }));
        Sinks.Empty<Void> first = Sinks.empty();
        firstSnapshots.add(first.asMono());
        d.add(provider.members()
                .publishOn(Schedulers.boundedElastic())
                .map(Sources::resolve)
                .subscribe(members -> ctx.tryExecute(() -> {
                    if (!d.isDisposed()) {
                        service.apply(members, LeaveCause.LEFT_SOURCE);
                    }
                    first.tryEmitEmpty();
                }), e -> log.warn("backend service {}: membership provider failed, keeping the last servers: {}",
                        service.name, Failures.sentence(e))));
        subscriptions.add(d);
        return d;
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
        return Flux.merge(groups.values().stream().map(this::startGroupMono).toList()).then();
    }

    private Mono<RunningAvailabilityGroup> startGroupMono(GroupMembers g) {
        GroupOptions groupOptions = GroupOptions.builder()
                .context(ctx)
                .defaultPort(g.defaultPort())
                .activeConnections(g::activeConnections)
                .starter(options.instanceStarter())
                .build();
        return AvailabilityGroups.start(g.spec(), g, groupOptions)
                .doOnNext(g::running)
                .onErrorMap(e -> new LoadBalancerStartException(groupPaths.get(g.spec().name()) + ": "
                        + Failures.sentence(e), e));
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
        idleSweepTask = ctx.schedulePeriodically(() -> loops.sweepIdle(ctx.nanoTime()), idleSweep);
        subscriptions.add(idleSweepTask);
        services.values().forEach(ServiceRuntime::started);
        running = true;
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
            byRoute.values().forEach(ServiceRuntime::stop);
        }).onErrorResume(e -> Mono.empty())
                .then(Mono.when(listeners.stream().map(ListenerHandle::binding).filter(f -> f != null)
                        .map(Balancer::closeOnceBound).toList()))
                .then(stopGroups())
                .then(Mono.defer(() -> {
                    sourceSubscriptions.dispose();
                    return release();
                }));
    }

    // ---- live update ----

    @Override
    public Mono<SpecDiff> update(LoadBalancerSpec next) {
        Objects.requireNonNull(next, "next");
        return Mono.defer(() -> {
            if (stopping || !running) {
                return Mono.error(new IllegalStateException("load balancer \"" + spec.name() + "\": "
                        + (stopping ? "stopped or stopping" : "not started yet")
                        + " (expected: a running load balancer to update)"));
            }
            if (!updating.compareAndSet(false, true)) {
                return Mono.error(new IllegalStateException("load balancer \"" + spec.name() + "\": another update"
                        + " is under way (expected: one update at a time; wait for the previous one's result)"));
            }
            UpdatePlan[] made = new UpdatePlan[1];
            return ctx.call(() -> made[0] = plan(next))
                    .flatMap(this::resolveForUpdate)
                    .flatMap(plan -> ctx.call(() -> prepare(plan)))
                    .flatMap(this::bindForUpdate)
                    .flatMap(plan -> ctx.call(() -> commit(plan)))
                    .flatMap(diff -> awaitNewServices(made[0]).thenReturn(diff))
                    .doOnError(e -> abandonLater(made[0]))
                    .doOnCancel(() -> abandonLater(made[0]))
                    .doFinally(signal -> updating.set(false));
        });
    }

    /** Works out the update and what it cannot do, without I/O. In the context. */
    private UpdatePlan plan(LoadBalancerSpec next) {
        Map<String, BackendService> runningServices = new LinkedHashMap<>();
        services.forEach((name, service) -> runningServices.put(name, service.spec));
        UpdatePlan plan = UpdatePlan.of(spec, listeners, runningServices, next, clusterNode != null);
        for (Map.Entry<String, BackendService> e : plan.services.entrySet()) {
            String name = e.getKey();
            if ((plan.addedServices.contains(name) || plan.newSources.contains(name))
                    && e.getValue().servers() instanceof ServerSource.Provider ps) {
                plan.problems.addAll(MembershipProviders.check(ps, servicePath(plan, name) + ".servers.provider",
                        options));
            }
        }
        return plan;
    }

    private static String servicePath(UpdatePlan plan, String service) {
        return "listeners[" + plan.firstListener.get(service) + "].backendService";
    }

    /** The update rejected with its problems in specification order (by listener; a stable sort). */
    private UpdateRejectedException rejected(List<String> problems, Throwable cause) {
        List<String> sorted = new ArrayList<>(problems);
        sorted.sort(java.util.Comparator.comparingInt(Balancer::listenerOf));
        return new UpdateRejectedException(spec.name(), sorted, cause);
    }

    private static int listenerOf(String problem) {
        if (!problem.startsWith("listeners[")) {
            return -1;
        }
        int end = problem.indexOf(']');
        try {
            return Integer.parseInt(problem.substring("listeners[".length(), end));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Resolves the static servers the update lists, on a worker thread; rejects it with every problem found. */
    private Mono<UpdatePlan> resolveForUpdate(UpdatePlan plan) {
        return Mono.fromCallable(() -> {
            // A server must not be one of the listeners the load balancer will have: bound ones by their port.
            SelfAddresses own = self.sameHost();
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < plan.next.listeners().size(); i++) {
                ListenerHandle h = plan.matched[i];
                ports.add(h != null && h.boundAddress() != null ? h.boundAddress().getPort()
                        : plan.next.listeners().get(i).port());
            }
            own.listeners(ports);
            for (Map.Entry<String, BackendService> e : plan.services.entrySet()) {
                String name = e.getKey();
                List<String> fields = plan.changedServices.getOrDefault(name, List.of());
                boolean relisted = plan.addedServices.contains(name) || plan.newSources.contains(name)
                        || fields.contains("servers") || fields.contains("port");
                if (relisted && e.getValue().servers() instanceof ServerSource.Static) {
                    resolveStatic(plan.firstListener.get(name), e.getValue(), own, plan.problems, plan.staticServers,
                            plan.staticLimits);
                }
            }
            if (!plan.problems.isEmpty()) {
                throw rejected(plan.problems, null);
            }
            return plan;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Makes the new services, providers and listeners, unbound and unused yet. In the context. */
    private UpdatePlan prepare(UpdatePlan plan) {
        if (stopping) {
            throw new IllegalStateException("load balancer \"" + spec.name() + "\": stopping (expected: a running"
                    + " load balancer to update)");
        }
        for (Map.Entry<String, BackendService> e : plan.services.entrySet()) {
            String name = e.getKey();
            if (plan.addedServices.contains(name)) {
                plan.newRuntimes.put(name, newService(e.getValue()));
            }
            if ((plan.addedServices.contains(name) || plan.newSources.contains(name))
                    && e.getValue().servers() instanceof ServerSource.Provider ps) {
                MembershipProviderFactory factory = MembershipProviders.find(ps.type(), options).orElseThrow();
                try {
                    MembershipProvider made = factory.create(ps.properties());
                    ownedProviders.add(made); // closed at stop, whatever becomes of the update
                    plan.providers.put(name, made);
                } catch (IllegalArgumentException | IllegalStateException ex) {
                    plan.problems.add(servicePath(plan, name) + ".servers.provider.properties: "
                            + Failures.sentence(ex));
                }
            }
        }
        if (!plan.problems.isEmpty()) {
            throw rejected(plan.problems, null);
        }
        Map<String, BackendServiceHandle> handles = new HashMap<>();
        plan.newRuntimes.forEach((name, runtime) -> handles.put(name, new BackendServiceHandle(runtime, ctx, null)));
        for (int i : plan.addedListeners) {
            Listener l = plan.next.listeners().get(i);
            String name = l.backendService().name();
            BackendServiceHandle handle = handles.containsKey(name) ? handles.get(name) : serviceHandles.get(name);
            plan.newHandles.put(i, newListener(i, l, handle));
        }
        return plan;
    }

    /** Binds the new listeners; if one fails, every bind is undone and the update is rejected. */
    private Mono<UpdatePlan> bindForUpdate(UpdatePlan plan) {
        List<Mono<Void>> binds = new ArrayList<>();
        for (Map.Entry<Integer, ListenerHandle> e : plan.newHandles.entrySet()) {
            ListenerHandle l = e.getValue();
            // Bound but not accepting until the commit: a rejected update forwards nothing.
            ChannelFuture f = l.path.serverBootstrap(group).option(ChannelOption.AUTO_READ, false)
                    .bind(new InetSocketAddress(bindAddress, l.spec().port()));
            l.binding(f);
            plan.binds.add(f);
            binds.add(toMono(f).onErrorMap(ex -> rejected(List.of("listeners[" + e.getKey() + "].port: "
                    + l.spec().port() + " (expected: a port free on " + options.bindAddress() + "; binding failed: "
                    + Failures.sentence(ex) + ')'), ex)));
        }
        return Mono.whenDelayError(binds).onErrorMap(ex -> {
            if (ex instanceof UpdateRejectedException) {
                return ex;
            }
            List<String> problems = new ArrayList<>();
            for (Throwable t : Exceptions.unwrapMultiple(ex)) {
                problems.addAll(t instanceof UpdateRejectedException u ? u.problems() : List.of(Failures.sentence(t)));
            }
            return rejected(problems, ex);
        }).thenReturn(plan);
    }

    /** After a failed or cancelled update: closes what it bound and releases what it made. */
    private void abandonLater(UpdatePlan plan) {
        if (plan != null && !ctx.tryExecute(() -> abandon(plan))) {
            abandon(plan); // the context has stopped: nothing else touches the plan now
        }
    }

    private void abandon(UpdatePlan plan) {
        if (plan.committed) {
            return;
        }
        plan.committed = true; // abandoned: nothing more happens to it
        plan.binds.forEach(f -> closeOnceBound(f).subscribe());
        plan.newRuntimes.values().forEach(r -> {
            r.stop();
            byRoute.remove(r.route);
        });
        plan.providers.values().forEach(this::closeLater);
    }

    private void closeLater(MembershipProvider provider) {
        ownedProviders.remove(provider);
        Schedulers.boundedElastic().schedule(() -> {
            try {
                provider.close();
            } catch (Exception e) {
                log.warn("closing a membership provider failed: {}", Failures.sentence(e));
            }
        });
    }

    /**
     * Puts the update in place, in one control-context task: the new services and sources, the changed settings,
     * the new listeners' channels, the removed listeners' and services' drains.
     */
    private SpecDiff commit(UpdatePlan plan) {
        if (plan.committed || stopping) {
            throw new IllegalStateException("load balancer \"" + spec.name() + "\": stopping (expected: a running"
                    + " load balancer to update)");
        }
        plan.committed = true;
        LoadBalancerSpec next = plan.next;
        List<SpecDiff.Server> added = new ArrayList<>();
        List<SpecDiff.Server> drained = new ArrayList<>();
        spec = next;
        if (plan.securityGroupsChanged) {
            access = AccessControl.of(next.securityGroups());
        }
        staticLimits.putAll(plan.staticLimits);
        // Services: new ones first, so that listeners can use them.
        for (Map.Entry<String, BackendService> e : plan.services.entrySet()) {
            String name = e.getKey();
            BackendService bs = e.getValue();
            String path = servicePath(plan, name) + ".servers";
            if (plan.addedServices.contains(name)) {
                ServiceRuntime runtime = plan.newRuntimes.get(name);
                services.put(name, runtime);
                ListenerHandle user = plan.newHandles.values().stream()
                        .filter(h -> h.service.runtime() == runtime).findFirst().orElse(null);
                serviceHandles.put(name, user != null ? user.service : new BackendServiceHandle(runtime, ctx, null));
                runtime.started();
                startGroup(subscribeSource(runtime, path, plan.providers.get(name), plan.staticServers, false));
                runtime.addresses().forEach(a -> added.add(new SpecDiff.Server(name, a)));
                continue;
            }
            ServiceRuntime runtime = services.get(name);
            List<String> fields = plan.changedServices.get(name);
            if (fields == null) {
                continue;
            }
            List<InetSocketAddress> before = runtime.addresses().stream().filter(runtime::inService).toList();
            runtime.reconfigure(bs);
            if (plan.newSources.contains(name) && !(bs.servers() instanceof ServerSource.Static)) {
                // They leave once the new source lists its own servers.
                before.forEach(a -> drained.add(new SpecDiff.Server(name, a)));
            }
            if (plan.newSources.contains(name)) {
                retireSource(name, next);
                startGroup(subscribeSource(runtime, path, plan.providers.get(name), plan.staticServers, true));
            } else if (bs.servers() instanceof ServerSource.Static && plan.staticServers.containsKey(name)) {
                runtime.limits(plan.staticLimits.getOrDefault(name, Map.of()));
                staticSources.get(name).replace(plan.staticServers.get(name));
            }
            if (bs.servers() instanceof ServerSource.Static) {
                Set<InetSocketAddress> now = plan.staticServers.getOrDefault(name, Map.of()).keySet();
                if (plan.staticServers.containsKey(name)) {
                    now.stream().filter(a -> !before.contains(a)).forEach(a -> added.add(new SpecDiff.Server(name,
                            a)));
                    before.stream().filter(a -> !now.contains(a)).forEach(a -> drained.add(new SpecDiff.Server(name,
                            a)));
                }
            }
        }
        plan.capacityChanges.forEach((name, g) -> {
            GroupMembers members = groups.get(name);
            if (members != null && members.running() != null) {
                members.running().setCapacity(g.capacity().min(), g.capacity().desired(), g.capacity().max())
                        .subscribe(null, e -> log.warn("availability group {}: the new capacity could not be set: {}",
                                name, Failures.sentence(e)));
            }
        });
        for (String name : plan.removedServices) {
            ServiceRuntime runtime = services.remove(name);
            serviceHandles.remove(name);
            runtime.addresses().stream().filter(runtime::inService)
                    .forEach(a -> drained.add(new SpecDiff.Server(name, a)));
            retireSource(name, next);
            retireService(runtime);
        }
        // Listeners: changed ones in place, new ones in, removed ones out (they drain).
        List<ListenerId> addedIds = new ArrayList<>();
        for (int i = 0; i < next.listeners().size(); i++) {
            Listener l = next.listeners().get(i);
            BackendServiceHandle service = serviceHandles.get(l.backendService().name());
            ListenerHandle h = plan.matched[i];
            if (h == null) {
                h = plan.newHandles.get(i);
                listeners.add(h);
                ListenerHandle bound = h;
                bound.bound(bound.binding().channel());
                addedIds.add(bound.id);
                events.publish(t -> new LoadBalancerEvent.ListenerBound(t, bound.id, l.backendService().name(),
                        bound.boundAddress()));
            }
            h.id = new ListenerId(i, l.name(), l.port());
            h.service = service;
            h.path.reconfigure(i, l, service.runtime().route, access);
        }
        plan.newHandles.values().forEach(h -> h.channel().config().setAutoRead(true)); // they accept from now on
        List<ListenerId> removedIds = new ArrayList<>();
        for (ListenerHandle h : plan.removedListeners) {
            removedIds.add(h.id);
            listeners.remove(h);
            retireListener(h);
        }
        listeners.sort(java.util.Comparator.comparingInt(h -> h.id.index()));
        self.listeners(listeners.stream().map(h -> h.boundAddress().getPort()).toList());
        Duration sweep = sweepInterval(next);
        if (!sweep.equals(idleSweep)) {
            idleSweep = sweep;
            idleSweepTask.dispose();
            idleSweepTask = ctx.schedulePeriodically(() -> loops.sweepIdle(ctx.nanoTime()), idleSweep);
            subscriptions.add(idleSweepTask);
        }
        List<SpecDiff.Changed> changedServices = new ArrayList<>();
        plan.changedServices.forEach((name, fields) -> changedServices.add(new SpecDiff.Changed(name, fields)));
        SpecDiff diff = new SpecDiff(addedIds, removedIds, plan.changedListeners, List.copyOf(plan.addedServices),
                List.copyOf(plan.removedServices), changedServices, added, drained, plan.securityGroupsChanged);
        log.info("load balancer {} updated: {}", next.name(), diff);
        events.publish(t -> new LoadBalancerEvent.Updated(t, diff));
        return diff;
    }

    /** The new services' servers have their first health outcomes, or the start timeout has passed. */
    private Mono<Void> awaitNewServices(UpdatePlan plan) {
        return Mono.when(plan.newRuntimes.values().stream().map(ServiceRuntime::awaitDecided).toList())
                .timeout(options.startTimeout(), ctx.scheduler())
                .onErrorResume(e -> Mono.empty());
    }

    /** Starts a group a live update brought, reporting a failure (its launches go on retrying). */
    private void startGroup(GroupMembers g) {
        if (g != null) {
            groupStarts.put(g, startGroupMono(g).subscribe(null, e -> log.warn("{}", Failures.sentence(e))));
        }
    }

    /** The starts of groups live updates brought: cancelled (stopping what they launched) if never finished. */
    private final Map<GroupMembers, Disposable> groupStarts = new ConcurrentHashMap<>();

    /** A provider whose leading empty snapshots are left out (it replaces a source that still has servers). */
    private static MembershipProvider skipLeadingEmpty(MembershipProvider p) {
        return new MembershipProvider() {
            @Override
            public Flux<Set<Member>> members() {
                return p.members().skipWhile(Set::isEmpty);
            }

            @Override
            public Flux<String> problems() {
                return p.problems();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    /**
     * A service's source goes (a live update gave it another, or removed it): its subscription ends, a provider is
     * closed, a static list forgotten, and a group no service of the new specification uses stops, once its
     * instances have drained.
     */
    private void retireSource(String name, LoadBalancerSpec next) {
        Disposable d = sourceOf.remove(name);
        if (d != null) {
            d.dispose();
        }
        MembershipProvider p = providerOf.remove(name);
        if (p != null) {
            closeLater(p);
        }
        if (staticSources.remove(name) != null) {
            BackendServiceHandle handle = serviceHandles.get(name);
            if (handle != null) {
                handle.staticMembers(null);
            }
        }
        Set<String> used = new java.util.HashSet<>();
        next.listeners().forEach(l -> {
            if (l.backendService().servers() instanceof ServerSource.Group g) {
                used.add(g.group().name());
            }
        });
        for (String group : List.copyOf(groups.keySet())) {
            if (!used.contains(group)) {
                GroupMembers g = groups.remove(group);
                retiringGroups.add(g);
                Disposable start = groupStarts.remove(g);
                if (g.running() == null && start != null) {
                    start.dispose(); // a start under way is cancelled, stopping what it launched
                    retiringGroups.remove(g);
                } else if (g.running() != null) {
                    g.running().stop().subscribe(null, e -> retiringGroups.remove(g), () -> retiringGroups.remove(g));
                }
            }
        }
    }

    /** A service no listener uses: every server drains, then it stops. */
    private void retireService(ServiceRuntime runtime) {
        List<Mono<Void>> gone = new ArrayList<>();
        runtime.apply(Map.of(), LeaveCause.REMOVED);
        runtime.addresses().forEach(a -> gone.add(runtime.whenGone(a).onErrorResume(e -> Mono.empty())));
        Mono.when(gone).subscribe(null, null, () -> ctx.tryExecute(() -> {
            runtime.stop();
            byRoute.remove(runtime.route);
            log.info("backend service {} removed", runtime.name);
        }));
    }

    /** A listener an update removed: it accepts nothing more; its connections go on for its service's draining. */
    private void retireListener(ListenerHandle h) {
        retiring.add(h);
        Channel channel = h.channel();
        InetSocketAddress address = h.boundAddress();
        toMono(channel.close()).onErrorResume(e -> Mono.empty())
                .then(Mono.fromFuture(loops::barrier))
                .subscribe(null, null, () -> ctx.tryExecute(() -> {
                    events.publish(t -> new LoadBalancerEvent.ListenerUnbound(t, h.id, address));
                    Duration drain = h.service.runtime().spec.connectionDraining();
                    int open = h.path.activeConnections();
                    log.info("{} removed: no longer listening on {}; {} open connections drain for up to {}", h.id,
                            hostPort(address), open, Durations.format(drain));
                    if (open == 0) {
                        retired(h);
                    } else {
                        retiringTimers.put(h, ctx.schedule(() -> loops.closeConnectionsOf(h.path).thenAccept(n ->
                                ctx.tryExecute(() -> {
                                    log.info("{}: draining timeout, {} open connections closed", h.id, n);
                                    retired(h);
                                })), drain));
                    }
                }));
    }

    private final Map<ListenerHandle, Disposable> retiringTimers = new HashMap<>();

    /**
     * A removed listener's last connection may have closed (or its drain timed out and its connections are
     * closing: the last to finish calls again). In the context.
     */
    private void retired(ListenerHandle h) {
        if (h.path.activeConnections() > 0 || !retiring.contains(h)) {
            return;
        }
        Disposable timer = retiringTimers.remove(h);
        if (timer != null) {
            timer.dispose();
        }
        retiring.remove(h);
        log.info("{} drained", h.id);
        listenerIdle();
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
        return listeners.stream().mapToInt(l -> l.path.activeConnections()).sum()
                + retiring.stream().mapToInt(l -> l.path.activeConnections()).sum();
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
            byRoute.values().forEach(ServiceRuntime::stop);
            LoadBalancerEvent.Stopped e = new LoadBalancerEvent.Stopped(events.now(), outcome);
            log.info("load balancer {} {}", spec.name(), e.description());
            events.stream().publish(e);
            release().subscribe();
        }));
    }

    private Mono<Void> stopGroups() {
        groupStarts.forEach((g, start) -> {
            if (g.running() == null) {
                start.dispose(); // never reached its minimum: cancelling the start stops what it launched
            }
        });
        groupStarts.clear();
        List<GroupMembers> all = new ArrayList<>(groups.values());
        all.addAll(retiringGroups);
        List<Mono<Void>> stops = new ArrayList<>(all.stream().filter(g -> g.running() != null)
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

    /**
     * What one listener's path reports, handed to the runtime: the endpoint callbacks go to the service of the
     * connection's route (the listener's when the connection was accepted: a live update may have changed it since).
     */
    private final class PathEvents implements ForwardingEvents {
        private final Supplier<ListenerHandle> listener;

        PathEvents(Supplier<ListenerHandle> listener) {
            this.listener = listener;
        }

        @Override
        public void rejected(ListenerPath path, InetAddress client, LoadBalancerEvent.RejectReason reason,
                             String detail) {
            ListenerHandle l = listener.get();
            events.publish(t -> new LoadBalancerEvent.ConnectionRejected(t, l.id, l.service.runtime().name, client,
                    reason, detail));
        }

        @Override
        public void connectFailed(ListenerPath path, ServiceRoute route, Endpoint endpoint, Throwable cause) {
            events.publish(t -> new LoadBalancerEvent.ConnectFailed(t, listener.get().id, route.service(),
                    endpoint.address(), cause));
        }

        @Override
        public void failed(ServiceRoute route, Endpoint endpoint, int consecutive) {
            ServiceRuntime service = byRoute.get(route);
            if (service != null) {
                service.failed(endpoint, consecutive);
            }
        }

        @Override
        public void drained(ServiceRoute route, Endpoint endpoint) {
            ServiceRuntime service = byRoute.get(route);
            if (service != null) {
                ctx.tryExecute(() -> service.drained(endpoint));
            }
        }

        @Override
        public void idle(ListenerPath path) {
            if (stopping) {
                ctx.tryExecute(Balancer.this::listenerIdle);
            } else if (retiring.contains(listener.get())) {
                ctx.tryExecute(() -> retired(listener.get()));
            }
        }
    }
}
