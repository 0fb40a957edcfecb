package io.nlb4j.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ControlContextTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

    @AfterEach
    void disposeScheduler() {
        vts.dispose();
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeInTheContext() throws Exception {
        ControlContext ctx = ControlContext.create("load balancer \"t\"", "nlb4j-control-t");
        int threads = 8;
        int perThread = 5_000;
        int[] counter = {0}; // not atomic: serial execution is what keeps it right
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger outside = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ctx.execute(() -> {
                            if (running.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            if (!ctx.inContext()) {
                                outside.incrementAndGet();
                            }
                            counter[0]++;
                            running.decrementAndGet();
                            done.countDown();
                        });
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
            ctx.dispose();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(outside.get()).isZero();
        assertThat(counter[0]).isEqualTo(threads * perThread);
        assertThat(ctx.inContext()).isFalse();
    }

    @Test
    void aTaskSubmittedFromInsideRunsAfterTheCurrentOneNotNestedInIt() {
        ControlContext ctx = ControlContext.on("group \"g\"", vts);
        List<String> order = new ArrayList<>();
        ctx.execute(() -> {
            order.add("outer start");
            ctx.execute(() -> order.add("inner"));
            order.add("outer end");
        });
        assertThat(order).containsExactly("outer start", "outer end", "inner");
    }

    @Test
    void codeThatMustRunInTheContextSaysSoElsewhere() {
        ControlContext ctx = ControlContext.on("load balancer \"web\"", vts);
        assertThatThrownBy(ctx::checkInContext)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("control-plane state of load balancer \"web\" changed on thread ")
                .hasMessageEndingWith(" (expected: its control context)");
        boolean[] inside = {false};
        ctx.execute(() -> {
            ctx.checkInContext();
            inside[0] = true;
        });
        assertThat(inside[0]).isTrue();
    }

    @Test
    void delaysAndTheClockComeFromTheScheduler() {
        ControlContext ctx = ControlContext.on("load balancer \"web\"", vts);
        List<Long> ran = new CopyOnWriteArrayList<>();
        long start = ctx.nanoTime();
        ctx.schedule(() -> ran.add(ctx.nanoTime() - start), Duration.ofSeconds(30));
        Disposable cancelled = ctx.schedule(() -> ran.add(-1L), Duration.ofSeconds(10));
        Disposable periodic = ctx.schedulePeriodically(() -> ran.add(0L), Duration.ofSeconds(20));
        vts.advanceTimeBy(Duration.ofSeconds(5));
        cancelled.dispose();
        vts.advanceTimeBy(Duration.ofSeconds(25)); // t = 30 s
        periodic.dispose();
        vts.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(ran).containsExactly(0L, Duration.ofSeconds(30).toNanos());
    }

    @Test
    void afterDisposeWorkIsRefusedSayingTheOwnerIsStopped() {
        ControlContext ctx = ControlContext.on("load balancer \"web\"", vts);
        ctx.dispose();
        assertThat(ctx.isDisposed()).isTrue();
        assertThat(ctx.tryExecute(() -> { })).isFalse();
        assertThatThrownBy(() -> ctx.execute(() -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("load balancer \"web\" is stopped (expected: a running load balancer)");
        StepVerifier.create(ctx.call(() -> 1))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("load balancer \"web\" is stopped (expected: a running load balancer)"));
        assertThat(vts.isDisposed()).as("a caller's scheduler stays the caller's").isFalse();
    }

    @Test
    void callRunsInTheContextAndReportsTheTasksFailure() {
        ControlContext ctx = ControlContext.on("load balancer \"web\"", vts);
        StepVerifier.create(ctx.call(() -> ctx.inContext())).expectNext(true).verifyComplete();
        StepVerifier.create(ctx.call(() -> {
            throw new IllegalArgumentException("weight: 0 (expected: 1-100)");
        })).verifyErrorMessage("weight: 0 (expected: 1-100)");
        // a failed task does not stop the context
        StepVerifier.create(ctx.run(() -> { })).verifyComplete();
    }

    @Test
    void aContextWithAThreadOfItsOwnStopsItWhenDisposed() {
        ControlContext ctx = ControlContext.create("load balancer \"own\"", "nlb4j-control-own");
        StepVerifier.create(ctx.call(() -> Thread.currentThread().getName()))
                .assertNext(name -> assertThat(name).startsWith("nlb4j-control-own"))
                .verifyComplete();
        ctx.dispose();
        await().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("nlb4j-control-own")));
    }

    @Test
    void tasksAlreadyQueuedAtDisposeStillRun() {
        ControlContext ctx = ControlContext.on("load balancer \"web\"", Schedulers.immediate());
        List<String> ran = new ArrayList<>();
        ctx.execute(() -> {
            ctx.execute(() -> ran.add("queued before dispose"));
            ctx.dispose();
        });
        assertThat(ran).containsExactly("queued before dispose");
    }
}
