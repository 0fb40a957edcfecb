package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.ProcessLauncher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Real processes on every failure and stop path: whatever happens once a process has started, it is stopped and
 * gone before the failure is reported, and a stop or a cancelled start does not wait for a ready timeout.
 */
class ProcessCleanupTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final GroupMembership NONE = new GroupMembership() {
        @Override
        public void register(InstanceInfo instance) {
        }

        @Override
        public Mono<Void> deregister(InstanceInfo instance) {
            return Mono.empty();
        }
    };

    /** The argument of the {@code sleep} processes of this test, which tells them apart from any other process. */
    private final String marker = Integer.toString(100_000 + ThreadLocalRandom.current().nextInt(800_000));
    private final List<GroupEvent> events = new CopyOnWriteArrayList<>();
    private final List<Long> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftovers() {
        ProcessGroupTest.marked(marker).forEach(ProcessHandle::destroyForcibly);
        seen.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** A process that starts and never listens. */
    private ProcessLauncher neverReady(Duration readyTimeout) {
        return ProcessLauncher.builder("sleep", marker).readyTimeout(readyTimeout)
                .stopGracePeriod(Duration.ofSeconds(5)).build();
    }

    private static AvailabilityGroup group(ProcessLauncher launcher, Capacity capacity) {
        return AvailabilityGroup.builder("p").region("r").vpc("v").zones("az-a")
                .template(InstanceTemplate.builder("t").launcher(launcher).port(0)).capacity(capacity).build();
    }

    private GroupOptions.Builder options() {
        return GroupOptions.builder().eventListener(events::add).startTimeout(BOUND);
    }

    private List<ProcessHandle> alive() {
        return ProcessGroupTest.marked(marker);
    }

    private <E extends GroupEvent> List<E> eventsOf(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aLaunchNeverReadyIsRetriedWithAtMostOneProcessAliveAtATimeAndNoneAfterTheStop() throws Exception {
        AtomicInteger maxAlive = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                List<ProcessHandle> now = alive();
                maxAlive.accumulateAndGet(now.size(), Math::max);
                now.forEach(p -> {
                    if (!seen.contains(p.pid())) {
                        seen.add(p.pid());
                    }
                });
                LockSupport.parkNanos(1_000_000);
            }
        }, "process-sampler");
        sampler.start();
        RunningAvailabilityGroup group;
        try {
            group = AvailabilityGroups.startNow(group(neverReady(Duration.ofMillis(300)), Capacity.of(0, 1, 1)), NONE,
                    options().launchRetry(Duration.ofMillis(20), Duration.ofMillis(40)).build());
            await().atMost(BOUND).until(() -> eventsOf(GroupEvent.LaunchFailed.class).size() >= 5);
            StepVerifier.create(group.stop()).expectComplete().verify(BOUND);
            assertThat(alive()).isEmpty(); // at once: the stop completes once the processes are gone
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(5); // each retry started a process of its own
        assertThat(maxAlive.get()).isEqualTo(1);
        for (long pid : seen) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
        }
        assertThat(eventsOf(GroupEvent.LaunchFailed.class)).allSatisfy(f -> {
            assertThat(f.description()).contains(" launch failed: process ")
                    .contains(" did not accept connections on 127.0.0.1:").contains(" within 300ms")
                    .doesNotContain("java.").doesNotContain("Exception").doesNotContain("instance " + f.instance() + ":");
            assertThat(f.cause()).isInstanceOf(java.io.IOException.class);
        });
        assertThat(LiveProcesses.count()).isZero();
    }

    @Test
    void aFailureAfterTheProcessStartedStopsItBeforeTheLaunchFails() {
        List<Long> runningAtFailure = new CopyOnWriteArrayList<>();
        Executor outputReaders = task -> {
            alive().forEach(p -> runningAtFailure.add(p.pid()));
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                    + " limits reached");
        };
        InstanceContext context = new InstanceContext("x-1", "x", "az-a", "127.0.0.1", 0, Map.of());
        assertThatThrownBy(() -> ProcessInstance.start(neverReady(Duration.ofMinutes(10)), context, new LaunchAbort(),
                outputReaders)).isInstanceOf(OutOfMemoryError.class);
        assertThat(runningAtFailure).hasSize(1);
        seen.addAll(runningAtFailure);
        // already gone when the failure is thrown: no waiting here
        assertThat(ProcessHandle.of(runningAtFailure.get(0)).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(LiveProcesses.count()).isZero();
    }

    @Test
    void stoppingAGroupStopsALaunchAtOnceWithoutWaitingForItsReadyTimeout() {
        RunningAvailabilityGroup group = AvailabilityGroups.startNow(
                group(neverReady(Duration.ofMinutes(10)), Capacity.of(0, 0, 1)), NONE, options().build());
        StepVerifier.create(group.setDesiredCapacity(1)).verifyComplete();
        ProcessHandle process = await().atMost(BOUND).until(() -> alive().stream().findFirst(), Optional::isPresent)
                .orElseThrow();
        seen.add(process.pid());
        assertThat(LiveProcesses.hookRegistered()).isTrue();

        StepVerifier.create(group.stop()).expectComplete().verify(BOUND); // the ready timeout is 10 minutes away

        assertThat(process.isAlive()).isFalse();
        assertThat(eventsOf(GroupEvent.LaunchFailed.class)).isEmpty();
        assertThat(eventsOf(GroupEvent.Terminated.class)).extracting(GroupEvent.Terminated::instance)
                .containsExactly("p-1");
        assertThat(eventsOf(GroupEvent.Stopping.class)).singleElement()
                .satisfies(e -> assertThat(e.launching()).isEqualTo(1));
        assertThat(eventsOf(GroupEvent.Stopped.class)).singleElement()
                .satisfies(e -> assertThat(e.terminated()).isEqualTo(1));
        assertThat(LiveProcesses.count()).isZero();
        assertThat(LiveProcesses.hookRegistered()).isFalse();
    }

    @Test
    void cancellingAGroupStartStopsItsLaunchingProcessesAtOnce() {
        Disposable start = AvailabilityGroups.start(group(neverReady(Duration.ofMinutes(10)), Capacity.of(2, 2, 2)),
                NONE, options().build()).subscribe();
        await().atMost(BOUND).until(() -> alive().size() == 2);
        List<ProcessHandle> processes = alive();
        processes.forEach(p -> seen.add(p.pid()));

        start.dispose();

        await().atMost(BOUND).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
        await().atMost(BOUND).until(() -> !eventsOf(GroupEvent.Stopped.class).isEmpty());
        assertThat(eventsOf(GroupEvent.Stopped.class).get(0).terminated()).isEqualTo(2);
        assertThat(eventsOf(GroupEvent.LaunchFailed.class)).isEmpty();
        assertThat(LiveProcesses.count()).isZero();
    }

    @Test
    void aGroupThatCanNeverLaunchFailsToStartWithTheLaunchErrorsInWordsAndLeavesNothingRunning() {
        String program = "/nonexistent/nlb4j-" + UUID.randomUUID();
        ProcessLauncher missing = ProcessLauncher.builder(program, "{port}").build();
        StepVerifier.create(AvailabilityGroups.start(group(missing, Capacity.of(2, 2, 2)), NONE, options().build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(GroupStartException.class)
                        .hasMessageStartingWith("availability group \"p\" could not start: 0 of its minimum 2 instances"
                                + " in service; 2 of 2 launches failed: cannot start [" + program + ", ")
                        .hasMessageContaining("; cannot start [" + program + ", ")
                        .hasMessageNotContaining("java.").hasMessageNotContaining("Exception"))
                .verify(BOUND);

        StepVerifier.create(AvailabilityGroups.start(group(neverReady(Duration.ofMillis(300)), Capacity.of(1, 1, 1)),
                        NONE, options().build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(GroupStartException.class)
                        .hasMessageMatching("availability group \"p\" could not start: 0 of its minimum 1 instances in"
                                + " service; 1 of 1 launches failed: process \\d+ did not accept connections on"
                                + " 127\\.0\\.0\\.1:\\d+ within 300ms"))
                .verify(BOUND);
        assertThat(alive()).isEmpty();

        AvailabilityGroup inProcess = AvailabilityGroup.builder("p").region("r").vpc("v").zones("az-a")
                .template(InstanceTemplate.builder("t").port(0).launcher(io.nlb4j.model.InstanceLauncher.inProcess(
                        ctx -> {
                            throw new java.io.IOException("no binary for " + ctx.instanceId());
                        })))
                .capacity(2, 2, 2).build();
        assertThatThrownBy(() -> AvailabilityGroups.startNow(inProcess, NONE, options().build()))
                .isInstanceOf(GroupStartException.class)
                .hasMessage("availability group \"p\" could not start: 0 of its minimum 2 instances in service; 2 of 2"
                        + " launches failed: no binary for p-1; no binary for p-2");
        assertThat(LiveProcesses.count()).isZero();
    }

    @Test
    void theShutdownHookIsRegisteredOnlyWhileAProcessRuns() throws Exception {
        assertThat(LiveProcesses.count()).isZero();
        assertThat(LiveProcesses.hookRegistered()).isFalse();
        ProcessInstance echo = ProcessInstance.start(ProcessGroupTest.echoLauncher("{port}").build(),
                new InstanceContext("h-1", "h", "az-a", "127.0.0.1", 0, Map.of()), new LaunchAbort());
        seen.add(echo.pid());
        assertThat(LiveProcesses.count()).isEqualTo(1);
        assertThat(LiveProcesses.hookRegistered()).isTrue();
        echo.close();
        assertThat(ProcessHandle.of(echo.pid()).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(LiveProcesses.count()).isZero();
        assertThat(LiveProcesses.hookRegistered()).isFalse();
    }
}
