package io.nlb4j.balancer;

import java.net.InetSocketAddress;

/**
 * A snapshot of one server of a backend service.
 *
 * @param address the server's address
 * @param weight its weight
 * @param state in service, draining or removed
 * @param healthy whether its health check passes
 * @param activeConnections connections open now
 * @param totalConnections connections forwarded to it since it joined
 * @param bytesToServer bytes forwarded from clients to it
 * @param bytesFromServer bytes forwarded from it to clients
 * @param connectFailures failed connection attempts to it
 */
public record ServerStats(InetSocketAddress address, int weight, State state, boolean healthy,
                          long activeConnections, long totalConnections, long bytesToServer, long bytesFromServer,
                          long connectFailures) {

    /** Where a server is in its life within a backend service. */
    public enum State {
        /** Takes new connections (when healthy). */
        IN_SERVICE,
        /** Leaving: no new connections; open ones continue until they close or the draining timeout ends. */
        DRAINING,
        /** Gone. */
        REMOVED
    }
}
