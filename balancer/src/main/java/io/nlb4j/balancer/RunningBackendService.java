package io.nlb4j.balancer;

import io.nlb4j.model.BackendService;
import java.net.InetSocketAddress;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A backend service of a running load balancer. Its servers can be changed while it runs; each change
 * takes effect for new connections at once, and a removed server drains: it gets no new connections, and
 * its open connections continue until they close or the service's connection draining timeout ends.
 */
public interface RunningBackendService {

    /**
     * Returns the service's specification.
     *
     * @return the specification
     */
    BackendService spec();

    /**
     * Adds a server, or returns a draining one to service.
     *
     * @param address the server's address
     * @param weight 1-100
     * @return completes when the server takes connections
     * @throws IllegalArgumentException if the weight is out of range
     */
    Mono<Void> addServer(InetSocketAddress address, int weight);

    /**
     * Removes a server: it drains, then leaves.
     *
     * @param address the server's address
     * @return completes when the server has left (its connections closed or drained)
     */
    Mono<Void> removeServer(InetSocketAddress address);

    /**
     * Changes a server's weight.
     *
     * @param address the server's address
     * @param weight 1-100
     * @return completes when new connections use the weight; fails if the server is not in the service
     */
    Mono<Void> setWeight(InetSocketAddress address, int weight);

    /**
     * Returns every server still in the service (in service or draining), with its counters.
     *
     * @return snapshots in the order the servers joined
     */
    List<ServerStats> servers();
}
