package io.nlb4j.group;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import reactor.core.publisher.Mono;

/**
 * How an availability group starts its instances: the template's {@link InstanceLauncher} says what an instance
 * is, a starter makes one. {@link #standard()} calls in-process factories on a worker thread and runs
 * processes; another starter can start instances elsewhere (containers, a cloud API) or fake them in tests.
 */
@FunctionalInterface
public interface InstanceStarter {

    /**
     * Starts one instance. Called in the group's control context: it must not block; the returned Mono
     * completes with the handle once the instance is ready for traffic, or fails if it could not be started.
     * The group never cancels it (it must learn when what was started has stopped): an instance no longer wanted
     * (the group stops, its start is cancelled, a scale-in) is terminated once its start completes. The standard
     * starter does not make the group wait for that: it stops such a launch at once (see {@link #standard()}).
     *
     * @param launcher the template's launcher
     * @param context the instance to start
     * @return the running instance
     */
    Mono<InstanceHandle> start(InstanceLauncher launcher, InstanceContext context);

    /**
     * The standard starter: an {@link io.nlb4j.model.InProcessLauncher}'s factory is called on a worker thread
     * ({@code Schedulers.boundedElastic()}); a {@link io.nlb4j.model.ProcessLauncher} starts an operating-system
     * process and waits, on a worker thread, until its port accepts connections. When the group no longer wants an
     * instance still launching, the launch stops at once, without waiting for the ready timeout: the factory's
     * thread is interrupted (what the factory returns anyway is stopped), the process and its descendants are
     * stopped (a termination signal, then a kill after the launcher's {@code stopGracePeriod}). Cancelling the
     * returned Mono does the same. On every failure after a process has started (it exits, it is not ready in time,
     * the launch is stopped) the process is stopped and gone before the Mono fails; a shutdown hook stops the
     * processes still running if the JVM exits.
     *
     * @return the starter
     */
    static InstanceStarter standard() {
        return StandardStarter.INSTANCE;
    }
}
