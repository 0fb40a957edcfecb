package io.nlb4j.balancer.scheduling;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least connections: the server with the fewest active connections relative to its weight,
 * compared as {@code a.conns * b.weight < b.conns * a.weight} (no division).
 *
 * <p>The scan starts at a rotating index (an atomic counter) and keeps the first strictly better server,
 * so servers that tie share new connections in turn. A server with no connection at all cannot be beaten
 * and ends the scan at once, with exactly the result of a full scan; with equal weights the comparison
 * needs no multiplication.
 *
 * <p>The scan is O(N) and needs no notification of load changes ({@link #loadChanged} is a no-op). It
 * is used for small snapshots (up to {@link Algorithms#INDEX_ABOVE} servers), where it is as fast as an
 * index and spreads exact ties perfectly; larger snapshots use {@link IndexedLeastConnectionsPicker}, a
 * tournament tree updated through {@link Picker#loadChanged}, with O(1) picks.
 */
final class LeastConnectionsPicker<C extends Candidate> extends Snapshot<C> {

    private final boolean equalWeights;
    private final AtomicInteger cursor = new AtomicInteger();

    LeastConnectionsPicker(List<C> list, int[] weights) {
        super(list, weights);
        this.equalWeights = allEqual(weights);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        Candidate[] s = servers;
        int n = s.length;
        int start = Integer.remainderUnsigned(cursor.getAndIncrement(), n);
        return server(equalWeights ? leastConnections(s, start) : leastWeightedConnections(s, weights, start));
    }

    private static int leastConnections(Candidate[] s, int start) {
        int n = s.length;
        int best = start;
        int bestConns = s[start].activeConnections();
        if (bestConns <= 0) {
            return start;
        }
        for (int i = start + 1; i < n; i++) {
            int c = s[i].activeConnections();
            if (c < bestConns) {
                if (c <= 0) {
                    return i;
                }
                best = i;
                bestConns = c;
            }
        }
        for (int i = 0; i < start; i++) {
            int c = s[i].activeConnections();
            if (c < bestConns) {
                if (c <= 0) {
                    return i;
                }
                best = i;
                bestConns = c;
            }
        }
        return best;
    }

    private static int leastWeightedConnections(Candidate[] s, int[] weights, int start) {
        int n = s.length;
        int best = start;
        long bestConns = s[start].activeConnections();
        if (bestConns <= 0) {
            return start;
        }
        long bestWeight = weights[start];
        for (int i = start + 1; i < n; i++) {
            int c = s[i].activeConnections();
            if (c * bestWeight < bestConns * weights[i]) {
                if (c <= 0) {
                    return i;
                }
                best = i;
                bestConns = c;
                bestWeight = weights[i];
            }
        }
        for (int i = 0; i < start; i++) {
            int c = s[i].activeConnections();
            if (c * bestWeight < bestConns * weights[i]) {
                if (c <= 0) {
                    return i;
                }
                best = i;
                bestConns = c;
                bestWeight = weights[i];
            }
        }
        return best;
    }
}
