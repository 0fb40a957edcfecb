package io.nlb4j.model;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a backend service probes its servers.
 *
 * <p>Kinds: a TCP connect ({@link #tcp()}), an HTTP/1.1 GET whose status must be one of the expected
 * codes ({@link #http(String)}), a payload sent and a reply prefix expected ({@link #sendExpect(String, String)}),
 * or no checking at all ({@link #none()}: every server is always healthy). A server becomes healthy after
 * {@code healthyThreshold} consecutive successes and unhealthy after {@code unhealthyThreshold}
 * consecutive failures. Defaults follow the seed cloud: interval {@value #DEFAULT_INTERVAL_SECONDS}s,
 * timeout {@value #DEFAULT_TIMEOUT_SECONDS}s, thresholds {@value #DEFAULT_HEALTHY_THRESHOLD}/{@value
 * #DEFAULT_UNHEALTHY_THRESHOLD}, the traffic port, HTTP codes {@code 2xx} and {@code 3xx}.
 *
 * @param type the kind of probe
 * @param port the port to probe; absent means each server's traffic port
 * @param interval time between probes of one server
 * @param timeout how long one probe may take; less than {@code interval}
 * @param healthyThreshold consecutive successes that make a server healthy, at least 1
 * @param unhealthyThreshold consecutive failures that make a server unhealthy, at least 1
 * @param path HTTP only: the request path, default {@value #DEFAULT_PATH}
 * @param host HTTP only: the {@code Host} header; absent means the server's address
 * @param expectedStatuses HTTP only: accepted status codes, each {@code 200}, {@code 2xx} or {@code 200-299}
 * @param send send/expect only: the text sent after connecting (UTF-8)
 * @param expect send/expect: the prefix the reply must start with; HTTP: text the response body must
 *        contain (UTF-8)
 * @param allUnhealthy what happens when no server of the service is healthy; default
 *        {@link AllUnhealthy#REFUSE}
 * @param unhealthyConnections what happens to the open connections of a server that turns unhealthy;
 *        default {@link UnhealthyConnections#KEEP}
 * @param outlierDetection passive health checking; default on ({@link OutlierDetection#defaults()})
 */
public record HealthCheck(Type type, Optional<Integer> port, Duration interval, Duration timeout,
                          Integer healthyThreshold, Integer unhealthyThreshold, Optional<String> path,
                          Optional<String> host, List<String> expectedStatuses, Optional<String> send,
                          Optional<String> expect, AllUnhealthy allUnhealthy, UnhealthyConnections unhealthyConnections,
                          OutlierDetection outlierDetection) {

    /** Default interval, in seconds. */
    public static final long DEFAULT_INTERVAL_SECONDS = 5;
    /** Default probe timeout, in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 3;
    /** Default consecutive successes to become healthy. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 3;
    /** Default consecutive failures to become unhealthy. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Default HTTP request path. */
    public static final String DEFAULT_PATH = "/";
    /** Default HTTP success codes. */
    public static final List<String> DEFAULT_EXPECTED_STATUSES = List.of("2xx", "3xx");

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

    /** The kind of probe. */
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

    /**
     * Creates a health check; absent values take the defaults stated on this class.
     */
    public HealthCheck {
        type = type == null ? Type.TCP : type;
        port = port == null ? Optional.empty() : port;
        interval = interval == null ? Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS) : interval;
        timeout = timeout == null ? Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS) : timeout;
        healthyThreshold = healthyThreshold == null ? DEFAULT_HEALTHY_THRESHOLD : healthyThreshold;
        unhealthyThreshold = unhealthyThreshold == null ? DEFAULT_UNHEALTHY_THRESHOLD : unhealthyThreshold;
        host = host == null ? Optional.empty() : host;
        if (type == Type.HTTP) {
            path = path == null || path.isEmpty() ? Optional.of(DEFAULT_PATH) : path;
            expectedStatuses = expectedStatuses == null || expectedStatuses.isEmpty()
                    ? DEFAULT_EXPECTED_STATUSES : Lists.copy(expectedStatuses);
        } else {
            path = path == null ? Optional.empty() : path;
            expectedStatuses = Lists.copy(expectedStatuses);
        }
        send = send == null ? Optional.empty() : send;
        expect = expect == null ? Optional.empty() : expect;
        allUnhealthy = allUnhealthy == null ? AllUnhealthy.REFUSE : allUnhealthy;
        unhealthyConnections = unhealthyConnections == null ? UnhealthyConnections.KEEP : unhealthyConnections;
        outlierDetection = outlierDetection == null ? OutlierDetection.defaults() : outlierDetection;
    }

    /**
     * Creates a health check with the default unhealthy policies and outlier detection.
     *
     * @param type the kind of probe
     * @param port the port to probe
     * @param interval time between probes
     * @param timeout probe timeout
     * @param healthyThreshold consecutive successes to become healthy
     * @param unhealthyThreshold consecutive failures to become unhealthy
     * @param path HTTP path
     * @param host HTTP Host header
     * @param expectedStatuses HTTP success codes
     * @param send send/expect payload
     * @param expect expected reply prefix or body text
     */
    public HealthCheck(Type type, Optional<Integer> port, Duration interval, Duration timeout, Integer healthyThreshold,
                       Integer unhealthyThreshold, Optional<String> path, Optional<String> host,
                       List<String> expectedStatuses, Optional<String> send, Optional<String> expect) {
        this(type, port, interval, timeout, healthyThreshold, unhealthyThreshold, path, host, expectedStatuses, send,
                expect, null, null, null);
    }

    /**
     * A TCP connect check with the default settings.
     *
     * @return a builder
     */
    public static Builder tcp() {
        return new Builder(Type.TCP);
    }

    /**
     * An HTTP GET check of a path.
     *
     * @param path the request path, such as {@code /health}
     * @return a builder
     */
    public static Builder http(String path) {
        return new Builder(Type.HTTP).path(path);
    }

    /**
     * A send/expect check: {@code send} is written after connecting and the reply must start with
     * {@code expect}.
     *
     * @param send the text to send (UTF-8), may be empty to only read a greeting
     * @param expect the expected reply prefix (UTF-8)
     * @return a builder
     */
    public static Builder sendExpect(String send, String expect) {
        Builder b = new Builder(Type.SEND_EXPECT);
        b.send = Objects.requireNonNull(send, "send");
        b.expect = Objects.requireNonNull(expect, "expect");
        return b;
    }

    /**
     * No health checking: every server is always healthy. Useful in tests.
     *
     * @return the health check
     */
    public static HealthCheck none() {
        return new Builder(Type.NONE).unvalidated();
    }

    /**
     * No active checking, with the given passive checking: useful in tests that want neither.
     *
     * @param outlierDetection passive checking, such as {@link OutlierDetection#off()}
     * @return the health check
     */
    public static HealthCheck none(OutlierDetection outlierDetection) {
        return new Builder(Type.NONE).outlierDetection(outlierDetection).unvalidated();
    }

    /**
     * The default health check: a TCP connect with the default interval, timeout and thresholds.
     *
     * @return the health check
     */
    public static HealthCheck defaults() {
        return tcp().unvalidated();
    }

    /** Builds a {@link HealthCheck}. */
    public static final class Builder {
        private final Type type;
        private Integer port;
        private Duration interval;
        private Duration timeout;
        private Integer healthyThreshold;
        private Integer unhealthyThreshold;
        private String path;
        private String host;
        private List<String> expectedStatuses;
        private String send;
        private String expect;
        private AllUnhealthy allUnhealthy;
        private UnhealthyConnections unhealthyConnections;
        private OutlierDetection outlierDetection;

        private Builder(Type type) {
            this.type = type;
        }

        /**
         * Sets the port to probe instead of each server's traffic port.
         *
         * @param port 1-65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the time between probes of one server. Default {@value #DEFAULT_INTERVAL_SECONDS}s.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Sets how long one probe may take. Default {@value #DEFAULT_TIMEOUT_SECONDS}s; must be less than the interval.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the consecutive successes that make a server healthy. Default {@value #DEFAULT_HEALTHY_THRESHOLD}.
         *
         * @param threshold at least 1
         * @return this builder
         */
        public Builder healthyThreshold(int threshold) {
            this.healthyThreshold = threshold;
            return this;
        }

        /**
         * Sets the consecutive failures that make a server unhealthy. Default {@value #DEFAULT_UNHEALTHY_THRESHOLD}.
         *
         * @param threshold at least 1
         * @return this builder
         */
        public Builder unhealthyThreshold(int threshold) {
            this.unhealthyThreshold = threshold;
            return this;
        }

        /**
         * HTTP only: sets the request path.
         *
         * @param path a path starting with {@code /}
         * @return this builder
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * HTTP only: sets the {@code Host} header.
         *
         * @param host the host name
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * HTTP only: sets the accepted status codes, each {@code 200}, {@code 2xx} or {@code 200-299}.
         * Default {@code 2xx} and {@code 3xx}.
         *
         * @param statuses the accepted codes
         * @return this builder
         */
        public Builder expectedStatuses(String... statuses) {
            this.expectedStatuses = Arrays.asList(statuses);
            return this;
        }

        /**
         * HTTP only: requires the response body to contain a text.
         *
         * @param text the expected text (UTF-8)
         * @return this builder
         */
        public Builder expectBody(String text) {
            this.expect = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Sets what happens when no server is healthy. Default {@link AllUnhealthy#REFUSE}.
         *
         * @param policy refuse or fail open
         * @return this builder
         */
        public Builder allUnhealthy(AllUnhealthy policy) {
            this.allUnhealthy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets what happens to open connections of a server that turns unhealthy. Default
         * {@link UnhealthyConnections#KEEP}.
         *
         * @param policy keep or close
         * @return this builder
         */
        public Builder unhealthyConnections(UnhealthyConnections policy) {
            this.unhealthyConnections = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets passive health checking. Default on, with {@link OutlierDetection#defaults()}.
         *
         * @param detection the setting, or {@link OutlierDetection#off()}
         * @return this builder
         */
        public Builder outlierDetection(OutlierDetection detection) {
            this.outlierDetection = Objects.requireNonNull(detection, "detection");
            return this;
        }

        /**
         * Builds and validates the health check.
         *
         * @return the health check
         * @throws SpecValidationException listing every violation
         */
        public HealthCheck build() {
            HealthCheck hc = unvalidated();
            SpecValidator.throwIfInvalid("health check", v -> v.healthCheck(hc, ""));
            return hc;
        }

        HealthCheck unvalidated() {
            return new HealthCheck(type, Optional.ofNullable(port), interval, timeout, healthyThreshold,
                    unhealthyThreshold, Optional.ofNullable(path), Optional.ofNullable(host), expectedStatuses,
                    Optional.ofNullable(send), Optional.ofNullable(expect), allUnhealthy, unhealthyConnections,
                    outlierDetection);
        }
    }
}
