package io.nlb4j.group;

import io.nlb4j.model.InstanceHandle;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a blocking instance start on {@link Schedulers#boundedElastic()} as a {@link Mono} that never loses an
 * instance and can be stopped while it runs:
 * <ul>
 * <li>a {@link LaunchAbort} in the subscriber's context (the group's) aborts the start: the blocking start is told
 *     (and its thread interrupted), stops what it started, and the Mono fails once that is done;</li>
 * <li>cancelling the Mono aborts the start the same way; an instance that starts anyway is closed instead of
 *     being dropped (a plain {@code Mono.fromCallable(..).subscribeOn(..)} drops the value it gets after a
 *     cancellation, leaving the instance running).</li>
 * </ul>
 */
final class BlockingLaunches {

    private static final Logger log = LoggerFactory.getLogger(BlockingLaunches.class);

    private static final int RUNNING = 0;
    private static final int DELIVERED = 1;
    private static final int CANCELLED = 2;

    private BlockingLaunches() {
    }

    /** A blocking start that may look at its abort request. */
    @FunctionalInterface
    interface Start {
        /**
         * Starts the instance.
         *
         * @param abort set when the start is to stop
         * @return the started instance
         * @throws Exception if it could not be started
         */
        InstanceHandle start(LaunchAbort abort) throws Exception;
    }

    /**
     * Returns a Mono that runs {@code start} on a worker thread when subscribed.
     *
     * @param instanceId the instance, for log messages
     * @param start starts the instance; may block
     * @return the started instance
     */
    static Mono<InstanceHandle> start(String instanceId, Start start) {
        return Mono.deferContextual(view -> {
            LaunchAbort requested = view.getOrDefault(LaunchAbort.KEY, null);
            return Mono.<InstanceHandle>create(sink -> {
                LaunchAbort abort = new LaunchAbort();
                Disposable link = requested == null ? () -> { }
                        : requested.onAbort(() -> abort.abort(requested.reason()));
                AtomicInteger state = new AtomicInteger(RUNNING);
                Runner runner = new Runner();
                Disposable task = Schedulers.boundedElastic().schedule(() -> {
                    InstanceHandle handle = null;
                    Throwable error = null;
                    runner.enter();
                    try {
                        abort.throwIfAborted(instanceId);
                        handle = start.start(abort);
                        if (handle == null) {
                            error = new IllegalStateException("instance " + instanceId
                                    + ": the instance factory returned null (expected: a handle)");
                        }
                    } catch (Throwable e) {
                        error = e;
                    } finally {
                        runner.exit();
                        link.dispose();
                    }
                    if (error != null) {
                        if (state.compareAndSet(RUNNING, DELIVERED)) {
                            sink.error(error);
                        } else {
                            log.debug("instance {}: cancelled launch ended: {}", instanceId, Errors.sentence(error));
                        }
                    } else if (state.compareAndSet(RUNNING, DELIVERED)) {
                        sink.success(handle);
                    } else {
                        close(instanceId, handle);
                    }
                });
                abort.onAbort(runner::interrupt);
                sink.onCancel(() -> {
                    if (state.compareAndSet(RUNNING, CANCELLED)) {
                        abort.abort("its launch was cancelled");
                        task.dispose(); // if it has not begun, it never will
                    }
                });
            });
        }).doOnDiscard(InstanceHandle.class, handle -> close(instanceId, handle));
    }

    private static void close(String instanceId, InstanceHandle handle) {
        log.info("instance {}: started after its launch was cancelled; stopping it", instanceId);
        Schedulers.boundedElastic().schedule(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                log.warn("instance {}: stopping it failed: {}", instanceId, Errors.sentence(e));
                log.debug("instance {}: stopping it failed", instanceId, e);
            }
        });
    }

    /**
     * The thread running a start, interrupted on abort only while it runs that start (a worker thread goes on to
     * other tasks afterwards, which must not inherit the interrupt).
     */
    private static final class Runner {
        private Thread thread;
        private boolean done;

        synchronized void enter() {
            if (!done) {
                thread = Thread.currentThread();
            }
        }

        synchronized void exit() {
            thread = null;
            done = true;
            Thread.interrupted(); // an interrupt for this start ends with it
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
