package io.nlb4j.group;

import java.time.Duration;

/**
 * Exponential back-off between failed launches: the base wait after a first failure, doubling with each
 * consecutive failure up to a maximum, reset by a success. Times are clock nanoseconds.
 */
final class LaunchBackoff {

    private final long baseNanos;
    private final long maxNanos;
    private int consecutiveFailures;
    private boolean backingOff;
    private long notBefore;

    LaunchBackoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** Records a failed launch at {@code now}; returns the wait before the next launch. */
    Duration failed(long now) {
        consecutiveFailures++;
        long delay = baseNanos;
        for (int i = 1; i < consecutiveFailures && delay < maxNanos; i++) {
            delay = delay > maxNanos / 2 ? maxNanos : delay * 2;
        }
        delay = Math.min(delay, maxNanos);
        long next = now + delay;
        if (!backingOff || next - notBefore > 0) {
            notBefore = next;
        }
        backingOff = true;
        return Duration.ofNanos(delay);
    }

    void succeeded() {
        consecutiveFailures = 0;
        backingOff = false;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** How long launches must still wait at {@code now}; zero if they may go ahead. */
    long waitNanos(long now) {
        return backingOff && now - notBefore < 0 ? notBefore - now : 0;
    }
}
