package io.nlb4j.balancer;

import java.net.InetSocketAddress;

/**
 * Told how long each connection to a server took to make, on the event loop that made it: see
 * {@link RunningLoadBalancer#observeConnectTimes(ConnectTimeObserver)}. It must be quick and must not block.
 */
@FunctionalInterface
public interface ConnectTimeObserver {

    /**
     * A connection to a server has been made.
     *
     * @param service the backend service's name
     * @param server the server's address
     * @param nanos how long the connect took, in nanoseconds
     */
    void connected(String service, InetSocketAddress server, long nanos);
}
