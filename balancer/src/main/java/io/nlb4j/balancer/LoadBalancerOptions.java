package io.nlb4j.balancer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a load balancer runs, beyond its specification: threads, transport, timeouts and the clock.
 * Defaults suit most uses; {@link #defaults()} gives them.
 *
 * @param eventLoopThreads threads forwarding connections; default the number of processors
 * @param preferNativeTransport use native epoll where available; default {@code true}
 * @param connectTimeout how long connecting to a server may take; default {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms
 *        (as Envoy's tcp_proxy)
 * @param maxConnectAttempts servers tried for one client connection before it is closed; default
 *        {@value #DEFAULT_MAX_CONNECT_ATTEMPTS}
 * @param eventBufferSize events buffered per slow subscriber before the oldest are dropped; default
 *        {@value #DEFAULT_EVENT_BUFFER_SIZE}
 * @param ticker the clock, in nanoseconds, for session persistence expiry; default {@link System#nanoTime()}
 * @param startTimeout how long {@link NetworkLoadBalancer#startNow} waits; default {@value #DEFAULT_START_TIMEOUT_SECONDS} s
 * @param bindAddress the local address listeners bind to; default {@value #DEFAULT_BIND_ADDRESS} (every
 *        interface); tests usually bind {@code 127.0.0.1}
 */
public record LoadBalancerOptions(int eventLoopThreads, boolean preferNativeTransport, Duration connectTimeout,
                                  int maxConnectAttempts, int eventBufferSize, LongSupplier ticker,
                                  Duration startTimeout, String bindAddress) {

    /** Default server connect timeout, in milliseconds. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5000;
    /** Default servers tried per client connection. */
    public static final int DEFAULT_MAX_CONNECT_ATTEMPTS = 3;
    /** Default events buffered per slow subscriber. */
    public static final int DEFAULT_EVENT_BUFFER_SIZE = 1024;
    /** Default time {@link NetworkLoadBalancer#startNow} waits, in seconds. */
    public static final long DEFAULT_START_TIMEOUT_SECONDS = 30;
    /** Default bind address: every interface. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    /**
     * Creates options, checking each.
     *
     * @throws IllegalArgumentException naming the option, its value and what was expected
     */
    public LoadBalancerOptions {
        check(eventLoopThreads >= 1, "eventLoopThreads", eventLoopThreads, "at least 1");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        check(!connectTimeout.isNegative() && !connectTimeout.isZero(), "connectTimeout", connectTimeout,
                "a positive duration");
        check(maxConnectAttempts >= 1, "maxConnectAttempts", maxConnectAttempts, "at least 1");
        check(eventBufferSize >= 1, "eventBufferSize", eventBufferSize, "at least 1");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(startTimeout, "startTimeout");
        check(!startTimeout.isNegative() && !startTimeout.isZero(), "startTimeout", startTimeout, "a positive duration");
        Objects.requireNonNull(bindAddress, "bindAddress");
        check(!bindAddress.isBlank(), "bindAddress", '"' + bindAddress + '"', "an IP address or host name");
    }

    private static void check(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ')');
        }
    }

    /**
     * The default options.
     *
     * @return the defaults
     */
    public static LoadBalancerOptions defaults() {
        return new LoadBalancerOptions(Runtime.getRuntime().availableProcessors(), true,
                Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS), DEFAULT_MAX_CONNECT_ATTEMPTS,
                DEFAULT_EVENT_BUFFER_SIZE, System::nanoTime, Duration.ofSeconds(DEFAULT_START_TIMEOUT_SECONDS),
                DEFAULT_BIND_ADDRESS);
    }

    /**
     * Returns a copy with another number of event loop threads.
     *
     * @param threads at least 1
     * @return the new options
     */
    public LoadBalancerOptions eventLoopThreads(int threads) {
        return new LoadBalancerOptions(threads, preferNativeTransport, connectTimeout, maxConnectAttempts,
                eventBufferSize, ticker, startTimeout, bindAddress);
    }

    /**
     * Returns a copy that uses or avoids the native transport.
     *
     * @param preferNative {@code false} to force NIO
     * @return the new options
     */
    public LoadBalancerOptions preferNativeTransport(boolean preferNative) {
        return new LoadBalancerOptions(eventLoopThreads, preferNative, connectTimeout, maxConnectAttempts,
                eventBufferSize, ticker, startTimeout, bindAddress);
    }

    /**
     * Returns a copy with another connect timeout.
     *
     * @param timeout a positive duration
     * @return the new options
     */
    public LoadBalancerOptions connectTimeout(Duration timeout) {
        return new LoadBalancerOptions(eventLoopThreads, preferNativeTransport, timeout, maxConnectAttempts,
                eventBufferSize, ticker, startTimeout, bindAddress);
    }

    /**
     * Returns a copy with another number of connect attempts.
     *
     * @param attempts at least 1
     * @return the new options
     */
    public LoadBalancerOptions maxConnectAttempts(int attempts) {
        return new LoadBalancerOptions(eventLoopThreads, preferNativeTransport, connectTimeout, attempts,
                eventBufferSize, ticker, startTimeout, bindAddress);
    }

    /**
     * Returns a copy with another clock, for tests that drive time.
     *
     * @param nanoTicker returns the current time in nanoseconds
     * @return the new options
     */
    public LoadBalancerOptions ticker(LongSupplier nanoTicker) {
        return new LoadBalancerOptions(eventLoopThreads, preferNativeTransport, connectTimeout, maxConnectAttempts,
                eventBufferSize, nanoTicker, startTimeout, bindAddress);
    }

    /**
     * Returns a copy binding listeners to another local address.
     *
     * @param address an IP address or host name, such as {@code 127.0.0.1}
     * @return the new options
     */
    public LoadBalancerOptions bindAddress(String address) {
        return new LoadBalancerOptions(eventLoopThreads, preferNativeTransport, connectTimeout, maxConnectAttempts,
                eventBufferSize, ticker, startTimeout, address);
    }

    /**
     * Returns a copy with another start timeout.
     *
     * @param timeout a positive duration
     * @return the new options
     */
    public LoadBalancerOptions startTimeout(Duration timeout) {
        return new LoadBalancerOptions(eventLoopThreads, preferNativeTransport, connectTimeout, maxConnectAttempts,
                eventBufferSize, ticker, timeout, bindAddress);
    }
}
