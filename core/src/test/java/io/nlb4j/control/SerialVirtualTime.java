package io.nlb4j.control;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Reactor's {@link VirtualTimeScheduler} with every use (scheduling, advancing) made under one lock, for tests whose
 * tasks are submitted from other threads (event loops, worker threads) while the test thread advances the clock.
 *
 * <p>The plain scheduler is not safe for that: its drain loop peeks at the earliest task and then polls the queue,
 * so a task another thread adds between the two that sorts first (any immediate task, while a timer is being run) is
 * removed without running, and the peeked one runs twice. A control context whose drain task is lost that way stops
 * running tasks for good. Holding the lock, a thread that runs tasks keeps others from adding any until it is done;
 * the lock is reentrant, so tasks may schedule more.
 */
public final class SerialVirtualTime implements Scheduler {

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final ReentrantLock lock = new ReentrantLock();

    private SerialVirtualTime() {
    }

    /**
     * Creates a clock at virtual time zero.
     *
     * @return the clock
     */
    public static SerialVirtualTime create() {
        return new SerialVirtualTime();
    }

    /**
     * Moves the clock on, running every task due by then.
     *
     * @param delay how far
     */
    public void advanceTimeBy(Duration delay) {
        locked(() -> {
            clock.advanceTimeBy(delay);
            return null;
        });
    }

    @Override
    public long now(TimeUnit unit) {
        return clock.now(unit);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return locked(() -> clock.schedule(task));
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return locked(() -> clock.schedule(task, delay, unit));
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return locked(() -> clock.schedulePeriodically(task, initialDelay, period, unit));
    }

    @Override
    public Worker createWorker() {
        Worker worker = locked(() -> (Worker) clock.createWorker());
        return new Worker() {
            @Override
            public Disposable schedule(Runnable task) {
                return locked(() -> worker.schedule(task));
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                return locked(() -> worker.schedule(task, delay, unit));
            }

            @Override
            public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
                return locked(() -> worker.schedulePeriodically(task, initialDelay, period, unit));
            }

            @Override
            public void dispose() {
                worker.dispose();
            }

            @Override
            public boolean isDisposed() {
                return worker.isDisposed();
            }
        };
    }

    @Override
    public void dispose() {
        clock.dispose();
    }

    @Override
    public boolean isDisposed() {
        return clock.isDisposed();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
