package io.nlb4j.cluster;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * The health of one backend service's servers as each node of a cluster sees it: this node publishes the servers
 * its own checks find unhealthy, and learns how many other nodes find each one so.
 */
public interface HealthViews extends AutoCloseable {

    /**
     * Publishes this node's view, replacing the last one. Does not block: the latest view is written soon after.
     *
     * @param unhealthy the servers this node's checks find unhealthy now
     */
    void publish(Set<InetSocketAddress> unhealthy);

    /**
     * Returns the other nodes' views as they change: per server, how many other nodes find it unhealthy.
     *
     * @return the counts, the current ones first; servers no other node finds unhealthy are left out
     */
    Flux<Map<InetSocketAddress, Integer>> peersUnhealthy();

    /** Withdraws this node's view and stops following the others'. */
    @Override
    void close();
}
