package io.nlb4j.control;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The serial context in which control-plane state changes, and the clock that control-plane time is read
 * from. gRPC's {@code SynchronizationContext} is the model: tasks given to {@link #execute(Runnable)} run one
 * at a time, in order, never concurrently, whichever thread submits them; a task submitted from inside the
 * context runs after the current one, never nested in it. Code that must run in the context says so with
 * {@link #checkInContext()}, which fails on any other thread.
 *
 * <p>Tasks run on a Reactor {@link Scheduler}, which also drives delays ({@link #schedule(Runnable, Duration)})
 * and provides the clock ({@link #nanoTime()}): {@link #create(String, String)} makes a context with its own
 * thread and {@link System#nanoTime()}; {@link #on(String, Scheduler)} runs on a caller's scheduler and reads
 * its {@link Scheduler#now(TimeUnit)}, so that a {@code VirtualTimeScheduler} drives every delay, timeout and
 * deadline of a test without waiting. Tasks must not block.
 */
public final class ControlContext implements Disposable {

    private static final Logger log = LoggerFactory.getLogger(ControlContext.class);

    private final String owner;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final boolean monotonic;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drain = this::drain;
    private volatile Thread drainingThread;
    private volatile boolean disposed;

    private ControlContext(String owner, Scheduler scheduler, boolean ownsScheduler, boolean monotonic) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ownsScheduler = ownsScheduler;
        this.monotonic = monotonic;
    }

    /**
     * Creates a context with a thread of its own (a daemon thread, started on first use) and the monotonic
     * clock {@link System#nanoTime()}. Disposing the context stops the thread.
     *
     * @param owner what the context serves, for messages, such as {@code load balancer "web-lb"}
     * @param threadName the thread's name, such as {@code nlb4j-control-web-lb}
     * @return the context
     */
    public static ControlContext create(String owner, String threadName) {
        return new ControlContext(owner, Schedulers.newSingle(threadName, true), true, true);
    }

    /**
     * Creates a context on a caller's scheduler, whose {@link Scheduler#now(TimeUnit)} is the clock: pass a
     * {@code VirtualTimeScheduler} to drive time in tests. The caller keeps the scheduler: disposing the
     * context does not dispose it.
     *
     * <p>Tasks are submitted from other threads too (event loops, workers that stop instances). Reactor's
     * {@code VirtualTimeScheduler} can lose a task added by another thread while it runs due tasks (it peeks at the
     * earliest task and then polls, which may remove a newer, earlier one without running it); such a lost task
     * stops this context for good. Give it a scheduler whose scheduling and advancing hold one lock.
     *
     * @param owner what the context serves, for messages
     * @param scheduler runs the tasks and the delays and tells the time
     * @return the context
     */
    public static ControlContext on(String owner, Scheduler scheduler) {
        return new ControlContext(owner, scheduler, false, false);
    }

    /**
     * Returns what the context serves.
     *
     * @return the owner, such as {@code load balancer "web-lb"}
     */
    public String owner() {
        return owner;
    }

    /**
     * Returns the current time of the context's clock.
     *
     * @return nanoseconds from an arbitrary origin; only differences are meaningful
     */
    public long nanoTime() {
        return monotonic ? System.nanoTime() : scheduler.now(TimeUnit.NANOSECONDS);
    }

    /**
     * Returns the scheduler behind the context, for Reactor operators that need one (timeouts, delays). Work
     * for the context itself goes through {@link #execute(Runnable)}.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Runs a task in the context, after the tasks submitted before it.
     *
     * @param task the task; an exception it throws is logged and does not stop the context
     * @throws IllegalStateException if the context has been disposed, saying that its owner is stopped
     */
    public void execute(Runnable task) {
        if (!tryExecute(task)) {
            throw stopped();
        }
    }

    /**
     * Runs a task in the context unless it has been disposed.
     *
     * @param task the task
     * @return {@code false} if the context has been disposed and the task will not run
     */
    public boolean tryExecute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (disposed) {
            return false;
        }
        queue.offer(task);
        if (wip.getAndIncrement() == 0) {
            try {
                scheduler.schedule(drain);
            } catch (RejectedExecutionException e) {
                queue.clear();
                wip.set(0);
                return false;
            }
        }
        return true;
    }

    /**
     * Runs a task in the context after a delay measured on the context's clock.
     *
     * @param task the task
     * @param delay the delay
     * @return a handle that cancels the task; cancelled from inside the context before it runs, it never runs
     */
    public Disposable schedule(Runnable task, Duration delay) {
        Delayed d = new Delayed(task);
        if (!disposed) {
            try {
                d.timer = scheduler.schedule(() -> tryExecute(d), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                d.dispose();
            }
        }
        return d;
    }

    /**
     * Runs a task in the context every {@code period}, the first time after one period.
     *
     * @param task the task
     * @param period the period, positive
     * @return a handle that stops the repetition
     */
    public Disposable schedulePeriodically(Runnable task, Duration period) {
        Delayed d = new Delayed(task);
        if (!disposed) {
            long nanos = period.toNanos();
            try {
                d.timer = scheduler.schedulePeriodically(() -> tryExecute(d), nanos, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                d.dispose();
            }
        }
        return d;
    }

    /**
     * Returns a Mono that, when subscribed, runs a task in the context and emits its result.
     *
     * @param task the task
     * @param <T> the result type
     * @return emits the result, or the task's exception; fails with {@link IllegalStateException} saying that the
     *         owner is stopped if the context has been disposed
     */
    public <T> Mono<T> call(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return Mono.create(sink -> {
            boolean accepted = tryExecute(() -> {
                T value;
                try {
                    value = task.call();
                } catch (Throwable e) {
                    Exceptions.throwIfJvmFatal(e);
                    sink.error(e);
                    return;
                }
                sink.success(value);
            });
            if (!accepted) {
                sink.error(stopped());
            }
        });
    }

    /**
     * Returns a Mono that, when subscribed, runs an action in the context and completes after it.
     *
     * @param action the action
     * @return completes once the action has run; fails like {@link #call(Callable)}
     */
    public Mono<Void> run(Runnable action) {
        return call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Tells whether the calling thread is running a task of this context.
     *
     * @return {@code true} inside the context
     */
    public boolean inContext() {
        return drainingThread == Thread.currentThread();
    }

    /**
     * Fails unless the calling thread is running a task of this context: the thread rule of control-plane state,
     * checked.
     *
     * @throws IllegalStateException outside the context
     */
    public void checkInContext() {
        if (!inContext()) {
            throw new IllegalStateException("control-plane state of " + owner + " changed on thread "
                    + Thread.currentThread().getName() + " (expected: its control context)");
        }
    }

    /**
     * The exception for work submitted after {@link #dispose()}.
     *
     * @return an exception saying the owner is stopped
     */
    public IllegalStateException stopped() {
        return new IllegalStateException(owner + " is stopped (expected: a running " + kind() + ')');
    }

    private String kind() {
        int quote = owner.indexOf(" \"");
        return quote > 0 ? owner.substring(0, quote) : owner;
    }

    /**
     * Stops accepting tasks. Tasks already submitted still run; then a scheduler the context created is
     * disposed (a caller's scheduler is left alone).
     */
    @Override
    public void dispose() {
        if (disposed) {
            return;
        }
        disposed = true;
        if (ownsScheduler) {
            // After the tasks already queued: a scheduler must not be shut down from a task it is running.
            queue.offer(() -> scheduler.disposeGracefully().subscribe(null,
                    e -> log.debug("{}: disposing the control scheduler failed", owner, e)));
            if (wip.getAndIncrement() == 0) {
                try {
                    scheduler.schedule(drain);
                } catch (RejectedExecutionException e) {
                    // already shut down
                }
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public String toString() {
        return "ControlContext(" + owner + ')';
    }

    private void drain() {
        drainingThread = Thread.currentThread();
        try {
            int missed = 1;
            do {
                for (Runnable task; (task = queue.poll()) != null; ) {
                    try {
                        task.run();
                    } catch (Throwable t) {
                        Exceptions.throwIfJvmFatal(t);
                        log.error("{}: a control task failed", owner, t);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        } finally {
            drainingThread = null;
        }
    }

    /** A delayed or periodic task: it runs in the context, unless cancelled first. */
    private static final class Delayed implements Runnable, Disposable {
        private final Runnable task;
        private volatile Disposable timer;
        private volatile boolean cancelled;

        Delayed(Runnable task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        @Override
        public void run() {
            if (!cancelled) {
                task.run();
            }
        }

        @Override
        public void dispose() {
            cancelled = true;
            Disposable t = timer;
            if (t != null) {
                t.dispose();
            }
        }

        @Override
        public boolean isDisposed() {
            return cancelled;
        }
    }
}
