package io.nlb4j.balancer.scheduling;

import java.util.List;

/**
 * Picks a server among one immutable snapshot of the servers in service. Built by a {@link SchedulingAlgorithm}
 * on the control plane; used on the hot path.
 *
 * <p>Thread-safe: {@link #pick(int, int)} is called concurrently from many event loops. It takes no
 * lock and allocates nothing.
 *
 * @param <C> the runtime's candidate type
 */
public interface Picker<C extends Candidate> {

    /**
     * Picks a server for a new connection.
     *
     * <p>Hashing pickers (source-IP hash, Maglev) are a pure function of the snapshot,
     * {@code sourceHash} and {@code attempt}: for {@code attempt > 0} they deterministically return a
     * server different from the one returned for {@code attempt == 0} (when the snapshot holds more than
     * one server). Other pickers ignore {@code attempt} and simply pick again.
     *
     * @param sourceHash a well-mixed hash of the client's IP address, see {@link SourceHash#of}
     * @param attempt 0 for the first try; 1, 2, ... when earlier picks failed to connect
     * @return the chosen candidate, or {@code null} if the snapshot is empty
     */
    C pick(int sourceHash, int attempt);

    /**
     * The candidates of this snapshot.
     *
     * @return an unmodifiable list of the candidates, in the order given to {@link SchedulingAlgorithm#picker(List)}
     */
    List<C> candidates();

    /**
     * Called after a candidate's active connection count changed; pickers that index load override it.
     * The runtime calls it on the current picker after each increment and each decrement of a count, from
     * any event loop, concurrently. A candidate not in this picker's snapshot is ignored. Like
     * {@link #pick(int, int)}, it takes no lock and allocates nothing. The default does nothing.
     *
     * @param candidate the candidate whose count changed
     */
    default void loadChanged(C candidate) {}
}
