package io.nlb4j.group;

import io.nlb4j.model.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How an availability group runs: where its instances listen, where its load comes from, and the clock and
 * thread it uses. Start from {@link #defaults()} and change fields with the copy methods:
 * <pre>{@code
 * GroupOptions.defaults().defaultPort(9000).activeConnections(service::activeConnections)
 * }</pre>
 *
 * @param host the address instances listen on; default {@value #DEFAULT_HOST}
 * @param defaultPort the port of instances whose template has none, normally the backend service's port;
 *        {@code 0} lets each instance bind an ephemeral port; default {@value #DEFAULT_PORT}
 * @param activeConnections the group's current number of active connections, read by target tracking on the
 *        control thread at each reconcile tick; must not block; default always {@code 0}
 * @param ticker a monotonic clock in nanoseconds used for every time-based decision (cooldowns, launch
 *        back-off, unhealthy time); default {@link System#nanoTime()}
 * @param scheduler the group's control thread: every state change runs on one {@link Scheduler.Worker} of it,
 *        and its delays drive retries and reconcile ticks. A scheduler made by {@link #defaults()} is owned by the
 *        group that starts with it and disposed when that group stops; a scheduler set with
 *        {@link #scheduler(Scheduler)} belongs to the caller and is never disposed by the group
 * @param launchRetryBase the wait after a first failed launch; it doubles with each consecutive failure, up to
 *        {@code launchRetryMax}, and resets when a launch succeeds; default
 *        {@value #DEFAULT_LAUNCH_RETRY_BASE_SECONDS}s
 * @param launchRetryMax the longest wait between launch attempts; default
 *        {@value #DEFAULT_LAUNCH_RETRY_MAX_SECONDS}s
 * @param reconcileInterval how often the group checks for unhealthy instances to replace and applies target
 *        tracking; default {@value #DEFAULT_RECONCILE_INTERVAL_SECONDS}s
 */
public record GroupOptions(String host, int defaultPort, IntSupplier activeConnections, LongSupplier ticker,
                           Scheduler scheduler, Duration launchRetryBase, Duration launchRetryMax,
                           Duration reconcileInterval) {

    /** Default address instances listen on. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port of instances whose template has none: ephemeral. */
    public static final int DEFAULT_PORT = 0;
    /** Default wait after a first failed launch, in seconds. */
    public static final long DEFAULT_LAUNCH_RETRY_BASE_SECONDS = 1;
    /** Default longest wait between launch attempts, in seconds. */
    public static final long DEFAULT_LAUNCH_RETRY_MAX_SECONDS = 60;
    /** Default interval between reconcile ticks, in seconds. */
    public static final long DEFAULT_RECONCILE_INTERVAL_SECONDS = 1;

    /** Schedulers made by {@link #defaults()}; the value says whether a group has claimed it. */
    private static final Map<Scheduler, Boolean> CREATED = new WeakHashMap<>();

    /**
     * Creates options.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException naming the field, its value and what was expected, if a value is out of
     *         range
     */
    public GroupOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(activeConnections, "activeConnections");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(launchRetryBase, "launchRetryBase");
        Objects.requireNonNull(launchRetryMax, "launchRetryMax");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: an address or host name)");
        }
        if (defaultPort < 0 || defaultPort > 65535) {
            throw new IllegalArgumentException("defaultPort: " + defaultPort
                    + " (expected: 0-65535, 0 for an ephemeral port chosen by each instance)");
        }
        if (launchRetryBase.isNegative() || launchRetryBase.isZero()) {
            throw new IllegalArgumentException("launchRetryBase: " + Durations.format(launchRetryBase)
                    + " (expected: > 0)");
        }
        if (launchRetryMax.compareTo(launchRetryBase) < 0) {
            throw new IllegalArgumentException("launchRetryMax: " + Durations.format(launchRetryMax)
                    + " (expected: >= launchRetryBase " + Durations.format(launchRetryBase) + ")");
        }
        if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
            throw new IllegalArgumentException("reconcileInterval: " + Durations.format(reconcileInterval)
                    + " (expected: > 0)");
        }
    }

    /**
     * Returns the default options: host {@value #DEFAULT_HOST}, default port {@value #DEFAULT_PORT}, no active
     * connections, {@link System#nanoTime()}, a new single-thread scheduler owned by the group that starts with
     * these options, launch retries after {@value #DEFAULT_LAUNCH_RETRY_BASE_SECONDS}s doubling up to
     * {@value #DEFAULT_LAUNCH_RETRY_MAX_SECONDS}s, and a reconcile tick every
     * {@value #DEFAULT_RECONCILE_INTERVAL_SECONDS}s. The scheduler starts no thread until a group uses it; if
     * a second group starts with the same options, it gets a scheduler of its own.
     *
     * @return the default options
     */
    public static GroupOptions defaults() {
        Scheduler scheduler = Schedulers.newSingle("nlb4j-group", true);
        synchronized (CREATED) {
            CREATED.put(scheduler, Boolean.FALSE);
        }
        return new GroupOptions(DEFAULT_HOST, DEFAULT_PORT, () -> 0, System::nanoTime, scheduler,
                Duration.ofSeconds(DEFAULT_LAUNCH_RETRY_BASE_SECONDS),
                Duration.ofSeconds(DEFAULT_LAUNCH_RETRY_MAX_SECONDS),
                Duration.ofSeconds(DEFAULT_RECONCILE_INTERVAL_SECONDS));
    }

    /**
     * Returns a copy with another host.
     *
     * @param host the address instances listen on
     * @return the new options
     */
    public GroupOptions host(String host) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, reconcileInterval);
    }

    /**
     * Returns a copy with another default port.
     *
     * @param defaultPort 0-65535; 0 lets each instance bind an ephemeral port
     * @return the new options
     */
    public GroupOptions defaultPort(int defaultPort) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, reconcileInterval);
    }

    /**
     * Returns a copy with another source of the active connection count used by target tracking.
     *
     * @param activeConnections returns the group's active connections; must not block
     * @return the new options
     */
    public GroupOptions activeConnections(IntSupplier activeConnections) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, reconcileInterval);
    }

    /**
     * Returns a copy with another clock, such as a {@code VirtualTimeScheduler}'s
     * {@code now(TimeUnit.NANOSECONDS)} in tests.
     *
     * @param ticker a monotonic clock in nanoseconds
     * @return the new options
     */
    public GroupOptions ticker(LongSupplier ticker) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, reconcileInterval);
    }

    /**
     * Returns a copy with another control-thread scheduler. The caller keeps ownership: the group never
     * disposes it.
     *
     * @param scheduler the scheduler
     * @return the new options
     */
    public GroupOptions scheduler(Scheduler scheduler) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, reconcileInterval);
    }

    /**
     * Returns a copy with another launch back-off.
     *
     * @param base the wait after a first failed launch, positive
     * @param max the longest wait, at least {@code base}
     * @return the new options
     */
    public GroupOptions launchRetry(Duration base, Duration max) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, base, max,
                reconcileInterval);
    }

    /**
     * Returns a copy with another reconcile interval.
     *
     * @param interval the interval between reconcile ticks, positive
     * @return the new options
     */
    public GroupOptions reconcileInterval(Duration interval) {
        return new GroupOptions(host, defaultPort, activeConnections, ticker, scheduler, launchRetryBase,
                launchRetryMax, interval);
    }

    /** A scheduler for a group to use, and whether the group owns (and disposes) it. */
    record OwnedScheduler(Scheduler scheduler, boolean owned) {
    }

    /**
     * Decides which scheduler a starting group uses: the caller's as is; one made by {@link #defaults()} and
     * not yet claimed, owned by the group; one made by {@link #defaults()} but already claimed by another
     * group, replaced by a new one owned by the group.
     */
    static OwnedScheduler claimScheduler(GroupOptions options, String groupName) {
        Scheduler scheduler = options.scheduler();
        synchronized (CREATED) {
            Boolean claimed = CREATED.get(scheduler);
            if (claimed == null) {
                return new OwnedScheduler(scheduler, false);
            }
            if (!claimed) {
                CREATED.put(scheduler, Boolean.TRUE);
                return new OwnedScheduler(scheduler, true);
            }
        }
        return new OwnedScheduler(Schedulers.newSingle("nlb4j-group-" + groupName, true), true);
    }
}
