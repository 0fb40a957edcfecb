package io.nlb4j.balancer;

import io.nlb4j.model.BackendService;
import java.net.InetSocketAddress;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A backend service of a running load balancer. A service whose servers are a static list can be changed while it
 * runs: each change takes effect for new connections at once, and a removed server drains — it gets no new
 * connections, and its open connections continue until they close or the service's connection draining timeout
 * ends. The servers of a service fed by an availability group or a membership provider belong to that source: the
 * calls that change them fail with {@link IllegalStateException} naming the service and its source.
 *
 * <p>Every returned {@link Mono} does nothing until subscribed, and fails with {@link IllegalStateException} saying
 * so once the load balancer is stopped.
 */
public interface RunningBackendService {

    /**
     * Returns the service's specification.
     *
     * @return the specification
     */
    BackendService spec();

    /**
     * Adds a server, or returns a draining one to service, and waits until it takes connections.
     *
     * @param address the server's address, resolved
     * @param weight 1-100
     * @return completes once the server is in service and healthy (at once without active health checks); fails
     *         if its first health checks find it unhealthy (it stays in the service, and takes connections once it
     *         becomes healthy), if it leaves before, or with {@link IllegalStateException} if the service is not
     *         fed by a static list
     */
    Mono<Void> addServer(InetSocketAddress address, int weight);

    /**
     * Removes a server: it drains, then leaves.
     *
     * @param address the server's address
     * @return completes when the server has left (its connections closed or drained); fails with
     *         {@link IllegalArgumentException} naming the servers there are if it is not one, and with
     *         {@link IllegalStateException} if the service is not fed by a static list
     */
    Mono<Void> removeServer(InetSocketAddress address);

    /**
     * Changes a server's weight.
     *
     * @param address the server's address
     * @param weight 1-100
     * @return completes when new connections use the weight; fails if the server is not in service in this
     *         service, or with {@link IllegalStateException} if the service is not fed by a static list
     */
    Mono<Void> setWeight(InetSocketAddress address, int weight);

    /**
     * Waits until a server takes connections: in service, healthy and not ejected.
     *
     * @param address the server's address
     * @return emits the server's stats once it serves (at once if it already does); fails if it leaves first or
     *         the load balancer stops
     */
    Mono<ServerStats> awaitServing(InetSocketAddress address);

    /**
     * Returns every server still in the service (in service or draining), with its counters.
     *
     * @return snapshots in the order the servers joined
     */
    List<ServerStats> servers();
}
