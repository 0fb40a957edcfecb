package io.nlb4j.balancer.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.LoadBalancerStartException;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.healthcheck.HealthChecker;
import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ProviderSpec;
import io.nlb4j.model.StaticServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A running load balancer: one event loop group, one control thread, its listeners and backend services.
 */
public final class LoadBalancerRuntime implements RunningLoadBalancer {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancerRuntime.class);
    private static final long DRAIN_POLL_MILLIS = 20;
    private static final Duration GROUP_STOP_TIMEOUT = Duration.ofSeconds(60);

    private final LoadBalancerSpec spec;
    private final LoadBalancerOptions options;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Control control;
    private final EventBus events;
    private final List<ListenerRuntime> listeners = new ArrayList<>();
    private final Map<String, ServiceRuntime> services = new LinkedHashMap<>();
    private final Map<String, GroupBinding> groups = new LinkedHashMap<>();
    private final List<MembershipProvider> ownedProviders = new ArrayList<>();
    private final Disposable.Composite subscriptions = Disposables.composite();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Sinks.One<Void> stopped = Sinks.one();

    private LoadBalancerRuntime(LoadBalancerSpec spec, LoadBalancerOptions options) {
        this.spec = spec;
        this.options = options;
        this.transport = Transport.choose(options.preferNativeTransport());
        this.control = new Control(spec.name());
        this.events = new EventBus(options.eventBufferSize());
        this.group = transport.newGroup(options.eventLoopThreads(), "nlb4j-" + spec.name());
        HealthChecker checker = new HealthChecker(group, transport.socketChannels());
        AccessControl access = AccessControl.of(spec.securityGroups());
        for (Listener l : spec.listeners()) {
            BackendService bs = l.backendService();
            ServiceRuntime service = services.computeIfAbsent(bs.name(),
                    n -> new ServiceRuntime(bs, control, events, options.ticker(), checker));
            listeners.add(new ListenerRuntime(l, service, access, events, transport,
                    (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()), options.maxConnectAttempts()));
        }
    }

    /**
     * Starts a load balancer: registers its servers, binds every listener, and emits it; on any failure,
     * releases everything and fails with a message naming the listener and the cause.
     *
     * @param spec a validated specification
     * @param options how it runs
     * @return the running load balancer
     */
    public static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec, LoadBalancerOptions options) {
        return Mono.create(sink -> {
            LoadBalancerRuntime rt;
            try {
                rt = new LoadBalancerRuntime(spec, options);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            AtomicBoolean done = new AtomicBoolean();
            sink.onCancel(() -> {
                if (done.compareAndSet(false, true)) {
                    rt.abort().subscribe();
                }
            });
            rt.control.execute(() -> {
                try {
                    rt.startMembership();
                    rt.bindAll();
                } catch (RuntimeException e) {
                    if (done.compareAndSet(false, true)) {
                        rt.abort().subscribe(null, x -> sink.error(e), () -> sink.error(e));
                    }
                    return;
                }
                long groupDeadline = System.nanoTime() + options.startTimeout().toNanos() / 2;
                rt.awaitGroups(groupDeadline, () -> rt.awaitFirstProbes(
                        System.nanoTime() + rt.firstProbeWait().toNanos(), () -> {
                    if (done.compareAndSet(false, true)) {
                        log.info("load balancer {} started on {} ({} transport)", spec.name(), rt.listeners.stream()
                                .map(l -> l.boundAddress().toString()).collect(Collectors.joining(", ")), rt.transport);
                        rt.events.publish(LoadBalancerEvent.Type.STARTED, -1, null, null, spec.name());
                        sink.success(rt);
                    } else {
                        rt.abort().subscribe();
                    }
                }));
            });
        });
    }

    /** Control thread: runs {@code then} once every group's first instances are in service, or at the deadline. */
    private void awaitGroups(long deadline, Runnable then) {
        if (groups.values().stream().allMatch(GroupBinding::settled) || System.nanoTime() - deadline >= 0) {
            then.run();
        } else {
            control.schedule(() -> awaitGroups(deadline, then), 5, TimeUnit.MILLISECONDS);
        }
    }

    /** How long start waits for every server's first probe: the longest probe timeout, plus a margin. */
    private Duration firstProbeWait() {
        return services.values().stream().map(s -> s.spec().healthCheck().timeout()).max(Duration::compareTo)
                .orElse(Duration.ZERO).plusSeconds(1);
    }

    /** Control thread: runs {@code then} once every server has had its first probe, or at the deadline. */
    private void awaitFirstProbes(long deadline, Runnable then) {
        boolean pending = services.values().stream().anyMatch(s -> s.pendingFirstProbes() > 0);
        if (!pending || System.nanoTime() - deadline >= 0) {
            then.run();
        } else {
            control.schedule(() -> awaitFirstProbes(deadline, then), 5, TimeUnit.MILLISECONDS);
        }
    }

    private void startMembership() {
        for (int i = 0; i < spec.listeners().size(); i++) {
            BackendService bs = spec.listeners().get(i).backendService();
            ServiceRuntime service = services.get(bs.name());
            if (service.registered) {
                continue;
            }
            service.registered = true;
            String path = "listeners[" + i + "].backendService.servers";
            switch (bs.servers().kind()) {
                case STATIC:
                    for (int j = 0; j < bs.servers().staticServers().size(); j++) {
                        StaticServer s = bs.servers().staticServers().get(j);
                        int port = s.port().orElseGet(() -> bs.port().orElseThrow());
                        InetSocketAddress address = new InetSocketAddress(s.address(), port);
                        if (address.isUnresolved()) {
                            throw new LoadBalancerStartException(path + ".static[" + j + "].address: \"" + s.address()
                                    + "\" (expected: a resolvable address or host name)", null);
                        }
                        service.add(address, s.weight());
                    }
                    break;
                case PROVIDER:
                    subscribe(service, provider(bs.servers().provider().orElseThrow(), path + ".provider"));
                    break;
                default:
                    AvailabilityGroup ag = bs.servers().availabilityGroup().orElseThrow();
                    groups.computeIfAbsent(ag.name(), n -> new GroupBinding(ag)).serve(service);
                    break;
            }
        }
        for (GroupBinding g : groups.values()) {
            g.start(control, options.ticker());
        }
    }

    private MembershipProvider provider(ProviderSpec ps, String path) {
        if (ps.instance().isPresent()) {
            return ps.instance().get();
        }
        List<String> types = new ArrayList<>();
        for (MembershipProviderFactory f : ServiceLoader.load(MembershipProviderFactory.class)) {
            if (f.type().equals(ps.type())) {
                MembershipProvider p;
                try {
                    p = f.create(ps.properties());
                } catch (IllegalArgumentException e) {
                    throw new LoadBalancerStartException(path + ".properties: " + e.getMessage(), e);
                }
                ownedProviders.add(p);
                return p;
            }
            types.add(f.type());
        }
        throw new LoadBalancerStartException(path + ".type: \"" + ps.type() + "\" (expected: an installed provider type, "
                + (types.isEmpty() ? "none is installed" : "one of " + types) + ')', null);
    }

    private void subscribe(ServiceRuntime service, MembershipProvider provider) {
        subscriptions.add(provider.members()
                .publishOn(control.scheduler())
                .subscribe(members -> service.reconcile(toMap(members)),
                        e -> log.warn("backend service {}: membership provider failed, keeping the last servers: {}",
                                service.name(), e.toString())));
    }

    private static Map<InetSocketAddress, Integer> toMap(Set<Member> members) {
        Map<InetSocketAddress, Integer> out = new LinkedHashMap<>();
        for (Member m : members) {
            out.put(new InetSocketAddress(m.host(), m.port()), m.weight());
        }
        return out;
    }

    private void bindAll() {
        for (int i = 0; i < listeners.size(); i++) {
            ListenerRuntime l = listeners.get(i);
            ChannelFuture f = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ListenerRuntime.WATER_MARK)
                    .childHandler(l.childHandler())
                    .bind(options.bindAddress(), l.spec.port())
                    .awaitUninterruptibly();
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                throw new LoadBalancerStartException("listeners[" + i + "].port: " + l.spec.port() + " (expected: a port"
                        + " free on " + options.bindAddress() + "; binding failed: " + (cause == null ? "unknown"
                        : cause.getMessage()) + ')', cause);
            }
            l.bound(f.channel());
            events.publish(LoadBalancerEvent.Type.LISTENER_BOUND, l.spec.port(), l.service.name(), null,
                    l.boundAddress().toString());
        }
        subscriptions.add(control.schedulePeriodically(() -> services.values().forEach(ServiceRuntime::sweepSessions),
                1, TimeUnit.SECONDS));
    }

    /**
     * Releases everything after a failed or cancelled start: closes bound listeners, stops groups (their
     * instances are terminated), then shuts the threads down. Completes when all of that is done.
     */
    private Mono<Void> abort() {
        for (ListenerRuntime l : listeners) {
            Channel ch = l.serverChannel();
            if (ch != null) {
                ch.close().awaitUninterruptibly();
            }
        }
        return Mono.defer(() -> {
            services.values().forEach(ServiceRuntime::stopChecks);
            return Mono.when(groups.values().stream().filter(g -> g.running() != null)
                    .map(g -> g.running().stop()).collect(Collectors.toList()));
        }).subscribeOn(control.scheduler())
                .timeout(GROUP_STOP_TIMEOUT)
                .onErrorResume(e -> Mono.empty())
                .then(Mono.fromRunnable(this::release).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                .then();
    }

    private void release() {
        subscriptions.dispose();
        for (MembershipProvider p : ownedProviders) {
            try {
                p.close();
            } catch (Exception e) {
                log.warn("closing a membership provider failed: {}", e.toString());
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        control.dispose();
    }

    // ---- RunningLoadBalancer ----

    @Override
    public LoadBalancerSpec spec() {
        return spec;
    }

    @Override
    public RunningListener listener(int configuredPort) {
        for (ListenerRuntime l : listeners) {
            if (l.spec.port() == configuredPort) {
                return l;
            }
        }
        throw new IllegalArgumentException("listener: " + configuredPort + " (expected: a configured port, one of "
                + listeners.stream().map(l -> String.valueOf(l.spec.port())).collect(Collectors.toList()) + ')');
    }

    @Override
    public List<RunningListener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public RunningBackendService backendService(String name) {
        ServiceRuntime s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("backend service: \"" + name + "\" (expected: one of "
                    + services.keySet() + ')');
        }
        return s;
    }

    @Override
    public RunningAvailabilityGroup availabilityGroup(String name) {
        GroupBinding g = groups.get(name);
        if (g == null) {
            throw new IllegalArgumentException("availability group: \"" + name + "\" (expected: one of "
                    + groups.keySet() + ')');
        }
        return g.running();
    }

    @Override
    public Flux<LoadBalancerEvent> events() {
        return events.flux();
    }

    @Override
    public Mono<Void> stop(Duration drainTimeout) {
        if (drainTimeout.isNegative()) {
            return Mono.error(new IllegalArgumentException("drainTimeout: " + drainTimeout
                    + " (expected: zero or a positive duration)"));
        }
        if (stopping.compareAndSet(false, true)) {
            control.execute(() -> beginStop(drainTimeout));
        }
        return onStopped();
    }

    private void beginStop(Duration drainTimeout) {
        log.info("load balancer {} stopping, draining for up to {} ms", spec.name(), drainTimeout.toMillis());
        events.publish(LoadBalancerEvent.Type.STOPPING, -1, null, null, "drain timeout " + drainTimeout.toMillis() + " ms");
        subscriptions.dispose();
        for (ListenerRuntime l : listeners) {
            l.serverChannel().close().awaitUninterruptibly();
            events.publish(LoadBalancerEvent.Type.LISTENER_UNBOUND, l.spec.port(), l.service.name(), null,
                    l.boundAddress().toString());
        }
        // A connection accepted just before its listener closed is registered by a task already queued on
        // its event loop: let every loop run its queue once, so that the drain below sees that connection.
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        awaitDrained(deadline, false);
    }

    private void awaitDrained(long deadline, boolean forced) {
        boolean empty = services.values().stream().allMatch(s -> s.connections.isEmpty());
        if (empty) {
            finishStop(forced ? "open connections closed at the drain timeout" : "connections drained");
            return;
        }
        if (!forced && System.nanoTime() - deadline >= 0) {
            int closed = services.values().stream().mapToInt(ServiceRuntime::closeAll).sum();
            log.info("load balancer {}: drain timeout, closing {} open connections", spec.name(), closed);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            forced = true;
        } else if (forced && System.nanoTime() - deadline >= 0) {
            finishStop("connections did not close in time");
            return;
        }
        long d = deadline;
        boolean f = forced;
        control.schedule(() -> awaitDrained(d, f), DRAIN_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void finishStop(String how) {
        // Groups drain (instantly: no connection is left) and terminate their instances on this thread.
        Mono.when(groups.values().stream().map(g -> g.running().stop()).collect(Collectors.toList()))
                .timeout(GROUP_STOP_TIMEOUT)
                .onErrorResume(e -> {
                    log.warn("load balancer {}: availability groups did not stop cleanly: {}", spec.name(), e.toString());
                    return Mono.empty();
                })
                .subscribe(null, null, () -> control.execute(() -> finishRelease(how)));
    }

    private void finishRelease(String how) {
        log.info("load balancer {} stopped ({})", spec.name(), how);
        services.values().forEach(ServiceRuntime::stopChecks);
        events.publish(LoadBalancerEvent.Type.STOPPED, -1, null, null, how);
        events.complete();
        // Release from another thread: the control thread is disposed as part of it.
        Thread t = new Thread(() -> {
            release();
            stopped.tryEmitEmpty();
        }, "nlb4j-stop-" + spec.name());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public Mono<Void> onStopped() {
        return stopped.asMono();
    }

    @Override
    public void close() {
        stop(spec.longestConnectionDraining()).block();
    }

    @Override
    public void dispose() {
        stop(Duration.ZERO).subscribe();
    }

    @Override
    public boolean isDisposed() {
        return stopping.get();
    }

    @Override
    public String toString() {
        return "RunningLoadBalancer[" + spec.name() + ' ' + listeners.stream()
                .map(l -> String.valueOf(l.boundAddress())).collect(Collectors.joining(", ")) + ']';
    }
}
