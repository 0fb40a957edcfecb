package io.nlb4j.group;

import io.nlb4j.control.ControlContext;
import io.nlb4j.model.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an availability group runs, beyond its specification: where its instances listen, where its load comes
 * from, its control context and clock, and its timings. {@link #defaults()} suits most uses; change a copy
 * with {@link #toBuilder()} or start from {@link #builder()}.
 */
public final class GroupOptions {

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
    /** Default time {@link AvailabilityGroups#startNow} waits, in seconds. */
    public static final long DEFAULT_START_TIMEOUT_SECONDS = 60;
    /** Events buffered per slow subscriber of {@link RunningAvailabilityGroup#events()}. */
    public static final int EVENT_BUFFER_SIZE = 256;

    private static final GroupOptions DEFAULTS = builder().build();

    private final String host;
    private final int defaultPort;
    private final IntSupplier activeConnections;
    private final Optional<ControlContext> context;
    private final Duration launchRetryBase;
    private final Duration launchRetryMax;
    private final Duration reconcileInterval;
    private final Duration startTimeout;
    private final Consumer<? super GroupEvent> eventListener;
    private final InstanceStarter starter;
    private final Logger logger;

    private GroupOptions(Builder b) {
        this.host = b.host;
        this.defaultPort = b.defaultPort;
        this.activeConnections = b.activeConnections;
        this.context = Optional.ofNullable(b.context);
        this.launchRetryBase = b.launchRetryBase;
        this.launchRetryMax = b.launchRetryMax;
        this.reconcileInterval = b.reconcileInterval;
        this.startTimeout = b.startTimeout;
        this.eventListener = b.eventListener;
        this.starter = b.starter;
        this.logger = b.logger;
    }

    /**
     * The default options: host {@value #DEFAULT_HOST}, default port {@value #DEFAULT_PORT}, no active
     * connections, a control context of the group's own, launch retries after
     * {@value #DEFAULT_LAUNCH_RETRY_BASE_SECONDS}s doubling up to {@value #DEFAULT_LAUNCH_RETRY_MAX_SECONDS}s, a
     * reconcile tick every {@value #DEFAULT_RECONCILE_INTERVAL_SECONDS}s, a start timeout of
     * {@value #DEFAULT_START_TIMEOUT_SECONDS}s, no event listener and the standard instance starter.
     *
     * @return the default options
     */
    public static GroupOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts building options from the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.defaultPort = defaultPort;
        b.activeConnections = activeConnections;
        b.context = context.orElse(null);
        b.launchRetryBase = launchRetryBase;
        b.launchRetryMax = launchRetryMax;
        b.reconcileInterval = reconcileInterval;
        b.startTimeout = startTimeout;
        b.eventListener = eventListener;
        b.starter = starter;
        b.logger = logger;
        return b;
    }

    /**
     * Returns the address instances listen on.
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port of instances whose template has none, normally the backend service's port.
     *
     * @return the port; 0 lets each instance bind an ephemeral port
     */
    public int defaultPort() {
        return defaultPort;
    }

    /**
     * Returns the source of the group's active connections, read by target tracking at each reconcile tick.
     *
     * @return the source
     */
    public IntSupplier activeConnections() {
        return activeConnections;
    }

    /**
     * Returns the control context the group runs in, if the caller gave one (the caller keeps it); otherwise
     * the group makes one of its own and disposes it when it stops.
     *
     * @return the context
     */
    public Optional<ControlContext> context() {
        return context;
    }

    /**
     * Returns the wait after a first failed launch; it doubles with each consecutive failure, up to
     * {@link #launchRetryMax()}, and resets when a launch succeeds.
     *
     * @return the base wait
     */
    public Duration launchRetryBase() {
        return launchRetryBase;
    }

    /**
     * Returns the longest wait between launch attempts.
     *
     * @return the longest wait
     */
    public Duration launchRetryMax() {
        return launchRetryMax;
    }

    /**
     * Returns how often the group checks for unhealthy instances to replace and applies target tracking.
     *
     * @return the interval
     */
    public Duration reconcileInterval() {
        return reconcileInterval;
    }

    /**
     * Returns how long {@link AvailabilityGroups#startNow} waits for the first instances.
     *
     * @return the timeout
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Returns the listener told of every event from the very first launch on, in the control context.
     *
     * @return the listener
     */
    public Consumer<? super GroupEvent> eventListener() {
        return eventListener;
    }

    /**
     * Returns how instances are started.
     *
     * @return the starter; {@link InstanceStarter#standard()} by default
     */
    public InstanceStarter starter() {
        return starter;
    }

    /** The logger of the group's control logic; tests give one that records (package-private seam). */
    Logger logger() {
        return logger;
    }

    /** Builds {@link GroupOptions}; every setter checks its value at once. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int defaultPort = DEFAULT_PORT;
        private IntSupplier activeConnections = () -> 0;
        private ControlContext context;
        private Duration launchRetryBase = Duration.ofSeconds(DEFAULT_LAUNCH_RETRY_BASE_SECONDS);
        private Duration launchRetryMax = Duration.ofSeconds(DEFAULT_LAUNCH_RETRY_MAX_SECONDS);
        private Duration reconcileInterval = Duration.ofSeconds(DEFAULT_RECONCILE_INTERVAL_SECONDS);
        private Duration startTimeout = Duration.ofSeconds(DEFAULT_START_TIMEOUT_SECONDS);
        private Consumer<? super GroupEvent> eventListener = event -> { };
        private InstanceStarter starter = InstanceStarter.standard();
        private Logger logger = LoggerFactory.getLogger(GroupController.class);

        private Builder() {
        }

        /** Sets the logger of the group's control logic (package-private: a seam for tests). */
        Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * Sets the address instances listen on. Default {@value #DEFAULT_HOST}.
         *
         * @param host an address or host name
         * @return this builder
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            check(!host.isBlank(), "host", '"' + host + '"', "an address or host name");
            this.host = host;
            return this;
        }

        /**
         * Sets the port of instances whose template has none. Default {@value #DEFAULT_PORT}.
         *
         * @param port 0-65535; 0 lets each instance bind an ephemeral port
         * @return this builder
         */
        public Builder defaultPort(int port) {
            check(port >= 0 && port <= 65535, "defaultPort", port,
                    "0-65535, 0 for an ephemeral port chosen by each instance");
            this.defaultPort = port;
            return this;
        }

        /**
         * Sets the source of the active connection count used by target tracking. Default always 0.
         *
         * @param activeConnections returns the group's active connections; must not block
         * @return this builder
         */
        public Builder activeConnections(IntSupplier activeConnections) {
            this.activeConnections = Objects.requireNonNull(activeConnections, "activeConnections");
            return this;
        }

        /**
         * Runs the group in a caller's control context (a load balancer shares its own; a test passes one on a
         * {@code VirtualTimeScheduler}). The caller keeps it: the group never disposes it.
         *
         * @param context the context
         * @return this builder
         */
        public Builder context(ControlContext context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Sets the launch back-off.
         *
         * @param base the wait after a first failed launch, positive
         * @param max the longest wait, at least {@code base}
         * @return this builder
         */
        public Builder launchRetry(Duration base, Duration max) {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(max, "max");
            check(positive(base), "launchRetryBase", base, BOUNDED);
            check(max.compareTo(base) >= 0 && max.compareTo(Durations.MAX_DURATION) <= 0, "launchRetryMax", max,
                    "at least launchRetryBase " + Durations.format(base) + " and at most "
                            + Durations.format(Durations.MAX_DURATION));
            this.launchRetryBase = base;
            this.launchRetryMax = max;
            return this;
        }

        /**
         * Sets the interval between reconcile ticks. Default {@value #DEFAULT_RECONCILE_INTERVAL_SECONDS}s.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder reconcileInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            check(positive(interval), "reconcileInterval", interval, BOUNDED);
            this.reconcileInterval = interval;
            return this;
        }

        /**
         * Sets how long {@link AvailabilityGroups#startNow} waits. Default {@value #DEFAULT_START_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            check(positive(timeout), "startTimeout", timeout, BOUNDED);
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Sets a listener told of every event, from the very first launch on (a subscriber of
         * {@link RunningAvailabilityGroup#events()} only sees the events after it subscribes). It is called in the
         * control context, must not block, and its exceptions are logged and ignored.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder eventListener(Consumer<? super GroupEvent> listener) {
            this.eventListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets how instances are started. Default {@link InstanceStarter#standard()}.
         *
         * @param starter the starter
         * @return this builder
         */
        public Builder starter(InstanceStarter starter) {
            this.starter = Objects.requireNonNull(starter, "starter");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public GroupOptions build() {
            return new GroupOptions(this);
        }

        private static final String BOUNDED = "a positive duration of at most "
                + Durations.format(Durations.MAX_DURATION);

        /** Positive and at most {@link Durations#MAX_DURATION}: whatever is accepted can be scheduled. */
        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero() && d.compareTo(Durations.MAX_DURATION) <= 0;
        }

        private static void check(boolean ok, String name, Object value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": " + (value instanceof Duration d ? Durations.format(d)
                        : String.valueOf(value)) + " (expected: " + expected + ')');
            }
        }
    }
}
