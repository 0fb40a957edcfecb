package io.nlb4j.group;

import io.nlb4j.model.InstanceHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a blocking instance start on {@link Schedulers#boundedElastic()} as a {@link Mono} that never loses an
 * instance: if the Mono is cancelled, the start is interrupted, and an instance that starts anyway is closed
 * instead of being dropped (a plain {@code Mono.fromCallable(..).subscribeOn(..)} drops the value it gets after
 * a cancellation, leaving the instance running).
 */
final class BlockingLaunches {

    private static final Logger log = LoggerFactory.getLogger(BlockingLaunches.class);

    private static final int RUNNING = 0;
    private static final int DELIVERED = 1;
    private static final int CANCELLED = 2;

    private BlockingLaunches() {
    }

    /**
     * Returns a Mono that runs {@code start} on a worker thread when subscribed.
     *
     * @param instanceId the instance, for log messages
     * @param start starts the instance; may block
     * @return the started instance
     */
    static Mono<InstanceHandle> start(String instanceId, Callable<? extends InstanceHandle> start) {
        return Mono.<InstanceHandle>create(sink -> {
            AtomicInteger state = new AtomicInteger(RUNNING);
            Disposable task = Schedulers.boundedElastic().schedule(() -> {
                InstanceHandle handle;
                try {
                    handle = start.call();
                } catch (Throwable e) {
                    if (state.compareAndSet(RUNNING, DELIVERED)) {
                        sink.error(e);
                    }
                    return;
                }
                if (handle == null) {
                    if (state.compareAndSet(RUNNING, DELIVERED)) {
                        sink.error(new IllegalStateException("instance " + instanceId
                                + ": the instance factory returned null (expected: a handle)"));
                    }
                } else if (state.compareAndSet(RUNNING, DELIVERED)) {
                    sink.success(handle);
                } else {
                    close(instanceId, handle);
                }
            });
            sink.onCancel(() -> {
                if (state.compareAndSet(RUNNING, CANCELLED)) {
                    task.dispose();
                }
            });
        }).doOnDiscard(InstanceHandle.class, handle -> close(instanceId, handle));
    }

    private static void close(String instanceId, InstanceHandle handle) {
        log.info("instance {}: started after its launch was cancelled; stopping it", instanceId);
        Schedulers.boundedElastic().schedule(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                log.warn("instance {}: stopping it failed", instanceId, e);
            }
        });
    }
}
