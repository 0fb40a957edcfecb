package io.nlb4j.balancer.scheduling;

/**
 * A server as a scheduling algorithm sees it. The runtime implements it with its per-server state.
 *
 * <p>{@link #weight()} and {@link #key()} are read once, when a {@link Picker} is built, and must not
 * change for the lifetime of that picker (a change of weight is a new snapshot).
 * {@link #activeConnections()} is read on every pick by the load-aware algorithms and may change at
 * any time.
 */
public interface Candidate {

    /**
     * The static weight of this server.
     *
     * @return 1-100; a picker is refused for a candidate outside that range
     */
    int weight();

    /**
     * The connections this server has open now. Called on the hot path, concurrently, from many event
     * loops: it must be a plain volatile or atomic read, without locks. A negative value counts as zero.
     *
     * @return the current number of open connections
     */
    int activeConnections();

    /**
     * A stable identity of this server, such as {@code host:port}, used by consistent hashing
     * ({@link io.nlb4j.model.Scheduling#MAGLEV}) to place the server in the same slots in every
     * snapshot, so that a change of membership moves as few clients as possible. Two servers of one
     * snapshot should not share a key. The default is {@link Object#toString()}, which suits
     * implementations whose {@code toString()} is exactly such an identity; others should override it.
     *
     * @return the stable key of this server
     */
    default String key() {
        return toString();
    }
}
