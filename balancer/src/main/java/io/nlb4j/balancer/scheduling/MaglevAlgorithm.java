package io.nlb4j.balancer.scheduling;

import java.util.List;

/** Maglev consistent hashing with a configured minimum table size. */
final class MaglevAlgorithm implements SchedulingAlgorithm {

    static final MaglevAlgorithm DEFAULT = new MaglevAlgorithm(DEFAULT_MAGLEV_TABLE_SIZE);

    /** Slots per server that keep servers within about 1% of each other (Maglev paper, section 5.3). */
    static final int SLOTS_PER_SERVER = 100;

    /** The largest prime below 2^31: the table size cannot exceed it. */
    static final int MAX_TABLE_SIZE = 2_147_483_629;

    private final int tableSize;

    MaglevAlgorithm(int tableSize) {
        if (tableSize < 3 || !isPrime(tableSize)) {
            throw new IllegalArgumentException("tableSize: " + tableSize + " (expected: a prime >= 3, such as "
                    + DEFAULT_MAGLEV_TABLE_SIZE + ')');
        }
        this.tableSize = tableSize;
    }

    @Override
    public <C extends Candidate> Picker<C> picker(List<C> inService) {
        return Algorithms.build(inService, this::create);
    }

    private <C extends Candidate> Picker<C> create(List<C> servers, int[] weights) {
        return new MaglevPicker<>(servers, weights, tableSizeFor(servers.size()));
    }

    /** The configured size, or the smallest prime of at least 100 slots per server if that is larger. */
    int tableSizeFor(int servers) {
        long minimum = (long) SLOTS_PER_SERVER * servers;
        if (minimum <= tableSize) {
            return tableSize;
        }
        if (minimum > MAX_TABLE_SIZE) {
            throw new IllegalArgumentException("servers: " + servers + " (expected: at most "
                    + MAX_TABLE_SIZE / SLOTS_PER_SERVER + " for Maglev)");
        }
        return nextPrime((int) minimum);
    }

    /** The smallest prime {@code >= n}, for {@code 2 <= n <= MAX_TABLE_SIZE}. */
    static int nextPrime(int n) {
        int p = n;
        while (!isPrime(p)) {
            p++;
        }
        return p;
    }

    /** Trial division: at most ~23,000 divisions for an int, once per snapshot. */
    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "MAGLEV(tableSize=" + tableSize + ')';
    }
}
