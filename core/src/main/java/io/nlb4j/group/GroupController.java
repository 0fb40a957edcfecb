package io.nlb4j.group.internal;

import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.GroupMembership;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.InstanceContext;
import io.nlb4j.group.InstanceHandle;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.Durations;
import io.nlb4j.model.TargetTracking;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The availability-group controller behind {@link io.nlb4j.group.AvailabilityGroups#start}. Not a public API.
 *
 * <p>Every field below the "control-thread state" mark is read and written only by tasks of one
 * {@link Scheduler.Worker}, which runs them one at a time. Callbacks from launchers, the membership and
 * instance handles (which may arrive on any thread) hop back onto that worker. Readers on other threads see
 * the volatile {@link #capacity} and {@link #snapshot}.
 */
public final class GroupController implements RunningAvailabilityGroup {

    private static final Logger log = LoggerFactory.getLogger(GroupController.class);

    private final AvailabilityGroup spec;
    private final String name;
    private final List<String> zones;
    private final GroupMembership membership;
    private final GroupOptions options;
    private final Consumer<? super GroupEvent> listener;
    private final Scheduler.Worker worker;
    private final boolean ownsScheduler;
    private final LongSupplier ticker;
    private final Instant startInstant;
    private final long startTicks;
    private final int port;
    private final long replaceAfterNanos;

    private final Sinks.Many<GroupEvent> eventSink = Sinks.many().multicast().directBestEffort();
    private final LongAdder droppedEvents = new LongAdder();
    private final Sinks.Empty<Void> stopped = Sinks.empty();

    private volatile Capacity capacity;
    private volatile List<InstanceInfo> snapshot = List.of();

    // ---- control-thread state ----
    /** Every instance not yet terminated, in launch order. */
    private final List<Instance> instances = new ArrayList<>();
    /** Zones of unhealthy instances terminated before their replacement could launch (group at max). */
    private final List<String> replacementZones = new ArrayList<>();
    private long nextSeq = 1;
    private int consecutiveFailures;
    private boolean backingOff;
    private long launchNotBefore;
    private Disposable retryTimer;
    private Disposable ticks;
    private boolean hasScaledOut;
    private long lastScaleOut;
    private long lastScaling;
    private boolean stopping;
    private boolean finished;

    private GroupController(AvailabilityGroup spec, GroupMembership membership, GroupOptions options,
                            boolean ownsScheduler, Consumer<? super GroupEvent> listener) {
        this.spec = spec;
        this.name = spec.name();
        this.zones = spec.placement().zones();
        this.membership = membership;
        this.options = options;
        this.listener = listener;
        this.ownsScheduler = ownsScheduler;
        this.worker = options.scheduler().createWorker();
        this.ticker = options.ticker();
        this.startTicks = ticker.getAsLong();
        this.startInstant = Instant.now();
        this.port = spec.template().port().orElse(options.defaultPort());
        this.replaceAfterNanos = spec.replaceUnhealthyAfter().toNanos();
        this.capacity = spec.capacity();
    }

    /**
     * Checks that a specification can be run.
     *
     * @param spec the group
     * @throws IllegalArgumentException naming the field, its value and what was expected
     */
    public static void validate(AvailabilityGroup spec) {
        List<String> problems = new ArrayList<>();
        if (spec.name() == null || spec.name().isBlank()) {
            problems.add("name: " + quote(spec.name()) + " (expected: a non-blank name)");
        }
        if (spec.placement() == null || spec.placement().zones().isEmpty()) {
            problems.add("placement.zones: [] (expected: at least one zone)");
        }
        if (spec.template() == null) {
            problems.add("template: null (expected: an instance template)");
        } else if (spec.template().launcher() == null) {
            problems.add("template.launcher: null (expected: an instance launcher (inProcess or process))");
        }
        Capacity c = spec.capacity();
        problems.addAll(capacityProblems("capacity.", c.min(), c.desired(), c.max()));
        spec.targetTracking().ifPresent(t -> {
            Integer target = t.targetConnectionsPerInstance();
            if (target == null || target < 1) {
                problems.add("targetTracking.targetConnectionsPerInstance: " + target + " (expected: at least 1)");
            }
            if (t.scaleOutCooldown().isNegative()) {
                problems.add("targetTracking.scaleOutCooldown: " + Durations.format(t.scaleOutCooldown())
                        + " (expected: >= 0)");
            }
            if (t.scaleInCooldown().isNegative()) {
                problems.add("targetTracking.scaleInCooldown: " + Durations.format(t.scaleInCooldown())
                        + " (expected: >= 0)");
            }
        });
        if (spec.replaceUnhealthyAfter().isNegative() || spec.replaceUnhealthyAfter().isZero()) {
            problems.add("replaceUnhealthyAfter: " + Durations.format(spec.replaceUnhealthyAfter())
                    + " (expected: > 0)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("availability group " + quote(spec.name()) + ": "
                    + String.join("; ", problems));
        }
    }

    /**
     * Starts a group; its first launches are scheduled on the control thread.
     *
     * @param spec the group, already {@linkplain #validate(AvailabilityGroup) validated}
     * @param membership the load balancer's side
     * @param options the options, with the scheduler to use
     * @param ownsScheduler whether to dispose the scheduler when the group stops
     * @param listener called with every event on the control thread
     * @return the running group
     */
    public static GroupController start(AvailabilityGroup spec, GroupMembership membership, GroupOptions options,
                                        boolean ownsScheduler, Consumer<? super GroupEvent> listener) {
        GroupController controller = new GroupController(spec, membership, options, ownsScheduler, listener);
        controller.execute(controller::init);
        return controller;
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
    public Mono<Void> setDesiredCapacity(int desired) {
        return onControlThread(() -> {
            Capacity c = capacity;
            if (desired < c.min() || desired > c.max()) {
                throw new IllegalArgumentException("desired: " + desired + " (expected: between min " + c.min()
                        + " and max " + c.max() + ")");
            }
            applyCapacity(Capacity.of(c.min(), desired, c.max()), "set by the user");
        });
    }

    @Override
    public Mono<Void> setCapacity(int min, int desired, int max) {
        return onControlThread(() -> {
            List<String> problems = capacityProblems("", min, desired, max);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            applyCapacity(Capacity.of(min, desired, max), "set by the user");
        });
    }

    @Override
    public Flux<GroupEvent> events() {
        return eventSink.asFlux().onBackpressureBuffer(EVENT_BUFFER_SIZE, dropped -> droppedEvents.increment(),
                BufferOverflowStrategy.DROP_OLDEST);
    }

    @Override
    public long droppedEvents() {
        return droppedEvents.sum();
    }

    @Override
    public void reportHealth(String instanceId, boolean healthy) {
        Objects.requireNonNull(instanceId, "instanceId");
        execute(() -> applyHealth(instanceId, healthy));
    }

    @Override
    public Mono<Void> stop() {
        return Mono.defer(() -> {
            execute(this::beginStop);
            return stopped.asMono();
        });
    }

    @Override
    public String toString() {
        return "AvailabilityGroup(" + name + ", " + capacity + ", " + snapshot.size() + " instances)";
    }

    // ---- control thread ----

    private void init() {
        long now = ticker.getAsLong();
        lastScaling = now;
        Capacity c = capacity;
        log.info("availability group {}: starting with min {}, desired {}, max {} in zones {}", name, c.min(),
                c.desired(), c.max(), zones);
        long interval = options.reconcileInterval().toNanos();
        ticks = worker.schedulePeriodically(() -> runSafely(this::tick), interval, interval, TimeUnit.NANOSECONDS);
        converge();
    }

    private void tick() {
        if (stopping) {
            return;
        }
        long now = ticker.getAsLong();
        for (Instance m : List.copyOf(instances)) {
            if (m.state == InstanceState.IN_SERVICE && m.unhealthy && !m.replaceRequested
                    && now - m.unhealthySince > replaceAfterNanos) {
                m.replaceRequested = true;
                emit(GroupEvent.Type.REPLACING, m, "unhealthy for " + format(now - m.unhealthySince)
                        + " (replaceUnhealthyAfter " + Durations.format(spec.replaceUnhealthyAfter())
                        + "): replacing it in zone " + m.zone);
            }
        }
        spec.targetTracking().ifPresent(policy -> track(policy, now));
        converge();
    }

    private void track(TargetTracking policy, long now) {
        int inService = 0;
        for (Instance m : instances) {
            if (m.state == InstanceState.IN_SERVICE) {
                inService++;
            }
        }
        if (inService == 0) {
            return;
        }
        long connections = Math.max(0, options.activeConnections().getAsInt());
        int target = policy.targetConnectionsPerInstance();
        Capacity c = capacity;
        long wanted = (connections + target - 1) / target;
        int next = (int) Math.max(c.min(), Math.min(c.max(), wanted));
        int desired = c.desired();
        if (next == desired) {
            return;
        }
        String numbers = connections + " active connections on " + inService + " in-service instances (target "
                + target + " per instance, " + wanted + " wanted): desired " + desired + " -> " + next
                + " (min " + c.min() + ", max " + c.max() + ")";
        if (next > desired) {
            long cooldown = policy.scaleOutCooldown().toNanos();
            if (hasScaledOut && now - lastScaleOut < cooldown) {
                log.debug("availability group {}: scale-out deferred by scaleOutCooldown {}: {}", name,
                        Durations.format(policy.scaleOutCooldown()), numbers);
                return;
            }
            hasScaledOut = true;
            lastScaleOut = now;
            emit(GroupEvent.Type.SCALING, null, "scale-out: " + numbers);
        } else {
            long cooldown = policy.scaleInCooldown().toNanos();
            if (now - lastScaling < cooldown) {
                log.debug("availability group {}: scale-in deferred by scaleInCooldown {}: {}", name,
                        Durations.format(policy.scaleInCooldown()), numbers);
                return;
            }
            emit(GroupEvent.Type.SCALING, null, "scale-in: " + numbers);
        }
        applyCapacity(Capacity.of(c.min(), next, c.max()), "target tracking");
    }

    private void applyCapacity(Capacity next, String reason) {
        if (stopping) {
            throw new IllegalStateException("availability group \"" + name
                    + "\" is stopping (expected: a running group)");
        }
        Capacity previous = capacity;
        if (previous.equals(next)) {
            return;
        }
        lastScaling = ticker.getAsLong();
        capacity = next;
        emit(GroupEvent.Type.CAPACITY_CHANGED, null, "capacity " + describe(previous) + " -> " + describe(next)
                + " (" + reason + ")");
        converge();
    }

    private void applyHealth(String id, boolean healthy) {
        Instance m = find(id);
        if (m == null || m.state != InstanceState.IN_SERVICE) {
            log.debug("availability group {}: ignoring health report {} for {} (not in service)", name,
                    healthy ? "healthy" : "unhealthy", id);
            return;
        }
        if (healthy) {
            if (m.unhealthy && !m.replaceRequested) {
                log.info("availability group {}: instance {} is healthy again after {}; no replacement", name, id,
                        format(ticker.getAsLong() - m.unhealthySince));
            }
            m.unhealthy = false;
            Instance old = m.replacing;
            if (old != null && old.replacement == m && old.state == InstanceState.IN_SERVICE) {
                drain(old, "replaced by " + m.id + ", which is healthy");
                converge();
            }
        } else if (!m.unhealthy) {
            m.unhealthy = true;
            m.unhealthySince = ticker.getAsLong();
            log.info("availability group {}: instance {} is unhealthy; replaced if still unhealthy after {}", name,
                    id, Durations.format(spec.replaceUnhealthyAfter()));
        }
    }

    /** Brings the instances towards the desired capacity, within the back-off and the maximum. */
    private void converge() {
        if (stopping) {
            return;
        }
        Capacity c = capacity;
        int active = activeCount();
        while (active > c.desired()) {
            scaleIn(pickScaleInVictim(), "scale-in to desired " + c.desired());
            active--;
        }
        if (active >= c.desired()) {
            replacementZones.clear();
        }
        while (active < c.desired()) {
            long now = ticker.getAsLong();
            if (backingOff && now - launchNotBefore < 0) {
                scheduleRetry(launchNotBefore - now);
                break;
            }
            Instance old = awaitingReplacement();
            if (instances.size() >= c.max()) {
                if (old != null) {
                    replacementZones.add(old.zone);
                    drain(old, "replaced; the group is at max " + c.max()
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
                zone = zoneForLaunch();
            }
            launch(zone, old);
            active++;
        }
        if (active >= c.desired()) {
            // Unhealthy instances whose replacement is no longer wanted (desired went down meanwhile).
            for (Instance old; (old = awaitingReplacement()) != null; ) {
                drain(old, "replaced; no replacement needed at desired " + c.desired());
            }
        }
    }

    private void launch(String zone, Instance replacing) {
        long seq = nextSeq++;
        Instance m = new Instance(name + '-' + seq, zone, seq, instant(ticker.getAsLong()));
        m.replacing = replacing;
        if (replacing != null) {
            replacing.replacement = m;
        }
        instances.add(m);
        emit(GroupEvent.Type.LAUNCHING, m, "launching in zone " + zone + " on " + options.host() + ':' + port
                + (replacing != null ? " to replace " + replacing.id : ""));
        InstanceContext context = new InstanceContext(m.id, name, zone, options.host(), port,
                spec.template().labels());
        // The launch is never cancelled: a launcher may not stop an instance whose launch is cancelled, so an
        // unwanted instance is terminated when its launch completes instead.
        Mono.defer(() -> spec.template().launcher().launch(context))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(handle -> {
                    if (handle.isEmpty()) {
                        execute(() -> launchFailed(m, new IllegalStateException(
                                "the launcher completed without an instance")));
                    } else if (!execute(() -> launched(m, handle.get()))) {
                        closeQuietly(m.id, handle.get());
                    }
                }, error -> execute(() -> launchFailed(m, error)));
    }

    private void launched(Instance m, InstanceHandle handle) {
        m.handle = handle;
        if (m.abandoned || stopping) {
            log.info("availability group {}: instance {} started but is no longer wanted; terminating it", name,
                    m.id);
            terminate(m);
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
        consecutiveFailures = 0;
        backingOff = false;
        try {
            membership.register(m.info());
        } catch (RuntimeException e) {
            log.error("availability group {}: registering instance {} failed; it is in service but may get no"
                    + " traffic", name, m.id, e);
        }
        emit(GroupEvent.Type.IN_SERVICE, m, "in service at " + address.getHostString() + ':' + address.getPort()
                + " in zone " + m.zone + (m.replacing != null ? ", replacing " + m.replacing.id : ""));
        Instance old = m.replacing;
        if (old != null && old.replacement == m && old.state == InstanceState.IN_SERVICE
                && !membership.reportsHealth()) {
            drain(old, "replaced by " + m.id);
        }
        converge();
    }

    private void launchFailed(Instance m, Throwable error) {
        boolean counts = !m.abandoned && !stopping;
        String retry = "";
        if (counts) {
            consecutiveFailures++;
            long delay = backoffNanos(consecutiveFailures);
            long now = ticker.getAsLong();
            long notBefore = now + delay;
            if (!backingOff || notBefore - launchNotBefore > 0) {
                launchNotBefore = notBefore;
            }
            backingOff = true;
            retry = "; failure " + consecutiveFailures + " in a row, next launch in " + format(delay);
        }
        if (m.replacing != null && m.replacing.replacement == m) {
            m.replacing.replacement = null;
        }
        emit(GroupEvent.Type.LAUNCH_FAILED, m, "launch failed: " + error + retry);
        if (log.isDebugEnabled()) {
            log.debug("availability group {}: launch of {} failed", name, m.id, error);
        }
        if (m.handle != null) {
            m.abandoned = true;
            terminate(m); // a handle without a usable address: stop what was started
            return;
        }
        m.state = InstanceState.TERMINATED;
        instances.remove(m);
        afterRemoval();
    }

    private void scaleIn(Instance m, String reason) {
        if (m.state == InstanceState.PENDING) {
            m.abandoned = true;
            if (m.replacing != null && m.replacing.replacement == m) {
                m.replacing.replacement = null;
            }
            log.info("availability group {}: pending instance {} in zone {} is no longer wanted ({}); it is"
                    + " terminated when its launch completes", name, m.id, m.zone, reason);
        } else {
            drain(m, reason);
        }
    }

    private void drain(Instance m, String reason) {
        m.state = InstanceState.DRAINING;
        InstanceInfo info = m.info();
        emit(GroupEvent.Type.DRAINING, m, "draining: " + reason);
        Mono<Void> deregistered;
        try {
            deregistered = membership.deregister(info);
        } catch (RuntimeException e) {
            deregistered = Mono.error(e);
        }
        if (deregistered == null) {
            deregistered = Mono.error(new NullPointerException("deregister returned null"));
        }
        deregistered.subscribe(ignored -> { }, error -> execute(() -> drained(m, error)),
                () -> execute(() -> drained(m, null)));
    }

    private void drained(Instance m, Throwable error) {
        if (error != null) {
            log.warn("availability group {}: deregistering instance {} failed; terminating it anyway", name, m.id,
                    error);
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
                .subscribe(ok -> execute(() -> terminated(m, null)), error -> execute(() -> terminated(m, error)));
    }

    private void terminated(Instance m, Throwable error) {
        m.state = InstanceState.TERMINATED;
        instances.remove(m);
        if (error != null) {
            log.warn("availability group {}: stopping instance {} failed", name, m.id, error);
        }
        emit(GroupEvent.Type.TERMINATED, m, error == null ? "terminated" : "terminated; stopping it failed: " + error);
        afterRemoval();
    }

    private void afterRemoval() {
        if (stopping) {
            checkStopped();
        } else {
            converge();
        }
    }

    private void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        dispose(ticks);
        dispose(retryTimer);
        log.info("availability group {}: stopping; draining and terminating {} instances", name, instances.size());
        for (Instance m : List.copyOf(instances)) {
            if (m.state == InstanceState.PENDING) {
                m.abandoned = true;
            } else if (m.state == InstanceState.IN_SERVICE) {
                drain(m, "the group is stopping");
            }
        }
        checkStopped();
    }

    private void checkStopped() {
        if (finished || !instances.isEmpty()) {
            return;
        }
        finished = true;
        log.info("availability group {}: stopped", name);
        snapshot = List.of();
        eventSink.tryEmitComplete();
        stopped.tryEmitEmpty();
        worker.dispose();
        if (ownsScheduler) {
            options.scheduler().disposeGracefully().subscribe(null,
                    e -> log.debug("availability group {}: disposing its scheduler failed", name, e));
        }
    }

    private void scheduleRetry(long delayNanos) {
        if (retryTimer != null) {
            return;
        }
        try {
            retryTimer = worker.schedule(() -> runSafely(() -> {
                retryTimer = null;
                converge();
            }), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("availability group {}: retry not scheduled, the scheduler is shut down", name);
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

    private int[] activeByZone() {
        int[] counts = new int[zones.size()];
        for (Instance m : instances) {
            if (m.isActive()) {
                int z = zones.indexOf(m.zone);
                if (z >= 0) {
                    counts[z]++;
                }
            }
        }
        return counts;
    }

    /** The zone with the fewest active instances; ties go to the zone listed first. */
    private String zoneForLaunch() {
        int[] counts = activeByZone();
        int best = 0;
        for (int z = 1; z < counts.length; z++) {
            if (counts[z] < counts[best]) {
                best = z;
            }
        }
        return zones.get(best);
    }

    /** The oldest active instance of the zones with the most active instances. */
    private Instance pickScaleInVictim() {
        int[] counts = activeByZone();
        int most = 0;
        for (int count : counts) {
            most = Math.max(most, count);
        }
        for (Instance m : instances) { // launch order: oldest first
            if (m.isActive()) {
                int z = zones.indexOf(m.zone);
                if (z < 0 || counts[z] == most) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no active instance to scale in");
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

    private long backoffNanos(int failures) {
        long base = options.launchRetryBase().toNanos();
        long max = options.launchRetryMax().toNanos();
        long delay = base;
        for (int i = 1; i < failures && delay < max; i++) {
            delay = delay > max / 2 ? max : delay * 2;
        }
        return Math.min(delay, max);
    }

    private void emit(GroupEvent.Type type, Instance m, String detail) {
        GroupEvent event = new GroupEvent(type, instant(ticker.getAsLong()), name,
                Optional.ofNullable(m).map(i -> i.id), Optional.ofNullable(m).map(i -> i.zone), detail);
        if (type == GroupEvent.Type.LAUNCH_FAILED) {
            log.warn("availability group {}: {} {}: {}", name, type, m != null ? m.id : "-", detail);
        } else {
            log.info("availability group {}: {} {}: {}", name, type, m != null ? m.id : "-", detail);
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.warn("availability group {}: event listener failed on {}", name, event, e);
        }
        eventSink.tryEmitNext(event);
    }

    private Instant instant(long ticks) {
        return startInstant.plusNanos(ticks - startTicks);
    }

    /** Runs a task on the control thread; returns false if the group's worker no longer accepts tasks. */
    private boolean execute(Runnable task) {
        try {
            worker.schedule(() -> runSafely(task));
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("availability group {}: task dropped, the group has stopped", name);
            return false;
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            log.error("availability group {}: unexpected error on the control thread", name, t);
        } finally {
            publish();
        }
    }

    /** A Mono that runs an action on the control thread when subscribed and reports its failure. */
    private Mono<Void> onControlThread(Runnable action) {
        return Mono.create(sink -> {
            boolean accepted = execute(() -> {
                try {
                    action.run();
                    sink.success();
                } catch (RuntimeException e) {
                    sink.error(e);
                }
            });
            if (!accepted) {
                sink.error(new IllegalStateException("availability group \"" + name
                        + "\" has stopped (expected: a running group)"));
            }
        });
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
    }

    private void closeQuietly(String id, InstanceHandle handle) {
        Mono.fromRunnable(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                log.warn("availability group {}: stopping late instance {} failed", name, id, e);
            }
        }).subscribeOn(Schedulers.boundedElastic()).subscribe();
    }

    private static void dispose(Disposable d) {
        if (d != null) {
            d.dispose();
        }
    }

    private static List<String> capacityProblems(String prefix, int min, int desired, int max) {
        List<String> problems = new ArrayList<>();
        if (min < 0) {
            problems.add(prefix + "min: " + min + " (expected: at least 0)");
        }
        if (max < 1) {
            problems.add(prefix + "max: " + max + " (expected: at least 1)");
        }
        if (min > max) {
            problems.add((prefix.isEmpty() ? "capacity" : prefix.substring(0, prefix.length() - 1)) + ": min " + min
                    + " > max " + max + " (expected: min <= desired <= max)");
        } else if (desired < min || desired > max) {
            problems.add(prefix + "desired: " + desired + " (expected: between min " + min + " and max " + max + ")");
        }
        return problems;
    }

    private static String describe(Capacity c) {
        return "min " + c.min() + ", desired " + c.desired() + ", max " + c.max();
    }

    private static String format(long nanos) {
        return Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(nanos)));
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    /** One instance; mutated only on the control thread. */
    private static final class Instance {
        final String id;
        final String zone;
        final long seq;
        final Instant launchedAt;
        InstanceState state = InstanceState.PENDING;
        InstanceHandle handle;
        InetSocketAddress address;
        /** A pending instance no longer wanted: terminated as soon as its launch completes. */
        boolean abandoned;
        /** Its handle is being closed. */
        boolean closing;
        boolean unhealthy;
        long unhealthySince;
        /** Unhealthy for too long: leaving the group once a replacement is in service. */
        boolean replaceRequested;
        /** For an instance being replaced: its replacement being launched, if any. */
        Instance replacement;
        /** For a replacement: the instance it replaces. */
        Instance replacing;

        Instance(String id, String zone, long seq, Instant launchedAt) {
            this.id = id;
            this.zone = zone;
            this.seq = seq;
            this.launchedAt = launchedAt;
        }

        /** Counts towards the desired capacity: pending or in service, and not leaving. */
        boolean isActive() {
            return (state == InstanceState.PENDING && !abandoned)
                    || (state == InstanceState.IN_SERVICE && !replaceRequested);
        }

        InstanceInfo info() {
            return new InstanceInfo(id, zone, state, Optional.ofNullable(address), launchedAt);
        }

        @Override
        public String toString() {
            return id + '(' + zone + ", " + state + ", #" + seq + ')';
        }
    }
}
