package io.nlb4j.balancer;

import io.nlb4j.group.InstanceStarter;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.scheduler.Scheduler;

/**
 * How a load balancer runs, beyond its specification: threads, transport, timeouts, its control plane's scheduler
 * and clock, and the membership providers it may create. {@link #defaults()} suits most uses; change a copy with
 * {@link #toBuilder()} or start from {@link #builder()}.
 */
public final class LoadBalancerOptions {

    /** Default server connect timeout, in milliseconds (as Envoy's tcp_proxy). */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5000;
    /** Default servers tried per client connection. */
    public static final int DEFAULT_MAX_CONNECT_ATTEMPTS = 3;
    /** Default events buffered per slow subscriber. */
    public static final int DEFAULT_EVENT_BUFFER_SIZE = 1024;
    /** Default time a start may take, in seconds. */
    public static final long DEFAULT_START_TIMEOUT_SECONDS = 30;
    /** Default bind address: every interface. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** The logger of the access log, unless another is set. */
    public static final String ACCESS_LOGGER = "nlb4j.access";
    /** Default address of the admin endpoint: loopback only. */
    public static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1";

    private static final LoadBalancerOptions DEFAULTS = builder().build();

    private final int eventLoopThreads;
    private final SocketTransport transport;
    private final Duration connectTimeout;
    private final int maxConnectAttempts;
    private final int eventBufferSize;
    private final Duration startTimeout;
    private final String bindAddress;
    private final Optional<Scheduler> controlScheduler;
    private final Map<String, MembershipProviderFactory> membershipProviders;
    private final InstanceStarter instanceStarter;
    private final org.slf4j.Logger accessLog;
    private final int adminPort;
    private final String adminAddress;
    private final Optional<String> adminToken;

    private LoadBalancerOptions(Builder b) {
        this.eventLoopThreads = b.eventLoopThreads;
        this.transport = b.transport;
        this.connectTimeout = b.connectTimeout;
        this.maxConnectAttempts = b.maxConnectAttempts;
        this.eventBufferSize = b.eventBufferSize;
        this.startTimeout = b.startTimeout;
        this.bindAddress = b.bindAddress;
        this.controlScheduler = Optional.ofNullable(b.controlScheduler);
        this.membershipProviders = Map.copyOf(b.membershipProviders);
        this.instanceStarter = b.instanceStarter;
        this.accessLog = b.accessLog;
        this.adminPort = b.adminPort;
        this.adminAddress = b.adminAddress;
        this.adminToken = Optional.ofNullable(b.adminToken);
    }

    /**
     * The default options: as many event loops as processors, the fastest socket transport available
     * ({@link SocketTransport#AUTO}), a
     * {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms connect timeout, {@value #DEFAULT_MAX_CONNECT_ATTEMPTS} connect
     * attempts, {@value #DEFAULT_EVENT_BUFFER_SIZE} events per slow subscriber, a
     * {@value #DEFAULT_START_TIMEOUT_SECONDS} s start timeout, listeners bound to {@value #DEFAULT_BIND_ADDRESS},
     * a control thread of its own with {@link System#nanoTime()}, the membership providers found by
     * {@link java.util.ServiceLoader}, the standard instance starter, no access log and no admin endpoint.
     *
     * @return the defaults
     */
    public static LoadBalancerOptions defaults() {
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
        b.eventLoopThreads = eventLoopThreads;
        b.transport = transport;
        b.connectTimeout = connectTimeout;
        b.maxConnectAttempts = maxConnectAttempts;
        b.eventBufferSize = eventBufferSize;
        b.startTimeout = startTimeout;
        b.bindAddress = bindAddress;
        b.controlScheduler = controlScheduler.orElse(null);
        b.membershipProviders.putAll(membershipProviders);
        b.instanceStarter = instanceStarter;
        b.accessLog = accessLog;
        b.adminPort = adminPort;
        b.adminAddress = adminAddress;
        b.adminToken = adminToken.orElse(null);
        return b;
    }

    /**
     * Returns the number of threads forwarding connections.
     *
     * @return the event loop threads
     */
    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    /**
     * Returns the socket transport asked for.
     *
     * @return the transport, {@link SocketTransport#AUTO} by default
     */
    public SocketTransport transport() {
        return transport;
    }

    /**
     * Returns how long connecting to a server may take.
     *
     * @return the timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Returns how many servers are tried for one client connection before it is closed.
     *
     * @return the attempts
     */
    public int maxConnectAttempts() {
        return maxConnectAttempts;
    }

    /**
     * Returns how many events are buffered per slow subscriber before the oldest are dropped.
     *
     * @return the buffer size
     */
    public int eventBufferSize() {
        return eventBufferSize;
    }

    /**
     * Returns how long a start may take: binding, the availability groups' first instances, and every server's
     * first health checks.
     *
     * @return the timeout
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Returns the local address listeners bind to.
     *
     * @return the address
     */
    public String bindAddress() {
        return bindAddress;
    }

    /**
     * Returns the caller's control scheduler, if one was set: see {@link Builder#controlScheduler(Scheduler)}.
     *
     * @return the scheduler
     */
    public Optional<Scheduler> controlScheduler() {
        return controlScheduler;
    }

    /**
     * Returns the membership provider factories registered in code, by type.
     *
     * @return the factories
     */
    public Map<String, MembershipProviderFactory> membershipProviders() {
        return membershipProviders;
    }

    /**
     * Returns how the availability groups' instances are started.
     *
     * @return the starter
     */
    public InstanceStarter instanceStarter() {
        return instanceStarter;
    }

    /**
     * Returns the logger each finished connection is logged to, if the access log is on.
     *
     * @return the logger ({@code nlb4j.access} unless another was set); empty by default
     */
    public Optional<org.slf4j.Logger> accessLog() {
        return Optional.ofNullable(accessLog);
    }

    /**
     * Returns the admin endpoint's port, if it is enabled: {@code 0} for an ephemeral one.
     *
     * @return the port; empty by default (no admin endpoint)
     */
    public java.util.OptionalInt adminPort() {
        return adminPort < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(adminPort);
    }

    /**
     * Returns the local address the admin endpoint binds to.
     *
     * @return {@value #DEFAULT_ADMIN_ADDRESS} by default
     */
    public String adminAddress() {
        return adminAddress;
    }

    /**
     * Returns the bearer token the admin endpoint requires, if one was set.
     *
     * @return the token; empty by default (no token asked for)
     */
    public Optional<String> adminToken() {
        return adminToken;
    }

    /** Builds {@link LoadBalancerOptions}; every setter checks its value at once. */
    public static final class Builder {
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
        private SocketTransport transport = SocketTransport.AUTO;
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
        private int maxConnectAttempts = DEFAULT_MAX_CONNECT_ATTEMPTS;
        private int eventBufferSize = DEFAULT_EVENT_BUFFER_SIZE;
        private Duration startTimeout = Duration.ofSeconds(DEFAULT_START_TIMEOUT_SECONDS);
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private Scheduler controlScheduler;
        private final Map<String, MembershipProviderFactory> membershipProviders = new LinkedHashMap<>();
        private InstanceStarter instanceStarter = InstanceStarter.standard();
        private org.slf4j.Logger accessLog;
        private int adminPort = -1;
        private String adminAddress = DEFAULT_ADMIN_ADDRESS;
        private String adminToken;

        private Builder() {
        }

        /**
         * Logs each finished connection, one line at INFO to the SLF4J logger {@code nlb4j.access}: the accept time,
         * the client's address and port, the listener, the backend service, the server, the bytes each way, the
         * connect time, the duration and how it ended ({@code client_closed}, {@code server_closed},
         * {@code client_reset}, {@code server_reset}, {@code idle_timeout}, {@code drain_deadline}, {@code fault},
         * {@code denied}, {@code over_limit}, {@code no_server}, {@code connect_failed}, {@code loop},
         * {@code bad_proxy_header}, {@code servers_full}). Default off;
         * also off when that logger does not log INFO.
         *
         * @param enabled whether to log
         * @return this builder
         */
        public Builder accessLog(boolean enabled) {
            this.accessLog = enabled ? org.slf4j.LoggerFactory.getLogger(ACCESS_LOGGER) : null;
            return this;
        }

        /**
         * Logs each finished connection to a logger of the application's instead of {@code nlb4j.access}, as
         * {@link #accessLog(boolean)} describes.
         *
         * @param logger the logger
         * @return this builder
         */
        public Builder accessLog(org.slf4j.Logger logger) {
            this.accessLog = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * Serves the admin endpoint on a port of the loopback address: {@code /metrics} (Prometheus text),
         * {@code /api/status} (JSON) and {@code /} (a live status page). Default off.
         *
         * @param port the port, {@code 0} for an ephemeral one
         * @return this builder
         */
        public Builder admin(int port) {
            return admin(DEFAULT_ADMIN_ADDRESS, port);
        }

        /**
         * Serves the admin endpoint on a port of a local address, as {@link #admin(int)} does.
         *
         * @param address the local address, such as {@code 127.0.0.1} or {@code 0.0.0.0}
         * @param port the port, {@code 0} for an ephemeral one
         * @return this builder
         */
        public Builder admin(String address, int port) {
            Objects.requireNonNull(address, "address");
            check(!address.isBlank(), "adminAddress", '"' + address + '"', "an IP address or host name");
            check(port >= 0 && port <= 65535, "adminPort", port, "0 to 65535");
            this.adminAddress = address;
            this.adminPort = port;
            return this;
        }

        /**
         * Requires a bearer token of every admin request ({@code Authorization: Bearer TOKEN}); a request
         * without it gets 401 and no data. Default: none required.
         *
         * @param token the token: printable ASCII without spaces, at least 16 characters
         * @return this builder
         */
        public Builder adminToken(String token) {
            Objects.requireNonNull(token, "token");
            check(token.length() >= 16 && token.chars().allMatch(c -> c > 0x20 && c < 0x7f), "adminToken",
                    "(" + token.length() + " characters, not shown)",
                    "at least 16 printable ASCII characters without spaces");
            this.adminToken = token;
            return this;
        }

        /**
         * Sets the number of threads forwarding connections. Default the number of processors.
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder eventLoopThreads(int threads) {
            check(threads >= 1, "eventLoopThreads", threads, "at least 1");
            this.eventLoopThreads = threads;
            return this;
        }

        /**
         * Sets the socket transport. Default {@link SocketTransport#AUTO}: io_uring, else epoll, else NIO, whichever
         * is available first here. A transport named explicitly that is not available here fails the start with a
         * {@link LoadBalancerStartException} that says why.
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(SocketTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets how long connecting to a server may take. Default {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms.
         *
         * @param timeout a positive duration of at most {@code Integer.MAX_VALUE} milliseconds
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            check(positive(timeout) && timeout.toMillis() <= Integer.MAX_VALUE, "connectTimeout", timeout,
                    "a positive duration of at most " + Integer.MAX_VALUE + " ms");
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets how many servers are tried per client connection. Default {@value #DEFAULT_MAX_CONNECT_ATTEMPTS}.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxConnectAttempts(int attempts) {
            check(attempts >= 1, "maxConnectAttempts", attempts, "at least 1");
            this.maxConnectAttempts = attempts;
            return this;
        }

        /**
         * Sets how many events are buffered per slow subscriber. Default {@value #DEFAULT_EVENT_BUFFER_SIZE}.
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder eventBufferSize(int size) {
            check(size >= 1, "eventBufferSize", size, "at least 1");
            this.eventBufferSize = size;
            return this;
        }

        /**
         * Sets how long a start may take. Default {@value #DEFAULT_START_TIMEOUT_SECONDS} s.
         *
         * @param timeout a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            check(positive(timeout) && timeout.compareTo(Durations.MAX_DURATION) <= 0, "startTimeout", timeout,
                    "a positive duration of at most " + Durations.format(Durations.MAX_DURATION));
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Sets the local address listeners bind to. Default {@value #DEFAULT_BIND_ADDRESS} (every interface); tests
         * usually bind {@code 127.0.0.1}.
         *
         * @param address an IP address or host name
         * @return this builder
         */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "address");
            check(!address.isBlank(), "bindAddress", '"' + address + '"', "an IP address or host name");
            this.bindAddress = address;
            return this;
        }

        /**
         * Runs the control plane on a caller's scheduler and reads time from its {@code now()}: every delay,
         * deadline and time-based decision (draining timeouts, idle timeouts, session persistence, ejections,
         * the start and stop deadlines, the availability groups' back-off and cooldowns) is measured on it. Tests
         * pass a {@code VirtualTimeScheduler} and drive time, with its scheduling and advancing under one lock (see
         * {@link io.nlb4j.control.ControlContext#on(String, Scheduler)}: event loops submit tasks while the test
         * advances it). The caller keeps the scheduler. Default: a control thread of the load balancer's own, with
         * {@link System#nanoTime()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder controlScheduler(Scheduler scheduler) {
            this.controlScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Registers a membership provider type: a backend service with
         * {@code servers: {provider: {type: TYPE, properties: ...}}} gets its provider from this factory, before any
         * found by {@link java.util.ServiceLoader}. The load balancer closes the providers it creates when it stops;
         * resources the factory's providers were given by the caller (such as a client) stay the caller's.
         *
         * @param factory the factory; its {@link MembershipProviderFactory#type()} is the type
         * @return this builder
         */
        public Builder membershipProvider(MembershipProviderFactory factory) {
            Objects.requireNonNull(factory, "factory");
            membershipProviders.put(Objects.requireNonNull(factory.type(), "factory.type()"), factory);
            return this;
        }

        /**
         * Sets how the availability groups' instances are started. Default {@link InstanceStarter#standard()}.
         *
         * @param starter the starter
         * @return this builder
         */
        public Builder instanceStarter(InstanceStarter starter) {
            this.instanceStarter = Objects.requireNonNull(starter, "starter");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public LoadBalancerOptions build() {
            return new LoadBalancerOptions(this);
        }

        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero();
        }

        private static void check(boolean ok, String name, Object value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": " + (value instanceof Duration d ? Durations.format(d)
                        : String.valueOf(value)) + " (expected: " + expected + ')');
            }
        }
    }
}
