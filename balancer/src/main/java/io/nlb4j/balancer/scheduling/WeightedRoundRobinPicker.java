package io.nlb4j.balancer.scheduling;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin as nginx does it, precomputed.
 *
 * <p>nginx, on each pick, adds every server's weight to its current weight, picks the server with the
 * largest current weight (the first one in order on a tie) and subtracts the total weight from it. After
 * dividing the weights by their greatest common divisor, that sequence repeats every {@code T} picks, T
 * the sum of the reduced weights, and each server appears exactly its reduced weight times per period,
 * spread out: weights 5, 1, 1 give {@code a a b a c a a}; equal weights give the servers in order.
 *
 * <p>The period is computed once per snapshot into an {@code int[]} of T server indices (at most 100 per
 * server, so at most 4 MB for 10,000 servers) and walked with an atomic counter: a pick is one atomic
 * increment, one remainder and two array reads. Pickers share no counter, so a new snapshot starts at
 * the beginning of its own period.
 */
final class WeightedRoundRobinPicker<C extends Candidate> extends Snapshot<C> {

    private final int[] sequence;
    private final AtomicLong cursor = new AtomicLong();

    WeightedRoundRobinPicker(List<C> list, int[] weights) {
        super(list, weights);
        this.sequence = sequence(weights);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        int[] seq = sequence;
        return server(seq[(int) (cursor.getAndIncrement() % seq.length)]);
    }

    int[] sequence() {
        return sequence.clone();
    }

    /**
     * One period of nginx's smooth weighted round robin.
     *
     * <p>Before the pick at step t (1-based), a server that has been picked k times so far has the
     * current weight {@code t*w - T*k}. Servers of equal weight keep their relative order: among them,
     * the one picked least often, then the first in order, has the largest current weight, so each
     * group of equal weight is served in rotation. Each step therefore compares only one server per
     * distinct weight (at most 100) instead of all N, which makes the build O(T × distinct weights)
     * rather than nginx's O(T × N).
     */
    static int[] sequence(int[] weights) {
        int n = weights.length;
        int gcd = 0;
        for (int w : weights) {
            gcd = gcd(gcd, w);
        }
        int total = 0;
        int[] reduced = new int[n];
        for (int i = 0; i < n; i++) {
            reduced[i] = weights[i] / gcd;
            total += reduced[i];
        }
        int[] sequence = new int[total];
        if (total == n) { // all weights equal: the identity
            Arrays.setAll(sequence, i -> i);
            return sequence;
        }
        // Group the servers by weight, each group in server order.
        int[] groupOfWeight = new int[101];
        Arrays.fill(groupOfWeight, -1);
        int groups = 0;
        int[] groupWeight = new int[101];
        int[] groupSize = new int[101];
        for (int w : reduced) {
            if (groupOfWeight[w] < 0) {
                groupOfWeight[w] = groups;
                groupWeight[groups] = w;
                groups++;
            }
            groupSize[groupOfWeight[w]]++;
        }
        int[][] members = new int[groups][];
        for (int g = 0; g < groups; g++) {
            members[g] = new int[groupSize[g]];
        }
        int[] fill = new int[groups];
        for (int i = 0; i < n; i++) {
            int g = groupOfWeight[reduced[i]];
            members[g][fill[g]++] = i;
        }
        // For each group: the position of its next server, and that server's current weight before
        // the step (t*w - T*k). It drops by T only when the group completes a rotation.
        int[] next = new int[groups];
        long[] current = new long[groups];
        for (int t = 0; t < total; t++) {
            int best = -1;
            long bestCurrent = 0;
            int bestServer = 0;
            for (int g = 0; g < groups; g++) {
                long c = current[g] += groupWeight[g];
                int server = members[g][next[g]];
                if (best < 0 || c > bestCurrent || (c == bestCurrent && server < bestServer)) {
                    best = g;
                    bestCurrent = c;
                    bestServer = server;
                }
            }
            sequence[t] = bestServer;
            if (++next[best] == members[best].length) {
                next[best] = 0;
                current[best] -= total;
            }
        }
        return sequence;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return a;
    }

    @Override
    public String toString() {
        return "WeightedRoundRobinPicker[servers=" + servers.length + ", period=" + sequence.length + ']';
    }
}
