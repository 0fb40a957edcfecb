package io.nlb4j.balancer;

import java.net.InetSocketAddress;

/**
 * A snapshot of one listener.
 *
 * @param port the configured port
 * @param boundAddress the address it is bound to
 * @param activeConnections client connections open now
 * @param totalConnections client connections accepted and forwarded since start
 * @param bytesIn bytes received from clients
 * @param bytesOut bytes sent to clients
 * @param deniedConnections connections closed by the security groups
 * @param overLimitConnections connections refused because the listener was at its connection limit
 * @param noServerConnections connections closed because no server could be reached
 */
public record ListenerStats(int port, InetSocketAddress boundAddress, long activeConnections, long totalConnections,
                            long bytesIn, long bytesOut, long deniedConnections, long overLimitConnections,
                            long noServerConnections) {
}
