package io.nlb4j.group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * A request to stop one launch while it is under way: the group makes one per instance and passes it to the
 * starter in the Reactor context of the launch's Mono (under {@link #KEY}), so that it reaches the standard
 * starter through any operators a wrapping starter adds. The group never cancels a launch's Mono (it must learn
 * when what was started has stopped); it aborts the launch instead, and the launch then ends promptly, with an
 * error, after stopping what it had started. A launch that does not look at the request (a custom starter)
 * completes in its own time, and the group terminates its instance then.
 *
 * <p>Thread-safe: aborted from the control context, read by the launching thread.
 */
final class LaunchAbort {

    /** The key of the request in the launch's Reactor context. */
    static final Class<LaunchAbort> KEY = LaunchAbort.class;

    private final CountDownLatch aborted = new CountDownLatch(1);
    private final List<Runnable> listeners = new ArrayList<>();
    private volatile String reason;

    /**
     * Asks the launch to stop; the first call wins, later ones do nothing.
     *
     * @param why why, for messages, such as {@code the group is stopping}
     */
    void abort(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toRun = List.copyOf(listeners);
            listeners.clear();
        }
        aborted.countDown();
        toRun.forEach(Runnable::run);
    }

    boolean isAborted() {
        return reason != null;
    }

    /**
     * Returns why the launch was aborted.
     *
     * @return the reason; {@code null} if it was not
     */
    String reason() {
        return reason;
    }

    /**
     * Runs an action when the launch is aborted (at once if it already is).
     *
     * @param action must not block
     * @return removes the action
     */
    Disposable onAbort(Runnable action) {
        synchronized (this) {
            if (reason == null) {
                listeners.add(action);
                return () -> {
                    synchronized (LaunchAbort.this) {
                        listeners.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> { };
    }

    /**
     * Waits until the launch is aborted, at most {@code millis}.
     *
     * @param millis the longest wait
     * @return whether it was aborted
     * @throws InterruptedException if the thread was interrupted
     */
    boolean await(long millis) throws InterruptedException {
        return aborted.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Fails if the launch was aborted.
     *
     * @param instanceId the instance, for the message
     * @throws IOException saying that the launch was stopped, and why
     */
    void throwIfAborted(String instanceId) throws IOException {
        String why = reason;
        if (why != null) {
            throw stopped(instanceId, why);
        }
    }

    /**
     * The failure of an aborted launch.
     *
     * @param instanceId the instance
     * @param why why it was aborted
     * @return the exception
     */
    static IOException stopped(String instanceId, String why) {
        return new IOException("instance " + instanceId + ": launch stopped: " + why);
    }
}
