package io.nlb4j.balancer.scheduling;

import io.nlb4j.model.Scheduling;
import java.util.List;
import java.util.Objects;

/**
 * A scheduling algorithm: turns a snapshot of the servers in service into a {@link Picker}.
 *
 * <p>Instances are immutable and thread-safe; get them from {@link #of(Scheduling)} or
 * {@link #maglev(int)}.
 */
public interface SchedulingAlgorithm {

    /**
     * The Maglev lookup table size used by {@link #of(Scheduling) of(MAGLEV)}: {@value}, the prime Envoy
     * also uses. It keeps servers within about 1% of each other's share up to 655 servers; beyond that
     * the table grows to the next prime of at least 100 slots per server.
     */
    int DEFAULT_MAGLEV_TABLE_SIZE = 65537;

    /**
     * Builds a picker over the servers in service. Called on the control plane whenever membership,
     * weights, health or draining change; never on the hot path. It reads each candidate's
     * {@link Candidate#weight() weight} (and, for Maglev, its {@link Candidate#key() key}) once and
     * keeps a copy of the list, so the caller may reuse the list afterwards. Building takes O(N) for most
     * algorithms (under a millisecond for 10,000 servers); Maglev fills a table of at least 100 slots per
     * server, and weighted round robin with many distinct weights precomputes up to 100 picks per server:
     * each some tens of milliseconds for 10,000 servers.
     *
     * @param inService the servers that may take new connections, in a stable order; may be empty
     * @param <C> the runtime's candidate type
     * @return a picker over a snapshot of {@code inService}; on an empty list, a picker that returns
     *         {@code null}
     * @throws IllegalArgumentException if a candidate's weight is outside 1-100
     * @throws NullPointerException if the list or one of its elements is null
     */
    <C extends Candidate> Picker<C> picker(List<C> inService);

    /**
     * The implementation of an algorithm of the model.
     *
     * @param algorithm the algorithm
     * @return the algorithm; for {@link Scheduling#MAGLEV}, one with the default table size
     *         {@value #DEFAULT_MAGLEV_TABLE_SIZE}
     */
    static SchedulingAlgorithm of(Scheduling algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        return switch (algorithm) {
            case WEIGHTED_ROUND_ROBIN -> Algorithms.WEIGHTED_ROUND_ROBIN;
            case WEIGHTED_LEAST_CONNECTIONS -> Algorithms.WEIGHTED_LEAST_CONNECTIONS;
            case SOURCE_IP_HASH -> Algorithms.SOURCE_IP_HASH;
            case MAGLEV -> MaglevAlgorithm.DEFAULT;
            case POWER_OF_TWO_CHOICES -> Algorithms.POWER_OF_TWO_CHOICES;
        };
    }

    /**
     * Maglev with an explicit lookup table size. A larger table spreads clients more
     * evenly and costs memory (4 bytes a slot) and build time. When a snapshot has more than
     * {@code tableSize / 100} servers, its table grows to the smallest prime of at least 100 slots per
     * server, which remaps most clients once.
     *
     * @param tableSize the number of slots of the lookup table: a prime, at least 3
     * @return the algorithm
     * @throws IllegalArgumentException if {@code tableSize} is not a prime of at least 3
     */
    static SchedulingAlgorithm maglev(int tableSize) {
        return new MaglevAlgorithm(tableSize);
    }
}
