package io.nlb4j.balancer.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A candidate with a settable connection count. */
final class FakeServer implements Candidate {

    private final String key;
    private final int weight;
    private final AtomicInteger connections = new AtomicInteger();

    FakeServer(String key, int weight) {
        this.key = key;
        this.weight = weight;
    }

    static FakeServer of(String key) {
        return new FakeServer(key, 1);
    }

    /** Servers 10.0.x.y:9000 with the given weights. */
    static List<FakeServer> withWeights(int... weights) {
        List<FakeServer> servers = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            servers.add(new FakeServer(address(i), weights[i]));
        }
        return servers;
    }

    /** {@code n} servers of weight 1. */
    static List<FakeServer> servers(int n) {
        List<FakeServer> servers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            servers.add(new FakeServer(address(i), 1));
        }
        return servers;
    }

    static String address(int i) {
        return "10.0." + (i >> 8) + '.' + (i & 0xFF) + ":9000";
    }

    FakeServer connections(int connections) {
        this.connections.set(connections);
        return this;
    }

    /** Counts one more open connection, atomically, as the runtime does. */
    void open() {
        connections.incrementAndGet();
    }

    /** Counts one connection fewer, atomically. */
    void close() {
        connections.decrementAndGet();
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return connections.get();
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key + "(w" + weight + ", c" + connections + ')';
    }
}
