package io.nlb4j.group;

import static org.awaitility.Awaitility.await;

import io.nlb4j.control.ControlContext;
import io.nlb4j.control.RecordingLogger;
import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.TargetTracking;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Fakes and a virtual-time harness for availability-group tests: a starter and a membership that record what
 * happens to each instance in one shared, ordered log, and a control context on a virtual-time scheduler, so
 * that every delay (launch back-off, cooldowns, reconcile ticks, slow fake launches) is driven by the test.
 */
abstract class GroupTestSupport {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** The template's launcher: never called, the fake starter makes the instances. */
    static final InstanceLauncher UNUSED = InstanceLauncher.inProcess(context -> {
        throw new UnsupportedOperationException("the fake starter starts instances");
    });

    /** Everything the fakes saw, in order: "launch:g-1", "register:g-1", "deregister:g-1", "close:g-1". */
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<GroupEvent> events = new CopyOnWriteArrayList<>();
    /** What the group logged, at INFO and above. */
    final RecordingLogger logs = new RecordingLogger(LoggerFactory.getLogger(GroupController.class));
    SerialVirtualTime vts;
    ControlContext context;
    FakeStarter launcher;
    RecordingMembership membership;
    RunningAvailabilityGroup group;

    @BeforeEach
    void createFakes() {
        vts = SerialVirtualTime.create();
        context = ControlContext.on("availability group \"g\"", vts);
        launcher = new FakeStarter();
        membership = new RecordingMembership();
    }

    @AfterEach
    void stopGroup() {
        if (group != null) {
            membership.manual = false;
            membership.completeAll();
            group.stop().subscribe();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                vts.advanceTimeBy(Duration.ofSeconds(1)); // lets delayed fake launches finish
                return group.instances().isEmpty() && launcher.live.get() == 0;
            });
        }
        vts.dispose();
    }

    GroupOptions.Builder options() {
        return GroupOptions.builder().context(context).starter(launcher).eventListener(events::add).logger(logs);
    }

    RunningAvailabilityGroup start(AvailabilityGroup spec) {
        return start(spec, options());
    }

    RunningAvailabilityGroup start(AvailabilityGroup spec, GroupOptions.Builder options) {
        group = AvailabilityGroups.startNow(spec, membership, options.build());
        return group;
    }

    static AvailabilityGroup spec(Capacity capacity, String... zones) {
        return spec(capacity, null, Duration.ofSeconds(60), zones);
    }

    static AvailabilityGroup spec(Capacity capacity, TargetTracking policy, Duration replaceAfter, String... zones) {
        AvailabilityGroup.Builder b = AvailabilityGroup.builder("g").region("r").vpc("v").zones(zones)
                .template(InstanceTemplate.builder("t").launcher(UNUSED).port(0).label("tier", "web"))
                .capacity(capacity).replaceUnhealthyAfter(replaceAfter);
        if (policy != null) {
            b.targetTracking(policy);
        }
        return b.build();
    }

    void advance(Duration d) {
        vts.advanceTimeBy(d);
    }

    void awaitUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(condition);
    }

    List<String> ids(InstanceState state) {
        return group.instances().stream().filter(i -> i.state() == state).map(InstanceInfo::id).toList();
    }

    /** Pending and in-service instances per zone, zones in spec order. */
    List<Integer> zoneCounts() {
        Map<String, Long> byZone = group.instances().stream()
                .filter(i -> i.state() == InstanceState.PENDING || i.state() == InstanceState.IN_SERVICE)
                .collect(Collectors.groupingBy(InstanceInfo::zone, Collectors.counting()));
        List<Integer> counts = new ArrayList<>();
        for (String zone : group.spec().placement().zones()) {
            counts.add(byZone.getOrDefault(zone, 0L).intValue());
        }
        return counts;
    }

    static int spread(List<Integer> counts) {
        return counts.stream().mapToInt(Integer::intValue).max().orElse(0)
                - counts.stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    List<Class<? extends GroupEvent>> eventTypes() {
        return events.stream().<Class<? extends GroupEvent>>map(GroupEvent::getClass).toList();
    }

    <E extends GroupEvent> List<E> eventsOf(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The instance ids of the events of a type, in order. */
    List<String> idsOf(Class<? extends GroupEvent> type) {
        return events.stream().filter(type::isInstance).map(e -> e.instanceId().orElse("-")).toList();
    }

    /** Index in the event list of the first event of a type about an instance; -1 if none. */
    int indexOf(Class<? extends GroupEvent> type, String id) {
        for (int i = 0; i < events.size(); i++) {
            GroupEvent e = events.get(i);
            if (type.isInstance(e) && e.instanceId().equals(Optional.of(id))) {
                return i;
            }
        }
        return -1;
    }

    /** A starter whose instances are fake handles; it can fail, take (virtual) time, and counts what is live. */
    final class FakeStarter implements InstanceStarter {
        final List<InstanceContext> contexts = new CopyOnWriteArrayList<>();
        final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
        final Map<String, FakeHandle> handles = new ConcurrentHashMap<>();
        /** Launched and not failed, plus started and not closed. */
        final AtomicInteger live = new AtomicInteger();
        final AtomicInteger maxLive = new AtomicInteger();
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile Duration delay = Duration.ZERO;
        /** The message of a simulated failure is this followed by the instance id. */
        volatile String failure = "simulated failure of ";
        /**
         * Whether a delayed launch stops as soon as the group aborts it (as the standard starter does), failing;
         * otherwise it completes in its own time, as a starter that does not look at the abort request.
         */
        volatile boolean honorsAbort;
        final List<String> aborted = new CopyOnWriteArrayList<>();

        @Override
        public Mono<InstanceHandle> start(InstanceLauncher ignored, InstanceContext context) {
            return Mono.deferContextual(view -> {
                LaunchAbort abort = view.getOrDefault(LaunchAbort.KEY, null);
                contexts.add(context);
                attemptNanos.add(vts.now(TimeUnit.NANOSECONDS));
                log.add("launch:" + context.instanceId());
                maxLive.accumulateAndGet(live.incrementAndGet(), Math::max);
                boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                Mono<InstanceHandle> result = fail
                        ? Mono.error(new IOException(failure + context.instanceId()))
                        : Mono.fromSupplier(() -> {
                            FakeHandle h = new FakeHandle(context);
                            handles.put(context.instanceId(), h);
                            return h;
                        });
                Duration d = delay;
                if (!d.isZero()) {
                    result = Mono.delay(d, vts).then(result);
                    if (honorsAbort && abort != null) {
                        Mono<InstanceHandle> stopped = Mono.create(sink -> abort.onAbort(() -> {
                            aborted.add(context.instanceId());
                            sink.error(LaunchAbort.stopped(context.instanceId(), abort.reason()));
                        }));
                        result = Mono.firstWithSignal(result, stopped);
                    }
                }
                return result.doOnError(e -> live.decrementAndGet());
            });
        }
    }

    /** An instance that only records being closed. */
    final class FakeHandle implements InstanceHandle {
        final InstanceContext context;
        final InetSocketAddress address;
        volatile boolean closed;

        FakeHandle(InstanceContext context) {
            this.context = context;
            int port = context.port() != 0 ? context.port()
                    : 20000 + Integer.parseInt(context.instanceId().substring(context.instanceId().lastIndexOf('-') + 1));
            this.address = new InetSocketAddress(context.host(), port);
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException(context.instanceId() + " closed twice");
            }
            closed = true;
            log.add("close:" + context.instanceId());
            launcher.live.decrementAndGet();
        }
    }

    /**
     * Records registrations; deregistration completes at once, or, when {@link #manual}, when the test calls
     * {@link #complete(String)}.
     */
    final class RecordingMembership implements GroupMembership {
        final List<InstanceInfo> registered = new CopyOnWriteArrayList<>();
        final List<InstanceInfo> deregistered = new CopyOnWriteArrayList<>();
        final Map<String, Sinks.Empty<Void>> drains = new ConcurrentHashMap<>();
        volatile boolean manual;
        volatile boolean reportsHealth;

        @Override
        public void register(InstanceInfo instance) {
            registered.add(instance);
            log.add("register:" + instance.id());
        }

        @Override
        public Mono<Void> deregister(InstanceInfo instance) {
            deregistered.add(instance);
            Sinks.Empty<Void> drained = Sinks.empty();
            drains.put(instance.id(), drained);
            if (!manual) {
                drained.tryEmitEmpty();
            }
            return drained.asMono().doOnSubscribe(s -> log.add("deregister:" + instance.id()))
                    .doOnSuccess(v -> log.add("drained:" + instance.id()));
        }

        @Override
        public boolean reportsHealth() {
            return reportsHealth;
        }

        void complete(String id) {
            drains.get(id).tryEmitEmpty();
        }

        void completeAll() {
            drains.values().forEach(Sinks.Empty::tryEmitEmpty);
        }
    }
}
