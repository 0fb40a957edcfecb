package io.nlb4j.balancer.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The one thread on which a load balancer's control-plane state changes. */
final class Control {

    private static final Logger log = LoggerFactory.getLogger(Control.class);

    private final Scheduler scheduler;

    Control(String name) {
        this.scheduler = Schedulers.newSingle("nlb4j-control-" + name, true);
    }

    void execute(Runnable task) {
        scheduler.schedule(guard(task));
    }

    Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return scheduler.schedule(guard(task), delay, unit);
    }

    Disposable schedulePeriodically(Runnable task, long period, TimeUnit unit) {
        return scheduler.schedulePeriodically(guard(task), period, period, unit);
    }

    <T> Mono<T> call(Callable<T> task) {
        return Mono.fromCallable(task).subscribeOn(scheduler);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    void dispose() {
        scheduler.dispose();
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("control task failed: {}", e.toString(), e);
            }
        };
    }
}
