package io.nlb4j.group;

import io.nlb4j.control.ControlContext;
import io.nlb4j.control.EventStream;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.Durations;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The availability-group controller behind {@link AvailabilityGroups#start}: a state machine over the group's
 * instances that runs entirely in one {@link ControlContext}. Callbacks from launchers, the membership and
 * instance handles (which arrive on any thread) hop back into the context; readers on other threads see the
 * volatile {@link #capacity} and {@link #snapshot}.
 */
final class GroupController implements RunningAvailabilityGroup {

    private final Logger log;
    private final AvailabilityGroup spec;
    private final String name;
    private final Zones zones;
    private final GroupMembership membership;
    private final GroupOptions options;
    private final ControlContext ctx;
    private final boolean ownsContext;
    private final int port;
    private final long replaceAfterNanos;
    private final EventStream<GroupEvent> events = new EventStream<>(GroupOptions.EVENT_BUFFER_SIZE);
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    private final Instant startInstant;
    private final long startTicks;

    private volatile Capacity capacity;
    private volatile List<InstanceInfo> snapshot = List.of();

    // ---- control-context state ----
    /** Every instance not yet terminated, in launch order. */
    private final List<Instance> instances = new ArrayList<>();
    /** Zones of unhealthy instances terminated before their replacement could launch (group at max). */
    private final List<String> replacementZones = new ArrayList<>();
    private final LaunchBackoff backoff;
    private final TargetTracker tracker;
    private final List<Waiter> waiters = new ArrayList<>();
    private long nextSeq = 1;
    private Disposable retryTimer;
    private Disposable ticks;
    private boolean stopping;
    private volatile boolean held;
    private boolean finished;
    /** While starting: told once the first launches have settled; then null. */
    private MonoSink<RunningAvailabilityGroup> startSink;
    private final List<Instance> firstRound = new ArrayList<>();
    private final Map<Instance, Throwable> firstRoundErrors = new HashMap<>();
    private GroupStartException startFailure;
    private final LaunchFailureLog failureLog;
    /** Instances that ended since the stop began (terminated, or their launch stopped or failed). */
    private int terminatedByStop;

    private GroupController(AvailabilityGroup spec, GroupMembership membership, GroupOptions options) {
        this.log = options.logger();
        this.spec = spec;
        this.name = spec.name();
        this.zones = new Zones(spec.placement().zones());
        this.membership = membership;
        this.options = options;
        this.ownsContext = options.context().isEmpty();
        this.ctx = options.context().orElseGet(() -> ControlContext.create("availability group \"" + name + '"',
                "nlb4j-group-" + name));
        this.port = spec.template().port().orElse(options.defaultPort());
        this.replaceAfterNanos = spec.replaceUnhealthyAfter().toNanos();
        this.capacity = spec.capacity();
        this.startTicks = ctx.nanoTime();
        this.startInstant = Instant.now();
        this.backoff = new LaunchBackoff(options.launchRetryBase(), options.launchRetryMax());
        this.tracker = spec.targetTracking().map(p -> new TargetTracker(name, p, startTicks)).orElse(null);
        this.failureLog = new LaunchFailureLog(log, name, ctx);
    }

    static Mono<RunningAvailabilityGroup> start(AvailabilityGroup spec, GroupMembership membership,
                                                GroupOptions options) {
        return Mono.create(sink -> {
            GroupController c = new GroupController(spec, membership, options);
            if (!c.ctx.tryExecute(c.task(() -> c.init(sink)))) {
                sink.error(c.ctx.stopped());
                return;
            }
            // Registered only once init is queued, so that a cancellation (which may come at once, from any thread,
            // even during this subscription) always runs after init, and stops what init launched.
            sink.onCancel(() -> c.ctx.tryExecute(c.task(c::cancelStart)));
        });
    }

    /** Wraps a control-context task: it runs, then the readers' snapshot is refreshed. */
    private Runnable task(Runnable action) {
        return () -> {
            try {
                action.run();
            } finally {
                publish();
            }
        };
    }

    // ---- public API (any thread) ----

    @Override
    public AvailabilityGroup spec() {
        return spec;
    }

    @Override
    public Capacity capacity() {
        return capacity;
    }

    @Override
    public List<InstanceInfo> instances() {
        return snapshot;
    }

    @Override
    public Mono<List<InstanceInfo>> awaitServing(int count) {
        if (count < 1) {
            return Mono.error(new IllegalArgumentException("count: " + count + " (expected: at least 1)"));
        }
        return Mono.create(sink -> {
            if (!ctx.tryExecute(task(() -> {
                if (finished) {
                    sink.error(new IllegalStateException(stoppedMessage()));
                } else {
                    waiters.add(new Waiter(count, sink));
                }
            }))) {
                sink.error(new IllegalStateException(stoppedMessage()));
            }
        });
    }

    @Override
    public Mono<Void> setDesiredCapacity(int desired) {
        return onContext(() -> applyCapacity(capacity.withDesired(desired), GroupEvent.CapacityCause.USER));
    }

    @Override
    public Mono<Void> setCapacity(int min, int desired, int max) {
        return onContext(() -> applyCapacity(Capacity.of(min, desired, max), GroupEvent.CapacityCause.USER));
    }

    @Override
    public Mono<Void> hold() {
        return onContext(() -> {
            if (!held) {
                held = true;
                log.info("availability group {}: held: no launch, scaling, replacement or termination until released",
                        name);
            }
        });
    }

    @Override
    public Mono<Void> release() {
        return onContext(() -> {
            if (held) {
                held = false;
                log.info("availability group {}: released", name);
                converge();
            }
        });
    }

    @Override
    public boolean isHeld() {
        return held;
    }

    @Override
    public Flux<GroupEvent> events() {
        return events.flux();
    }

    @Override
    public long droppedEvents() {
        return events.dropped();
    }

    @Override
    public void reportHealth(String instanceId, HealthStatus health) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(health, "health");
        ctx.tryExecute(task(() -> applyHealth(instanceId, health)));
    }

    @Override
    public Mono<Void> stop() {
        return Mono.defer(() -> {
            ctx.tryExecute(task(() -> beginStop("stop requested")));
            return stopped.asMono();
        });
    }

    @Override
    public Mono<Void> onStopped() {
        return stopped.asMono();
    }

    @Override
    public String toString() {
        return "AvailabilityGroup(" + name + ", " + capacity + ", " + snapshot.size() + " instances)";
    }

    private String stoppedMessage() {
        // The same words as a stopped load balancer's, from ControlContext.stopped().
        return "availability group \"" + name + "\" " + (finished ? "is stopped" : "is stopping")
                + " (expected: a running availability group)";
    }

    /** A Mono that runs an action in the context when subscribed; fails if the group is stopping or stopped. */
    private Mono<Void> onContext(Runnable action) {
        return Mono.defer(() -> ctx.run(task(() -> {
            if (stopping) {
                throw new IllegalStateException(stoppedMessage());
            }
            action.run();
        }))).onErrorMap(e -> e instanceof IllegalStateException && ctx.isDisposed(),
                e -> new IllegalStateException(stoppedMessage(), e));
    }

    // ---- control context ----

    private long now() {
        return ctx.nanoTime();
    }

    private void init(MonoSink<RunningAvailabilityGroup> sink) {
        Capacity c = capacity;
        log.info("availability group {}: starting with min {}, desired {}, max {} in zones {}", name, c.min(),
                c.desired(), c.max(), zones.names());
        startSink = sink;
        ticks = ctx.schedulePeriodically(task(this::tick), options.reconcileInterval());
        converge();
        for (Instance m : instances) {
            firstRound.add(m);
        }
        settleStartIfDone();
    }

    /**
     * The start's subscriber cancelled. Reactor tells a cancellation only if it came before the start's outcome was
     * delivered, so the subscriber never got this group, and nobody else can stop it: it stops now, even if it had
     * already started (its outcome raced with the cancellation and was dropped).
     */
    private void cancelStart() {
        startSink = null;
        if (!stopping) {
            log.info("availability group {}: start cancelled; terminating its instances", name);
            beginStop("its start was cancelled");
        }
    }

    /** Once every first launch has completed: the group has started, or fails to below its minimum. */
    private void settleStartIfDone() {
        if (startSink == null || stopping
                || firstRound.stream().anyMatch(m -> m.state == InstanceState.PENDING && !m.abandoned)) {
            return;
        }
        long inService = instances.stream().filter(m -> m.state == InstanceState.IN_SERVICE).count();
        int min = capacity.min();
        if (inService >= min) {
            MonoSink<RunningAvailabilityGroup> sink = startSink;
            startSink = null;
            publish(); // the caller sees the instances as they are now
            sink.success(this);
            return;
        }
        List<Throwable> errors = firstRound.stream().filter(firstRoundErrors::containsKey)
                .map(firstRoundErrors::get).toList(); // in launch order, whichever failed first
        List<String> sentences = new ArrayList<>();
        for (Instance m : firstRound) {
            Throwable e = firstRoundErrors.get(m);
            if (e != null) {
                sentences.add(Errors.launchSentence(m.id, e));
            }
        }
        startFailure = new GroupStartException("availability group \"" + name + "\" could not start: " + inService
                + " of its minimum " + min + " instances in service; " + errors.size() + " of "
                + firstRound.size() + " launches failed: " + String.join("; ", sentences), errors);
        beginStop("it could not start");
    }

    private void tick() {
        if (stopping || held) {
            return;
        }
        long now = now();
        for (Instance m : List.copyOf(instances)) {
            if (m.state == InstanceState.IN_SERVICE && m.unhealthy() && !m.replaceRequested
                    && now - m.unhealthySince > replaceAfterNanos) {
                m.replaceRequested = true;
                emit(new GroupEvent.Replacing(instant(now), name, m.id, m.zone,
                        Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(now - m.unhealthySince)),
                        spec.replaceUnhealthyAfter()));
            }
        }
        if (tracker != null) {
            track(now);
        }
        converge();
    }

    private void track(long now) {
        int inService = (int) instances.stream().filter(m -> m.state == InstanceState.IN_SERVICE).count();
        long connections = Math.max(0, options.activeConnections().getAsInt());
        Capacity c = capacity;
        int next = tracker.desired(now, connections, inService, c);
        if (next != c.desired()) {
            emit(new GroupEvent.Scaling(instant(now), name, connections, inService, tracker.target(), c.desired(),
                    next));
            applyCapacity(c.withDesired(next), GroupEvent.CapacityCause.TARGET_TRACKING);
        }
    }

    private void applyCapacity(Capacity next, GroupEvent.CapacityCause cause) {
        Capacity previous = capacity;
        if (previous.equals(next)) {
            return;
        }
        if (tracker != null) {
            tracker.capacityChanged(now());
        }
        capacity = next;
        emit(new GroupEvent.CapacityChanged(instant(now()), name, previous, next, cause));
        converge();
    }

    private void applyHealth(String id, HealthStatus health) {
        Instance m = find(id);
        if (m == null || m.state != InstanceState.IN_SERVICE) {
            log.debug("availability group {}: ignoring health report {} for {} (not in service)", name, health, id);
            return;
        }
        HealthStatus before = m.health;
        if (health == HealthStatus.HEALTHY) {
            if (m.unhealthy() && !m.replaceRequested) {
                log.info("availability group {}: instance {} is healthy again after {}; no replacement", name, id,
                        format(now() - m.unhealthySince));
            }
            m.health = health;
            Instance old = m.replacing;
            if (old != null && old.replacement == m && old.state == InstanceState.IN_SERVICE) {
                drain(old, GroupEvent.DrainReason.REPLACED, "replaced by " + m.id + ", which is healthy");
                converge();
            }
        } else if (health == HealthStatus.UNHEALTHY && before != HealthStatus.UNHEALTHY) {
            m.health = health;
            m.unhealthySince = now();
            log.info("availability group {}: instance {} is unhealthy; replaced if still unhealthy after {}", name,
                    id, Durations.format(spec.replaceUnhealthyAfter()));
        } else {
            m.health = health;
        }
    }

    /** Brings the instances towards the desired capacity, within the back-off and the maximum. */
    private void converge() {
        ctx.checkInContext();
        if (stopping || held) {
            return;
        }
        Capacity c = capacity;
        int active = activeCount();
        while (active > c.desired()) {
            scaleIn(zones.scaleInVictim(instances), "desired " + c.desired());
            active--;
        }
        if (active >= c.desired()) {
            replacementZones.clear();
        }
        while (active < c.desired()) {
            long wait = backoff.waitNanos(now());
            if (wait > 0) {
                scheduleRetry(wait);
                break;
            }
            Instance old = awaitingReplacement();
            if (instances.size() >= c.max()) {
                if (old != null) {
                    replacementZones.add(old.zone);
                    drain(old, GroupEvent.DrainReason.REPLACED, "the group is at max " + c.max()
                            + ", so it is terminated before its replacement is launched");
                }
                break;
            }
            String zone;
            if (old != null) {
                zone = old.zone;
            } else if (!replacementZones.isEmpty()) {
                zone = replacementZones.remove(0);
            } else {
                zone = zones.forLaunch(instances);
            }
            launch(zone, old);
            active++;
        }
        if (active >= c.desired()) {
            // Unhealthy instances whose replacement is no longer wanted (desired went down meanwhile).
            for (Instance old; (old = awaitingReplacement()) != null; ) {
                drain(old, GroupEvent.DrainReason.REPLACED, "no replacement needed at desired " + c.desired());
            }
        }
    }

    private void launch(String zone, Instance replacing) {
        long seq = nextSeq++;
        Instance m = new Instance(name + '-' + seq, zone, instant(now()));
        m.replacing = replacing;
        if (replacing != null) {
            replacing.replacement = m;
        }
        instances.add(m);
        emit(new GroupEvent.Launching(m.launchedAt, name, m.id, zone, options.host(), port, m.replacingId()));
        InstanceContext context = new InstanceContext(m.id, name, zone, options.host(), port,
                spec.template().labels());
        // The launch is never cancelled: a launcher may not stop an instance whose launch is cancelled, so an
        // unwanted instance is terminated when its launch completes instead. Its launch is aborted, though
        // (m.abort, in the Mono's context): the standard starter then stops it at once, and fails.
        Mono.defer(() -> options.starter().start(spec.template().launcher(), context))
                .contextWrite(Context.of(LaunchAbort.KEY, m.abort))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(handle -> {
                    if (handle.isEmpty()) {
                        ctx.tryExecute(task(() -> launchFailed(m, new IllegalStateException(
                                "the launcher completed without an instance"))));
                    } else if (!ctx.tryExecute(task(() -> launched(m, handle.get())))) {
                        closeQuietly(m.id, handle.get());
                    }
                }, error -> ctx.tryExecute(task(() -> launchFailed(m, error))));
    }

    private void launched(Instance m, InstanceHandle handle) {
        m.handle = handle;
        if (m.abandoned || stopping) {
            log.info("availability group {}: instance {} started but is no longer wanted; terminating it", name,
                    m.id);
            terminate(m);
            settleStartIfDone();
            return;
        }
        InetSocketAddress address;
        try {
            address = Objects.requireNonNull(handle.address(), "the instance handle reported no address");
        } catch (RuntimeException e) {
            launchFailed(m, e);
            return;
        }
        m.address = address;
        m.state = InstanceState.IN_SERVICE;
        m.health = membership.reportsHealth() ? HealthStatus.PENDING : HealthStatus.HEALTHY;
        backoff.succeeded();
        try {
            membership.register(m.info());
        } catch (RuntimeException e) {
            log.error("availability group {}: registering instance {} failed; it is in service but may get no"
                    + " traffic: {}", name, m.id, Errors.sentence(e));
            log.debug("availability group {}: registering instance {} failed", name, m.id, e);
        }
        emit(new GroupEvent.InService(instant(now()), name, m.id, m.zone, address, m.replacingId()));
        Instance old = m.replacing;
        if (old != null && old.replacement == m && old.state == InstanceState.IN_SERVICE
                && !membership.reportsHealth()) {
            drain(old, GroupEvent.DrainReason.REPLACED, "replaced by " + m.id);
        }
        converge();
        settleStartIfDone();
    }

    private void launchFailed(Instance m, Throwable error) {
        if (m.abandoned && m.abort.isAborted() && m.handle == null) {
            // Stopped on the group's request (a stop, a cancelled start, a scale-in): no failure of the template.
            log.info("availability group {}: launch of instance {} stopped ({})", name, m.id, m.abort.reason());
            log.debug("availability group {}: launch of instance {} ended: {}", name, m.id,
                    Errors.sentence(error));
            if (m.replacing != null && m.replacing.replacement == m) {
                m.replacing.replacement = null;
            }
            removed(m);
            emit(new GroupEvent.Terminated(instant(now()), name, m.id, m.zone, Optional.empty()));
            afterRemoval();
            settleStartIfDone();
            return;
        }
        boolean counts = !m.abandoned && !stopping;
        Optional<Duration> retryIn = Optional.empty();
        if (counts) {
            retryIn = Optional.of(backoff.failed(now()));
        }
        if (m.replacing != null && m.replacing.replacement == m) {
            m.replacing.replacement = null;
        }
        if (firstRound.contains(m)) {
            firstRoundErrors.put(m, error);
        }
        emit(new GroupEvent.LaunchFailed(instant(now()), name, m.id, m.zone, error,
                counts ? backoff.consecutiveFailures() : 0, retryIn));
        if (m.handle != null) {
            m.abandoned = true;
            terminate(m); // a handle without a usable address: stop what was started
        } else {
            removed(m);
            afterRemoval();
        }
        settleStartIfDone();
    }

    private void scaleIn(Instance m, String detail) {
        if (m.state == InstanceState.PENDING) {
            abandon(m, "no longer wanted at " + detail);
            if (m.replacing != null && m.replacing.replacement == m) {
                m.replacing.replacement = null;
            }
            log.info("availability group {}: pending instance {} in zone {} is no longer wanted ({}); its launch is"
                    + " stopped, or it is terminated when its launch completes", name, m.id, m.zone, detail);
        } else {
            drain(m, GroupEvent.DrainReason.SCALE_IN, detail);
        }
    }

    private void drain(Instance m, GroupEvent.DrainReason reason, String detail) {
        m.state = InstanceState.DRAINING;
        InstanceInfo info = m.info();
        emit(new GroupEvent.Draining(instant(now()), name, m.id, m.zone, reason, detail));
        Mono<Void> deregistered;
        try {
            deregistered = Objects.requireNonNull(membership.deregister(info), "deregister returned null");
        } catch (RuntimeException e) {
            deregistered = Mono.error(e);
        }
        deregistered.subscribe(ignored -> { }, error -> ctx.tryExecute(task(() -> drained(m, error))),
                () -> ctx.tryExecute(task(() -> drained(m, null))));
    }

    private void drained(Instance m, Throwable error) {
        if (error != null) {
            log.warn("availability group {}: deregistering instance {} failed; terminating it anyway: {}", name,
                    m.id, Errors.sentence(error));
            log.debug("availability group {}: deregistering instance {} failed", name, m.id, error);
        }
        terminate(m);
    }

    /** Closes the instance's handle on a worker thread; the instance stays counted until that is done. */
    private void terminate(Instance m) {
        if (m.closing) {
            return;
        }
        m.closing = true;
        InstanceHandle handle = m.handle;
        Mono.fromCallable(() -> {
            handle.close();
            return Boolean.TRUE;
        }).subscribeOn(Schedulers.boundedElastic())
                .subscribe(ok -> ctx.tryExecute(task(() -> terminated(m, null))),
                        error -> ctx.tryExecute(task(() -> terminated(m, error))));
    }

    private void terminated(Instance m, Throwable error) {
        removed(m);
        if (error != null) {
            log.debug("availability group {}: stopping instance {} failed", name, m.id, error);
        }
        emit(new GroupEvent.Terminated(instant(now()), name, m.id, m.zone, Optional.ofNullable(error)));
        afterRemoval();
    }

    /** The instance has ended: it is no longer one of the group's. */
    private void removed(Instance m) {
        m.state = InstanceState.TERMINATED;
        if (instances.remove(m) && stopping) {
            terminatedByStop++;
        }
    }

    /** A pending instance is no longer wanted: its launch is asked to stop; it ends when the launch does. */
    private void abandon(Instance m, String reason) {
        m.abandoned = true;
        m.abort.abort(reason);
    }

    private void afterRemoval() {
        if (stopping) {
            checkStopped();
        } else {
            converge();
        }
    }

    private void beginStop(String why) {
        if (stopping) {
            return;
        }
        stopping = true;
        dispose(ticks);
        dispose(retryTimer);
        // Counted before anything changes, over every instance the group has: launching ones are in the list from
        // the moment their launch begins.
        int inService = 0;
        int draining = 0;
        int launching = 0;
        for (Instance m : instances) {
            switch (m.state) {
                case PENDING -> launching++;
                case IN_SERVICE -> inService++;
                case DRAINING -> draining++;
                case TERMINATED -> { }
            }
        }
        emit(new GroupEvent.Stopping(instant(now()), name, inService, draining, launching));
        String reason = "the group is stopping (" + why + ')';
        for (Instance m : List.copyOf(instances)) {
            if (m.state == InstanceState.PENDING) {
                abandon(m, reason);
            } else if (m.state == InstanceState.IN_SERVICE) {
                drain(m, GroupEvent.DrainReason.STOPPING, "");
            }
        }
        checkStopped();
    }

    private void checkStopped() {
        if (finished || !instances.isEmpty()) {
            return;
        }
        finished = true;
        failureLog.close();
        snapshot = List.of();
        for (Waiter w : waiters) {
            w.sink.error(new IllegalStateException("availability group \"" + name + "\" stopped before " + w.count
                    + " instances served traffic"));
        }
        waiters.clear();
        if (startSink != null) {
            MonoSink<RunningAvailabilityGroup> sink = startSink;
            startSink = null;
            sink.error(startFailure != null ? startFailure : new IllegalStateException(stoppedMessage()));
        }
        emit(new GroupEvent.Stopped(instant(now()), name, terminatedByStop));
        events.complete();
        stopped.tryEmitEmpty();
        if (ownsContext) {
            ctx.dispose();
        }
    }

    private void scheduleRetry(long delayNanos) {
        if (retryTimer == null) {
            retryTimer = ctx.schedule(task(() -> {
                retryTimer = null;
                converge();
            }), Duration.ofNanos(delayNanos));
        }
    }

    // ---- helpers ----

    private int activeCount() {
        int n = 0;
        for (Instance m : instances) {
            if (m.isActive()) {
                n++;
            }
        }
        return n;
    }

    /** The oldest in-service instance marked for replacement whose replacement is not being launched. */
    private Instance awaitingReplacement() {
        for (Instance m : instances) {
            if (m.state == InstanceState.IN_SERVICE && m.replaceRequested && m.replacement == null) {
                return m;
            }
        }
        return null;
    }

    private Instance find(String id) {
        for (Instance m : instances) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        return null;
    }

    private void emit(GroupEvent event) {
        if (event instanceof GroupEvent.LaunchFailed f) {
            failureLog.failed(f.instance(), f.cause(), event.description());
        } else if (event instanceof GroupEvent.Terminated t && t.error().isPresent()) {
            log.warn("availability group {}: {}", name, event.description());
        } else if (event instanceof GroupEvent.Launching && backoff.consecutiveFailures() > 0) {
            // a retry after failures: its failure, if any, is what the log tells (rate-limited)
            log.debug("availability group {}: {}", name, event.description());
        } else {
            log.info("availability group {}: {}", name, event.description());
        }
        try {
            options.eventListener().accept(event);
        } catch (RuntimeException e) {
            log.warn("availability group {}: the event listener failed on \"{}\": {}", name, event.description(),
                    Errors.sentence(e));
            log.debug("availability group {}: the event listener failed", name, e);
        }
        events.publish(event);
    }

    private Instant instant(long ticks) {
        return startInstant.plusNanos(ticks - startTicks);
    }

    private void publish() {
        if (finished) {
            return;
        }
        List<InstanceInfo> list = new ArrayList<>(instances.size());
        for (Instance m : instances) {
            list.add(m.info());
        }
        snapshot = List.copyOf(list);
        if (!waiters.isEmpty()) {
            List<InstanceInfo> serving = snapshot.stream().filter(InstanceInfo::servesTraffic).toList();
            waiters.removeIf(w -> {
                if (serving.size() >= w.count) {
                    w.sink.success(serving);
                    return true;
                }
                return false;
            });
        }
    }

    private void closeQuietly(String id, InstanceHandle handle) {
        Mono.fromRunnable(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                log.warn("availability group {}: stopping late instance {} failed: {}", name, id,
                        Errors.sentence(e));
                log.debug("availability group {}: stopping late instance {} failed", name, id, e);
            }
        }).subscribeOn(Schedulers.boundedElastic()).subscribe();
    }

    private static void dispose(Disposable d) {
        if (d != null) {
            d.dispose();
        }
    }

    private static String format(long nanos) {
        return Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(nanos)));
    }

    /** A subscriber of {@link #awaitServing(int)}. */
    private record Waiter(int count, MonoSink<List<InstanceInfo>> sink) {
    }
}
