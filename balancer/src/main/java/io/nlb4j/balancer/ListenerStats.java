package io.nlb4j.balancer;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A snapshot of one listener.
 *
 * @param listener which listener
 * @param boundAddress the address it is bound to
 * @param activeConnections client connections open now
 * @param totalConnections client connections accepted and forwarded since start
 * @param bytesIn bytes received from clients
 * @param bytesOut bytes sent to clients
 * @param deniedConnections connections closed by the security groups
 * @param overLimitConnections connections refused because the listener was at its connection limit
 * @param noServerConnections connections closed because no server could be reached
 * @param badProxyHeaderConnections connections closed because their PROXY protocol header was malformed or late
 * @param serversFullConnections connections refused because every server in service was at its maxConnections
 */
public record ListenerStats(ListenerId listener, InetSocketAddress boundAddress, long activeConnections,
                            long totalConnections, long bytesIn, long bytesOut, long deniedConnections,
                            long overLimitConnections, long noServerConnections, long badProxyHeaderConnections,
                            long serversFullConnections) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if the listener or address is {@code null}
     */
    public ListenerStats {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(boundAddress, "boundAddress");
    }
}
