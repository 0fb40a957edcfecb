package io.nlb4j.balancer.scheduling;

import java.util.Arrays;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4), weighted.
 *
 * <p>The lookup table has M slots, M prime. Each server's {@linkplain Candidate#key() key} gives it a
 * permutation of the slots: {@code offset = h1(key) mod M}, {@code skip = h2(key) mod (M-1) + 1}, slot j
 * of the permutation being {@code (offset + j*skip) mod M}; h1 and h2 are independent 64-bit hashes of
 * the key, the same in every JVM, so a server's preferences do not depend on the rest of the snapshot.
 * The servers take turns, in order of key, claiming the next slot of their permutation that is still
 * free, until the table is full. A pick is {@code table[sourceHash mod M]}.
 *
 * <p>Weights: as in Envoy's weighted Maglev, turns are handed out in rounds and in round r a server of
 * weight w takes a turn only while it has had fewer than {@code w*r/wmax + 1} turns, so a server claims
 * slots in proportion to its weight; with equal weights every server has a turn every round, which is
 * the paper's algorithm exactly.
 *
 * <p>Attempt {@code a > 0} rehashes the source to the slot {@code mix(sourceHash + a*K) mod M} and walks
 * forward from there to the first slot owned by a server other than the first attempt's. That keeps
 * retries weighted, deterministic, and mostly stable across snapshots.
 */
final class MaglevPicker<C extends Candidate> extends Snapshot<C> {

    private static final long H1_SEED = 0x6A09E667F3BCC908L;
    private static final long H2_SEED = 0xBB67AE8584CAA73BL;

    private final int[] table;

    MaglevPicker(List<C> list, int[] weights, int tableSize) {
        super(list, weights);
        this.table = populate(servers, weights, tableSize);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        int[] t = table;
        int m = t.length;
        int first = t[Math.floorMod(sourceHash, m)];
        if (attempt == 0) {
            return server(first);
        }
        int slot = Math.floorMod(Hashing.attemptHash(sourceHash, attempt), m);
        while (t[slot] == first) { // ends: every server owns at least one slot
            if (++slot == m) {
                slot = 0;
            }
        }
        return server(t[slot]);
    }

    int tableSize() {
        return table.length;
    }

    /** The number of slots each server owns, in the order of the candidates. */
    int[] slotsPerServer() {
        int[] counts = new int[servers.length];
        for (int s : table) {
            counts[s]++;
        }
        return counts;
    }

    static int[] populate(Candidate[] servers, int[] weights, int m) {
        int n = servers.length;
        String[] keys = new String[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            keys[i] = servers[i].key();
            if (keys[i] == null) {
                throw new NullPointerException("inService[" + i + "].key(): null (expected: a stable identity such as host:port)");
            }
            order[i] = i;
        }
        // Turns go in key order, so that the table does not depend on the order of the list.
        Arrays.sort(order, (a, b) -> {
            int byKey = keys[a].compareTo(keys[b]);
            return byKey != 0 ? byKey : Integer.compare(a, b);
        });
        int[] turnOrder = new int[n];
        int[] next = new int[n];
        int[] skip = new int[n];
        int maxWeight = 0;
        for (int o = 0; o < n; o++) {
            int i = order[o];
            turnOrder[o] = i;
            next[i] = (int) Long.remainderUnsigned(Hashing.hash64(keys[i], H1_SEED), m);
            skip[i] = (int) Long.remainderUnsigned(Hashing.hash64(keys[i], H2_SEED), m - 1) + 1;
            maxWeight = Math.max(maxWeight, weights[i]);
        }
        int[] table = new int[m];
        Arrays.fill(table, -1);
        long[] threshold = new long[n];
        int filled = 0;
        for (long round = 0; ; round++) {
            for (int i : turnOrder) {
                if (weights[i] * round < threshold[i]) {
                    continue;
                }
                threshold[i] += maxWeight;
                int slot = next[i];
                int step = skip[i];
                while (table[slot] >= 0) {
                    slot += step;
                    if (slot >= m || slot < 0) {
                        slot -= m;
                    }
                }
                table[slot] = i;
                slot += step;
                if (slot >= m || slot < 0) {
                    slot -= m;
                }
                next[i] = slot;
                if (++filled == m) {
                    return table;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "MaglevPicker[servers=" + servers.length + ", tableSize=" + table.length + ']';
    }
}
