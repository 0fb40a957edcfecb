package io.nlb4j.balancer;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault injected on the path of connections, in Toxiproxy's vocabulary and with its semantics: each kind is one
 * of Toxiproxy's toxics, and {@link Kind#DOWN} is a Toxiproxy proxy's {@code enabled: false}. A fault acts on one
 * direction, {@link Direction#DOWNSTREAM} (server to client, the default, as in Toxiproxy) or
 * {@link Direction#UPSTREAM} (client to server), of the connections it applies to: a share of the new connections
 * ({@linkplain #toxicity(double) toxicity}, 1 by default) chosen by a seeded sequence, so that a run can be repeated.
 *
 * <p>Add one with {@link RunningLoadBalancer#addFault(FaultTarget, Fault)}; the handle it returns removes it. As in
 * Toxiproxy, a fault acts on the connections open when it is added as well as on those made while it is in place
 * (each by its toxicity draw); once removed, those it was acting on flow cleanly again, and new connections are not
 * touched.
 *
 * @see <a href="https://github.com/Shopify/toxiproxy#toxics">Toxiproxy's toxics</a>
 */
public final class Fault {

    /** What the fault does. */
    public enum Kind {
        /** Delays the data by {@link #latency()} ± {@link #jitter()} (Toxiproxy's {@code latency}). */
        LATENCY,
        /** Passes at most {@link #rate()} KB (1,024 bytes) per second (Toxiproxy's {@code bandwidth}). */
        BANDWIDTH,
        /**
         * Cuts the data into slices of {@link #averageSize()} ± {@link #sizeVariation()} bytes, {@link #delay()}
         * apart (Toxiproxy's {@code slicer}).
         */
        SLICER,
        /**
         * Stops the data (it is dropped) and closes the connection after {@link #timeout()}; with a zero timeout
         * it never closes, and data flows again once the fault is removed (Toxiproxy's {@code timeout}).
         */
        TIMEOUT,
        /** Resets both sides of the connection after {@link #timeout()} (Toxiproxy's {@code reset_peer}). */
        RESET_PEER,
        /** Delays the close, and the half-close, by {@link #delay()} (Toxiproxy's {@code slow_close}). */
        SLOW_CLOSE,
        /** Closes the connection once {@link #bytes()} bytes have passed (Toxiproxy's {@code limit_data}). */
        LIMIT_DATA,
        /**
         * Refuses connections (Toxiproxy's {@code enabled: false}): on a server, its connects fail as refused and
         * another server is tried (open connections continue); on a listener or a service, new connections are
         * reset at once, and so are the open ones when it is added.
         */
        DOWN
    }

    /** The direction of the data a fault acts on. */
    public enum Direction {
        /** From the client to the server. */
        UPSTREAM,
        /** From the server to the client. */
        DOWNSTREAM
    }

    private final Kind kind;
    private final Direction direction;
    private final double toxicity;
    private final long seed;
    private final Duration latency;
    private final Duration jitter;
    private final long rate;
    private final int averageSize;
    private final int sizeVariation;
    private final Duration delay;
    private final Duration timeout;
    private final long bytes;

    private Fault(Kind kind, Direction direction, double toxicity, long seed, Duration latency, Duration jitter,
            long rate, int averageSize, int sizeVariation, Duration delay, Duration timeout, long bytes) {
        this.kind = kind;
        this.direction = direction;
        this.toxicity = toxicity;
        this.seed = seed;
        this.latency = latency;
        this.jitter = jitter;
        this.rate = rate;
        this.averageSize = averageSize;
        this.sizeVariation = sizeVariation;
        this.delay = delay;
        this.timeout = timeout;
        this.bytes = bytes;
    }

    private static Fault of(Kind kind) {
        return new Fault(kind, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0, Duration.ZERO,
                Duration.ZERO, 0);
    }

    private Fault with(Direction direction, double toxicity, long seed) {
        return new Fault(kind, direction, toxicity, seed, latency, jitter, rate, averageSize, sizeVariation, delay,
                timeout, bytes);
    }

    /**
     * Delays the data.
     *
     * @param latency the delay
     * @param jitter how much each delay may differ from it, either way (uniformly); zero for none
     * @return the fault
     */
    public static Fault latency(Duration latency, Duration jitter) {
        nonNegative("latency", latency);
        nonNegative("jitter", jitter);
        return new Fault(Kind.LATENCY, Direction.DOWNSTREAM, 1.0, 0, latency, jitter, 0, 0, 0, Duration.ZERO,
                Duration.ZERO, 0);
    }

    /**
     * Limits the data to a rate.
     *
     * @param kilobytesPerSecond at least 1 (KB of 1,024 bytes)
     * @return the fault
     */
    public static Fault bandwidth(long kilobytesPerSecond) {
        if (kilobytesPerSecond < 1) {
            throw new IllegalArgumentException("rate: " + kilobytesPerSecond + " (expected: at least 1 KB/s)");
        }
        return new Fault(Kind.BANDWIDTH, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO,
                kilobytesPerSecond, 0, 0, Duration.ZERO, Duration.ZERO, 0);
    }

    /**
     * Cuts the data into small writes.
     *
     * @param averageSize the slices' average size in bytes, at least 1
     * @param sizeVariation how much a slice may differ from it, either way; less than the average size
     * @param delay the time between slices; zero for none
     * @return the fault
     */
    public static Fault slicer(int averageSize, int sizeVariation, Duration delay) {
        if (averageSize < 1) {
            throw new IllegalArgumentException("averageSize: " + averageSize + " (expected: at least 1 byte)");
        }
        if (sizeVariation < 0 || sizeVariation >= averageSize) {
            throw new IllegalArgumentException("sizeVariation: " + sizeVariation + " (expected: 0 to "
                    + (averageSize - 1) + ", less than averageSize " + averageSize + ')');
        }
        nonNegative("delay", delay);
        return new Fault(Kind.SLICER, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, averageSize,
                sizeVariation, delay, Duration.ZERO, 0);
    }

    /**
     * Stops the data, and closes the connection after a while.
     *
     * @param timeout when to close; zero never to close
     * @return the fault
     */
    public static Fault timeout(Duration timeout) {
        nonNegative("timeout", timeout);
        return new Fault(Kind.TIMEOUT, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0,
                Duration.ZERO, timeout, 0);
    }

    /**
     * Resets the connection after a while.
     *
     * @param timeout how long after the connection was made; zero for at once
     * @return the fault
     */
    public static Fault resetPeer(Duration timeout) {
        nonNegative("timeout", timeout);
        return new Fault(Kind.RESET_PEER, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0,
                Duration.ZERO, timeout, 0);
    }

    /**
     * Delays the close.
     *
     * @param delay how long
     * @return the fault
     */
    public static Fault slowClose(Duration delay) {
        nonNegative("delay", delay);
        return new Fault(Kind.SLOW_CLOSE, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0, delay,
                Duration.ZERO, 0);
    }

    /**
     * Closes the connection after so many bytes.
     *
     * @param bytes the bytes that pass, at least 0
     * @return the fault
     */
    public static Fault limitData(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: at least 0)");
        }
        return new Fault(Kind.LIMIT_DATA, Direction.DOWNSTREAM, 1.0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0,
                Duration.ZERO, Duration.ZERO, bytes);
    }

    /**
     * Refuses connections.
     *
     * @return the fault
     */
    public static Fault down() {
        return of(Kind.DOWN);
    }

    private static void nonNegative(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + ": " + d + " (expected: zero or a positive duration)");
        }
    }

    /**
     * Returns this fault acting on the data from the client to the server.
     *
     * @return a copy
     */
    public Fault upstream() {
        return with(Direction.UPSTREAM, toxicity, seed);
    }

    /**
     * Returns this fault acting on the data from the server to the client (the default).
     *
     * @return a copy
     */
    public Fault downstream() {
        return with(Direction.DOWNSTREAM, toxicity, seed);
    }

    /**
     * Returns this fault applying to a share of the new connections, chosen by a sequence seeded with 0.
     *
     * @param toxicity from 0 (none) to 1 (all, the default)
     * @return a copy
     */
    public Fault toxicity(double toxicity) {
        return toxicity(toxicity, seed);
    }

    /**
     * Returns this fault applying to a share of the new connections, chosen by a sequence with this seed: the
     * same seed picks the same connections (the first, the third...) of a run.
     *
     * @param toxicity from 0 (none) to 1 (all)
     * @param seed the sequence's seed
     * @return a copy
     */
    public Fault toxicity(double toxicity, long seed) {
        if (!(toxicity >= 0 && toxicity <= 1)) {
            throw new IllegalArgumentException("toxicity: " + toxicity + " (expected: 0 to 1)");
        }
        return with(direction, toxicity, seed);
    }

    /** @return what the fault does */
    public Kind kind() {
        return kind;
    }

    /** @return the direction of the data it acts on */
    public Direction direction() {
        return direction;
    }

    /** @return the share of new connections it applies to */
    public double toxicity() {
        return toxicity;
    }

    /** @return the seed of the sequence choosing the connections */
    public long seed() {
        return seed;
    }

    /** @return the delay of {@link Kind#LATENCY} */
    public Duration latency() {
        return latency;
    }

    /** @return the jitter of {@link Kind#LATENCY} */
    public Duration jitter() {
        return jitter;
    }

    /** @return the rate of {@link Kind#BANDWIDTH}, in KB/s */
    public long rate() {
        return rate;
    }

    /** @return the average slice size of {@link Kind#SLICER} */
    public int averageSize() {
        return averageSize;
    }

    /** @return the slice size variation of {@link Kind#SLICER} */
    public int sizeVariation() {
        return sizeVariation;
    }

    /** @return the delay of {@link Kind#SLICER} (between slices) and {@link Kind#SLOW_CLOSE} */
    public Duration delay() {
        return delay;
    }

    /** @return the timeout of {@link Kind#TIMEOUT} and {@link Kind#RESET_PEER} */
    public Duration timeout() {
        return timeout;
    }

    /** @return the byte limit of {@link Kind#LIMIT_DATA} */
    public long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.name().toLowerCase(Locale.ROOT)).append(' ')
                .append(direction.name().toLowerCase(Locale.ROOT));
        switch (kind) {
            case LATENCY -> s.append(", latency ").append(latency.toMillis()).append(" ms, jitter ")
                    .append(jitter.toMillis()).append(" ms");
            case BANDWIDTH -> s.append(", rate ").append(rate).append(" KB/s");
            case SLICER -> s.append(", average size ").append(averageSize).append(", size variation ")
                    .append(sizeVariation).append(", delay ").append(delay.toNanos() / 1000).append(" µs");
            case TIMEOUT, RESET_PEER -> s.append(", timeout ").append(timeout.toMillis()).append(" ms");
            case SLOW_CLOSE -> s.append(", delay ").append(delay.toMillis()).append(" ms");
            case LIMIT_DATA -> s.append(", bytes ").append(bytes);
            default -> { }
        }
        if (toxicity < 1) {
            s.append(", toxicity ").append(toxicity).append(" (seed ").append(seed).append(')');
        }
        return s.toString();
    }
}
