package io.nlb4j.balancer.internal.forwarding;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The endpoint behind {@link Endpoint#create}. */
final class ServerEndpoint implements Endpoint {

    private final InetSocketAddress address;
    private final String key;
    private volatile int weight;
    private volatile int maxConnections = Integer.MAX_VALUE;
    /** Slow start: from when (control clock) the server ramps up, over how long; 0 when it takes its full share. */
    private volatile long rampFrom;
    private volatile long rampNanos;
    private volatile boolean serving = true;
    private volatile boolean draining;
    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesToServer = new LongAdder();
    final LongAdder bytesFromServer = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    /** Connect failures and resets in a row; a successful connect resets it. */
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    final Faults faults = new Faults();

    ServerEndpoint(InetSocketAddress address, int weight) {
        this.address = address;
        this.key = address.getHostString() + ':' + address.getPort();
        this.weight = weight;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public void weight(int weight) {
        this.weight = weight;
    }

    @Override
    public void slowStart(long fromNanos, long windowNanos) {
        this.rampFrom = fromNanos;
        this.rampNanos = windowNanos;
    }

    /**
     * Whether slow start turns a connection away now: while the server ramps up, it keeps a connection with the
     * probability of its share of the window gone by (at least {@value #MIN_SHARE}), so that its share of new
     * connections rises from a tenth to all of its weight's, whatever the algorithm chose it by.
     */
    boolean rampingAway(java.util.function.LongSupplier clock) {
        long window = rampNanos;
        if (window == 0) {
            return false; // the clock is read only while the server ramps
        }
        long elapsed = clock.getAsLong() - rampFrom;
        if (elapsed >= window || elapsed < 0) {
            rampNanos = 0; // done (or a clock from before): full share from now on
            return false;
        }
        double share = Math.max(MIN_SHARE, (double) elapsed / window);
        return java.util.concurrent.ThreadLocalRandom.current().nextDouble() >= share;
    }

    /** The share of its weight a server starts its ramp with. */
    static final double MIN_SHARE = 0.1;

    @Override
    public void maxConnections(int max) {
        this.maxConnections = max;
    }

    /** The limit, read once per connection attempt. */
    int maxConnections() {
        return maxConnections;
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    @Override
    public boolean serving() {
        return serving;
    }

    @Override
    public void serving(boolean serving) {
        this.serving = serving;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public void draining(boolean draining) {
        this.draining = draining;
    }

    @Override
    public long totalConnections() {
        return total.sum();
    }

    @Override
    public long bytesToServer() {
        return bytesToServer.sum();
    }

    @Override
    public long bytesFromServer() {
        return bytesFromServer.sum();
    }

    @Override
    public long connectFailures() {
        return connectFailures.sum();
    }

    /** A connect failure or a reset: returns the failures in a row, this one included. */
    int recordFailure() {
        return consecutiveFailures.incrementAndGet();
    }

    @Override
    public void resetFailures() {
        consecutiveFailures.set(0);
    }

    /** A successful connect: the failures in a row start again from zero. */
    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    @Override
    public String toString() {
        return key;
    }

    @Override
    public FaultScope faults() {
        return faults;
    }
}
