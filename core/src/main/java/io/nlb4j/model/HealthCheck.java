package io.nlb4j.model;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a backend service checks its servers: one of four kinds.
 *
 * <ul>
 *   <li>{@link Tcp} ({@link #tcp()}): a TCP connect that succeeds within the timeout;</li>
 *   <li>{@link Http} ({@link #http(String)}): an HTTP/1.1 GET whose status must be one of the expected codes;</li>
 *   <li>{@link SendExpect} ({@link #sendExpect(String, String)}): a payload sent, a reply prefix expected;</li>
 *   <li>{@link None} ({@link #none()}): no active checking, every server counts as healthy.</li>
 * </ul>
 *
 * <p>The first three are {@link Active} checks: a server becomes healthy after {@code healthyThreshold}
 * consecutive successes and unhealthy after {@code unhealthyThreshold} consecutive failures. Defaults follow
 * the seed cloud: interval {@value #DEFAULT_INTERVAL_SECONDS}s, timeout {@value #DEFAULT_TIMEOUT_SECONDS}s,
 * thresholds {@value #DEFAULT_HEALTHY_THRESHOLD}/{@value #DEFAULT_UNHEALTHY_THRESHOLD}, the traffic port,
 * HTTP codes {@code 2xx} and {@code 3xx}. Every kind carries passive checking ({@link OutlierDetection}).
 */
public abstract sealed class HealthCheck permits HealthCheck.Active, HealthCheck.None {

    /** Default interval, in seconds. */
    public static final long DEFAULT_INTERVAL_SECONDS = 5;
    /** Default probe timeout, in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 3;
    /** Default consecutive successes to become healthy. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 3;
    /** Default consecutive failures to become unhealthy. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /**
     * The largest healthy or unhealthy threshold: {@value} consecutive probes (the seed cloud takes 1-5), so that
     * a threshold times the interval stays a duration the runtime can count.
     */
    public static final int MAX_THRESHOLD = 100;
    /** Default HTTP request path. */
    public static final String DEFAULT_PATH = "/";
    /** Default HTTP success codes. */
    public static final List<String> DEFAULT_EXPECTED_STATUSES = List.of("2xx", "3xx");

    /** The kind of check, as written in files ({@code type: HTTP}). */
    public enum Type {
        /** A TCP connect that succeeds within the timeout. */
        TCP,
        /** An HTTP/1.1 GET answered with an expected status code. */
        HTTP,
        /** A payload sent after connecting, answered with an expected prefix. */
        SEND_EXPECT,
        /** No probing: every server counts as healthy. */
        NONE
    }

    /** What a service does when none of its servers is healthy. */
    public enum AllUnhealthy {
        /** Refuse new connections: clients are closed at once. The default. */
        REFUSE,
        /** Fail open: spread new connections over all servers that are not leaving, as AWS NLB does. */
        FAIL_OPEN
    }

    /** What happens to the open connections of a server that turns unhealthy. */
    public enum UnhealthyConnections {
        /** They continue until they close; only new connections avoid the server. The default. */
        KEEP,
        /** They are closed at once. */
        CLOSE
    }

    private static final None NONE = new None.Builder().make();
    private static final Tcp DEFAULTS = new Tcp.Builder().make();

    private final OutlierDetection outlierDetection;

    HealthCheck(Builder<?> b) {
        this.outlierDetection = b.outlierDetection == null ? OutlierDetection.defaults() : b.outlierDetection.make();
    }

    /**
     * A TCP connect check.
     *
     * @return a builder
     */
    public static Tcp.Builder tcp() {
        return new Tcp.Builder();
    }

    /**
     * An HTTP GET check of a path.
     *
     * @param path the request path, such as {@code /health}; {@code null} for {@value #DEFAULT_PATH}
     * @return a builder
     */
    public static Http.Builder http(String path) {
        return new Http.Builder().path(path);
    }

    /**
     * A send/expect check: {@code send} is written after connecting and the reply must start with
     * {@code expect}.
     *
     * @param send the text to send (UTF-8), may be empty to only read a greeting; {@code null} (not set) is
     *        reported when the check is built
     * @param expect the expected reply prefix (UTF-8), not empty; {@code null} (not set) is reported when the
     *        check is built
     * @return a builder
     */
    public static SendExpect.Builder sendExpect(String send, String expect) {
        return new SendExpect.Builder().send(send).expect(expect);
    }

    /**
     * No active checking, with the default passive checking.
     *
     * @return the health check
     */
    public static None none() {
        return NONE;
    }

    /**
     * No active checking, with the given passive checking: {@code none(OutlierDetection.off())} turns every
     * kind of checking off, as tests often want.
     *
     * @param outlierDetection passive checking
     * @return the health check
     */
    public static None none(OutlierDetection outlierDetection) {
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        return new None.Builder().outlierDetection(outlierDetection).make();
    }

    /**
     * The default health check: a TCP connect with the default interval, timeout and thresholds.
     *
     * @return the health check
     */
    public static Tcp defaults() {
        return DEFAULTS;
    }

    /**
     * Returns the kind of check.
     *
     * @return the type
     */
    public abstract Type type();

    /**
     * Returns passive health checking.
     *
     * @return the setting; {@link OutlierDetection#defaults()} by default
     */
    public OutlierDetection outlierDetection() {
        return outlierDetection;
    }

    /**
     * Returns a builder holding this check's values.
     *
     * @return a builder of the same kind
     */
    public abstract Builder<?> toBuilder();

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthCheck h && getClass() == h.getClass() && outlierDetection.equals(h.outlierDetection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type(), outlierDetection);
    }

    /** A check that probes each server every {@code interval}: TCP, HTTP or send/expect. */
    public abstract static sealed class Active extends HealthCheck permits Tcp, Http, SendExpect {
        private final OptionalInt port;
        private final Duration interval;
        private final Duration timeout;
        private final int healthyThreshold;
        private final int unhealthyThreshold;
        private final AllUnhealthy allUnhealthy;
        private final UnhealthyConnections unhealthyConnections;
        private final boolean proxyProtocol;

        Active(Builder<?> b) {
            super(b);
            this.port = b.port == null ? OptionalInt.empty() : OptionalInt.of(b.port);
            this.interval = b.interval();
            this.timeout = b.timeout();
            this.healthyThreshold = b.healthyThreshold();
            this.unhealthyThreshold = b.unhealthyThreshold();
            this.allUnhealthy = b.allUnhealthy;
            this.unhealthyConnections = b.unhealthyConnections;
            this.proxyProtocol = b.proxyProtocol;
        }

        /**
         * Returns the port probed.
         *
         * @return the port; empty means each server's traffic port
         */
        public OptionalInt port() {
            return port;
        }

        /**
         * Returns the time between probes of one server.
         *
         * @return the interval; {@value #DEFAULT_INTERVAL_SECONDS}s by default
         */
        public Duration interval() {
            return interval;
        }

        /**
         * Returns how long one probe may take; less than the interval.
         *
         * @return the timeout; {@value #DEFAULT_TIMEOUT_SECONDS}s by default
         */
        public Duration timeout() {
            return timeout;
        }

        /**
         * Returns the consecutive successes that make an unhealthy server healthy.
         *
         * @return at least 1; {@value #DEFAULT_HEALTHY_THRESHOLD} by default
         */
        public int healthyThreshold() {
            return healthyThreshold;
        }

        /**
         * Returns the consecutive failures that make a server unhealthy.
         *
         * @return at least 1; {@value #DEFAULT_UNHEALTHY_THRESHOLD} by default
         */
        public int unhealthyThreshold() {
            return unhealthyThreshold;
        }

        /**
         * Returns what happens when no server of the service is healthy.
         *
         * @return the policy; {@link AllUnhealthy#REFUSE} by default
         */
        public AllUnhealthy allUnhealthy() {
            return allUnhealthy;
        }

        /**
         * Returns what happens to the open connections of a server that turns unhealthy.
         *
         * @return the policy; {@link UnhealthyConnections#KEEP} by default
         */
        public UnhealthyConnections unhealthyConnections() {
            return unhealthyConnections;
        }

        /**
         * Returns whether each probe's connection begins with a PROXY protocol header, in the backend service's
         * version ({@code BackendService.proxyProtocol}), for servers that require one on every connection.
         *
         * @return {@code false} by default
         */
        public boolean proxyProtocol() {
            return proxyProtocol;
        }

        void copyTo(Builder<?> b) {
            b.proxyProtocol(proxyProtocol);
            port.ifPresent(b::port);
            b.interval(interval).timeout(timeout).healthyThreshold(healthyThreshold)
                    .unhealthyThreshold(unhealthyThreshold).allUnhealthy(allUnhealthy)
                    .unhealthyConnections(unhealthyConnections).outlierDetection(outlierDetection());
        }

        @Override
        public boolean equals(Object o) {
            return super.equals(o) && o instanceof Active a && port.equals(a.port) && interval.equals(a.interval)
                    && timeout.equals(a.timeout) && healthyThreshold == a.healthyThreshold
                    && unhealthyThreshold == a.unhealthyThreshold && allUnhealthy == a.allUnhealthy
                    && unhealthyConnections == a.unhealthyConnections && proxyProtocol == a.proxyProtocol;
        }

        @Override
        public int hashCode() {
            return Objects.hash(super.hashCode(), port, interval, timeout, healthyThreshold, unhealthyThreshold,
                    allUnhealthy, unhealthyConnections, proxyProtocol);
        }

        String common() {
            return "every " + Durations.format(interval) + ", timeout " + Durations.format(timeout) + ", "
                    + healthyThreshold + '/' + unhealthyThreshold + (port.isPresent() ? ", port " + port.getAsInt() : "");
        }

        /**
         * The settings every active check has.
         *
         * @param <B> the concrete builder
         */
        public abstract static sealed class Builder<B extends Builder<B>> extends HealthCheck.Builder<B>
                permits Tcp.Builder, Http.Builder, SendExpect.Builder {
            Integer port;
            Duration interval;
            Duration timeout;
            Integer healthyThreshold;
            Integer unhealthyThreshold;
            AllUnhealthy allUnhealthy = AllUnhealthy.REFUSE;
            UnhealthyConnections unhealthyConnections = UnhealthyConnections.KEEP;
            boolean proxyProtocol;

            Builder() {
            }

            /**
             * Sends a PROXY protocol header at the start of each probe's connection, in the backend service's version
             * (its own addresses: the probe is the load balancer's). Default {@code false}; the backend service must
             * send one ({@code proxyProtocol} V1 or V2).
             *
             * @param send whether to send it
             * @return this builder
             */
            public B proxyProtocol(boolean send) {
                this.proxyProtocol = send;
                return self();
            }

            /**
             * Sets the port to probe instead of each server's traffic port.
             *
             * @param port 1-65535
             * @return this builder
             */
            public B port(int port) {
                this.port = port;
                return self();
            }

            /**
             * Sets the time between probes of one server. Default {@value #DEFAULT_INTERVAL_SECONDS}s.
             *
             * @param interval a positive duration, at most {@link Durations#MAX_DURATION}
             * @return this builder
             */
            public B interval(Duration interval) {
                this.interval = Objects.requireNonNull(interval, "interval");
                return self();
            }

            /**
             * Sets how long one probe may take. Default {@value #DEFAULT_TIMEOUT_SECONDS}s; must be less than
             * the interval.
             *
             * @param timeout a positive duration, less than the interval
             * @return this builder
             */
            public B timeout(Duration timeout) {
                this.timeout = Objects.requireNonNull(timeout, "timeout");
                return self();
            }

            /**
             * Sets the consecutive successes that make a server healthy. Default
             * {@value #DEFAULT_HEALTHY_THRESHOLD}.
             *
             * @param threshold 1-{@value #MAX_THRESHOLD}
             * @return this builder
             */
            public B healthyThreshold(int threshold) {
                this.healthyThreshold = threshold;
                return self();
            }

            /**
             * Sets the consecutive failures that make a server unhealthy. Default
             * {@value #DEFAULT_UNHEALTHY_THRESHOLD}.
             *
             * @param threshold 1-{@value #MAX_THRESHOLD}
             * @return this builder
             */
            public B unhealthyThreshold(int threshold) {
                this.unhealthyThreshold = threshold;
                return self();
            }

            /**
             * Sets what happens when no server is healthy. Default {@link AllUnhealthy#REFUSE}.
             *
             * @param policy refuse or fail open
             * @return this builder
             */
            public B allUnhealthy(AllUnhealthy policy) {
                this.allUnhealthy = Objects.requireNonNull(policy, "policy");
                return self();
            }

            /**
             * Sets what happens to open connections of a server that turns unhealthy. Default
             * {@link UnhealthyConnections#KEEP}.
             *
             * @param policy keep or close
             * @return this builder
             */
            public B unhealthyConnections(UnhealthyConnections policy) {
                this.unhealthyConnections = Objects.requireNonNull(policy, "policy");
                return self();
            }

            Duration interval() {
                return interval == null ? Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS) : interval;
            }

            Duration timeout() {
                return timeout == null ? Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS) : timeout;
            }

            int healthyThreshold() {
                return healthyThreshold == null ? DEFAULT_HEALTHY_THRESHOLD : healthyThreshold;
            }

            int unhealthyThreshold() {
                return unhealthyThreshold == null ? DEFAULT_UNHEALTHY_THRESHOLD : unhealthyThreshold;
            }

            void copyActiveTo(Builder<?> b) {
                copyCommonTo(b);
                b.port = port;
                b.interval = interval;
                b.timeout = timeout;
                b.healthyThreshold = healthyThreshold;
                b.unhealthyThreshold = unhealthyThreshold;
                b.allUnhealthy = allUnhealthy;
                b.unhealthyConnections = unhealthyConnections;
                b.proxyProtocol = proxyProtocol;
            }
        }
    }

    /** A TCP connect that succeeds within the timeout. */
    public static final class Tcp extends Active {

        Tcp(Builder b) {
            super(b);
        }

        @Override
        public Type type() {
            return Type.TCP;
        }

        @Override
        public Builder toBuilder() {
            Builder b = new Builder();
            copyTo(b);
            return b;
        }

        @Override
        public String toString() {
            return "TCP(" + common() + ')';
        }

        /** Builds a {@link Tcp} check. */
        public static final class Builder extends Active.Builder<Builder> {
            Builder() {
            }

            @Override
            Type type() {
                return Type.TCP;
            }

            @Override
            public Tcp build() {
                return (Tcp) super.build();
            }

            @Override
            Tcp make() {
                return new Tcp(this);
            }

            @Override
            Builder copy() {
                Builder b = new Builder();
                copyActiveTo(b);
                return b;
            }
        }
    }

    /** An HTTP/1.1 GET answered with an expected status, and optionally a body containing a text. */
    public static final class Http extends Active {
        private final String path;
        private final Optional<String> host;
        private final List<String> expectedStatuses;
        private final Optional<String> expectBody;

        Http(Builder b) {
            super(b);
            this.path = b.path == null ? DEFAULT_PATH : b.path;
            this.host = Optional.ofNullable(b.host);
            this.expectedStatuses = b.expectedStatuses == null || b.expectedStatuses.isEmpty()
                    ? DEFAULT_EXPECTED_STATUSES : List.copyOf(b.expectedStatuses);
            this.expectBody = Optional.ofNullable(b.expectBody);
        }

        @Override
        public Type type() {
            return Type.HTTP;
        }

        /**
         * Returns the request path.
         *
         * @return a path starting with {@code /}; {@value #DEFAULT_PATH} by default
         */
        public String path() {
            return path;
        }

        /**
         * Returns the {@code Host} header sent.
         *
         * @return the host; empty means the server's address
         */
        public Optional<String> host() {
            return host;
        }

        /**
         * Returns the accepted status codes.
         *
         * @return codes such as {@code 200}, {@code 2xx} or {@code 200-299}; {@code 2xx} and {@code 3xx} by default
         */
        public List<String> expectedStatuses() {
            return expectedStatuses;
        }

        /**
         * Returns the text the response body must contain, if any.
         *
         * @return the text (UTF-8)
         */
        public Optional<String> expectBody() {
            return expectBody;
        }

        @Override
        public Builder toBuilder() {
            Builder b = new Builder().path(path).expectedStatuses(expectedStatuses);
            host.ifPresent(b::host);
            expectBody.ifPresent(b::expectBody);
            copyTo(b);
            return b;
        }

        @Override
        public boolean equals(Object o) {
            return super.equals(o) && o instanceof Http h && path.equals(h.path) && host.equals(h.host)
                    && expectedStatuses.equals(h.expectedStatuses) && expectBody.equals(h.expectBody);
        }

        @Override
        public int hashCode() {
            return Objects.hash(super.hashCode(), path, host, expectedStatuses, expectBody);
        }

        @Override
        public String toString() {
            return "HTTP(GET " + path + ' ' + expectedStatuses + ", " + common() + ')';
        }

        /** Builds an {@link Http} check. */
        public static final class Builder extends Active.Builder<Builder> {
            String path;
            String host;
            List<String> expectedStatuses;
            String expectBody;

            Builder() {
            }

            /**
             * Sets the request path. Default {@value #DEFAULT_PATH}.
             *
             * @param path a path starting with {@code /}, without spaces or control characters (percent-encode
             *        them); {@code null} for {@value #DEFAULT_PATH}
             * @return this builder
             */
            public Builder path(String path) {
                this.path = path;
                return this;
            }

            /**
             * Sets the {@code Host} header. Default the server's address.
             *
             * @param host the host name, without spaces or control characters; {@code null} for the server's address
             * @return this builder
             */
            public Builder host(String host) {
                this.host = host;
                return this;
            }

            /**
             * Sets the accepted status codes, each {@code 200}, {@code 2xx} or {@code 200-299}. Default
             * {@code 2xx} and {@code 3xx}.
             *
             * @param statuses the accepted codes; a {@code null} element is reported when the check is built
             * @return this builder
             */
            public Builder expectedStatuses(String... statuses) {
                return expectedStatuses(Arrays.asList(Objects.requireNonNull(statuses, "statuses")));
            }

            /**
             * Sets the accepted status codes.
             *
             * @param statuses the accepted codes; none for the default; a {@code null} element is reported when the
             *        check is built
             * @return this builder
             */
            public Builder expectedStatuses(List<String> statuses) {
                this.expectedStatuses = Lists.copy(Objects.requireNonNull(statuses, "statuses"));
                return this;
            }

            /**
             * Requires the response body to contain a text.
             *
             * @param text the expected text (UTF-8), not empty; {@code null} for none
             * @return this builder
             */
            public Builder expectBody(String text) {
                this.expectBody = text;
                return this;
            }

            @Override
            Type type() {
                return Type.HTTP;
            }

            @Override
            public Http build() {
                return (Http) super.build();
            }

            @Override
            Http make() {
                return new Http(this);
            }

            @Override
            Builder copy() {
                Builder b = new Builder();
                copyActiveTo(b);
                b.path = path;
                b.host = host;
                b.expectedStatuses = expectedStatuses;
                b.expectBody = expectBody;
                return b;
            }
        }
    }

    /** A payload sent after connecting, answered with a reply that starts with an expected prefix. */
    public static final class SendExpect extends Active {
        private final String send;
        private final String expect;

        SendExpect(Builder b) {
            super(b);
            this.send = b.send;
            this.expect = b.expect;
        }

        @Override
        public Type type() {
            return Type.SEND_EXPECT;
        }

        /**
         * Returns the text sent after connecting.
         *
         * @return the text (UTF-8), possibly empty
         */
        public String send() {
            return send;
        }

        /**
         * Returns the prefix the reply must start with.
         *
         * @return the prefix (UTF-8), not empty
         */
        public String expect() {
            return expect;
        }

        @Override
        public Builder toBuilder() {
            Builder b = new Builder().send(send).expect(expect);
            copyTo(b);
            return b;
        }

        @Override
        public boolean equals(Object o) {
            return super.equals(o) && o instanceof SendExpect s && send.equals(s.send) && expect.equals(s.expect);
        }

        @Override
        public int hashCode() {
            return Objects.hash(super.hashCode(), send, expect);
        }

        @Override
        public String toString() {
            return "SEND_EXPECT(" + common() + ')';
        }

        /** Builds a {@link SendExpect} check. */
        public static final class Builder extends Active.Builder<Builder> {
            String send;
            String expect;

            Builder() {
            }

            /**
             * Sets the text sent after connecting. Required; may be empty.
             *
             * @param send the text (UTF-8); {@code null} (not set) is reported when the check is built
             * @return this builder
             */
            public Builder send(String send) {
                this.send = send;
                return this;
            }

            /**
             * Sets the prefix the reply must start with. Required.
             *
             * @param expect the prefix (UTF-8), not empty; {@code null} (not set) is reported when the check is built
             * @return this builder
             */
            public Builder expect(String expect) {
                this.expect = expect;
                return this;
            }

            @Override
            Type type() {
                return Type.SEND_EXPECT;
            }

            @Override
            public SendExpect build() {
                return (SendExpect) super.build();
            }

            @Override
            SendExpect make() {
                return new SendExpect(this);
            }

            @Override
            Builder copy() {
                Builder b = new Builder();
                copyActiveTo(b);
                b.send = send;
                b.expect = expect;
                return b;
            }
        }
    }

    /** No active checking: every server counts as healthy (passive checking may still eject one). */
    public static final class None extends HealthCheck {

        None(Builder b) {
            super(b);
        }

        @Override
        public Type type() {
            return Type.NONE;
        }

        @Override
        public Builder toBuilder() {
            return new Builder().outlierDetection(outlierDetection());
        }

        @Override
        public String toString() {
            return "NONE(" + outlierDetection() + ')';
        }

        /**
         * Starts building a check without active probing.
         *
         * @return a builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds a {@link None} check. */
        public static final class Builder extends HealthCheck.Builder<Builder> {
            Builder() {
            }

            @Override
            Type type() {
                return Type.NONE;
            }

            @Override
            public None build() {
                return (None) super.build();
            }

            @Override
            None make() {
                return new None(this);
            }

            @Override
            Builder copy() {
                Builder b = new Builder();
                copyCommonTo(b);
                return b;
            }
        }
    }

    /**
     * What every kind of check's builder has: passive checking.
     *
     * @param <B> the concrete builder
     */
    public abstract static sealed class Builder<B extends Builder<B>> permits Active.Builder, None.Builder {
        OutlierDetection.Builder outlierDetection;

        Builder() {
        }

        /**
         * Sets passive health checking. Default on, with {@link OutlierDetection#defaults()}.
         *
         * @param detection the setting, or {@link OutlierDetection#off()}
         * @return this builder
         */
        public B outlierDetection(OutlierDetection detection) {
            this.outlierDetection = Objects.requireNonNull(detection, "detection").toBuilder();
            return self();
        }

        /**
         * Sets passive health checking from a builder; it is validated with this check.
         *
         * @param detection the setting's builder
         * @return this builder
         */
        public B outlierDetection(OutlierDetection.Builder detection) {
            this.outlierDetection = Objects.requireNonNull(detection, "detection").copy();
            return self();
        }

        abstract Type type();

        abstract HealthCheck make();

        abstract Builder<?> copy();

        void copyCommonTo(Builder<?> b) {
            b.outlierDetection = outlierDetection == null ? null : outlierDetection.copy();
        }

        /**
         * Builds and validates the check.
         *
         * @return the check
         * @throws SpecValidationException listing every violation
         */
        public HealthCheck build() {
            SpecValidator.throwIfInvalid("health check", v -> v.healthCheck("", this));
            return make();
        }

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }
    }
}
