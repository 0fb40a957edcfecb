package io.nlb4j.group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance processes this JVM has started and not yet seen stop, and the one shutdown hook that stops them
 * if the JVM exits first, so that it never leaves instances (or their children) running behind it. The hook is
 * registered when the first process starts and removed when the last one has stopped: with nothing running, there
 * is no hook. Once the JVM is shutting down, no process may start ({@link #add} refuses it).
 */
final class LiveProcesses {

    private static final Logger log = LoggerFactory.getLogger("io.nlb4j.instance");
    /** At JVM exit, how long processes have after the termination signal before they are killed. */
    static final long EXIT_GRACE_MILLIS = 3000;
    /** At JVM exit, how long the hook waits for killed processes to be gone. */
    static final long EXIT_KILL_WAIT_MILLIS = 2000;

    private static final Object LOCK = new Object();
    private static final Set<ProcessInstance> LIVE = new LinkedHashSet<>();
    private static Thread hook;
    private static boolean shuttingDown;

    private LiveProcesses() {
    }

    /**
     * Records a process that has just started, registering the shutdown hook if it is the only one.
     *
     * @param instance the process
     * @return {@code false} if the JVM is shutting down: the caller must stop the process at once
     */
    static boolean add(ProcessInstance instance) {
        synchronized (LOCK) {
            if (shuttingDown) {
                return false;
            }
            if (hook == null) {
                Thread h = new Thread(LiveProcesses::stopAll, "nlb4j-instance-reaper");
                try {
                    Runtime.getRuntime().addShutdownHook(h);
                } catch (IllegalStateException e) { // the JVM is already shutting down
                    shuttingDown = true;
                    return false;
                }
                hook = h;
            }
            LIVE.add(instance);
            return true;
        }
    }

    /**
     * Forgets a process that has stopped; removes the shutdown hook once none is left.
     *
     * @param instance the process
     */
    static void remove(ProcessInstance instance) {
        synchronized (LOCK) {
            if (!LIVE.remove(instance) || !LIVE.isEmpty() || hook == null || shuttingDown) {
                return;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running, and finds nothing left to stop
            }
            hook = null;
        }
    }

    /**
     * Returns how many processes are running.
     *
     * @return the number of processes started and not yet stopped
     */
    static int count() {
        synchronized (LOCK) {
            return LIVE.size();
        }
    }

    /**
     * Tells whether the shutdown hook is registered.
     *
     * @return {@code true} while a process runs
     */
    static boolean hookRegistered() {
        synchronized (LOCK) {
            return hook != null;
        }
    }

    /**
     * The shutdown hook: stops every process still running and its descendants, with a short grace period, then
     * kills what is left.
     */
    static void stopAll() {
        List<ProcessInstance> left;
        synchronized (LOCK) {
            shuttingDown = true;
            left = new ArrayList<>(LIVE);
        }
        if (left.isEmpty()) {
            return;
        }
        log.warn("the JVM is exiting with {} instance processes still running; stopping them", left.size());
        long grace = Math.min(EXIT_GRACE_MILLIS,
                left.stream().mapToLong(ProcessInstance::gracePeriodMillis).max().orElse(0));
        boolean exited = ProcessInstance.terminate(left.stream().map(ProcessInstance::process).toList(), grace,
                EXIT_KILL_WAIT_MILLIS, (pids, ms) -> log.warn("instance processes {} did not exit within {} ms of the"
                        + " JVM's exit; killing them", pids, ms));
        if (!exited) {
            log.warn("instance processes were still running {} ms after being killed", EXIT_KILL_WAIT_MILLIS);
        }
    }
}
