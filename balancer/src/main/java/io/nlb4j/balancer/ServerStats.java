package io.nlb4j.balancer;

import io.nlb4j.healthcheck.HealthStatus;
import java.net.InetSocketAddress;

/**
 * A snapshot of one server of a backend service.
 *
 * @param address the server's address
 * @param weight its weight
 * @param state in service, draining or removed
 * @param health what its active health check says
 * @param ejected whether passive health checking has ejected it for now
 * @param activeConnections connections open now
 * @param totalConnections connections forwarded to it since it joined
 * @param bytesToServer bytes forwarded from clients to it
 * @param bytesFromServer bytes forwarded from it to clients
 * @param connectFailures failed connection attempts to it
 */
public record ServerStats(InetSocketAddress address, int weight, State state, HealthStatus health, boolean ejected,
                          long activeConnections, long totalConnections, long bytesToServer, long bytesFromServer,
                          long connectFailures) {

    /** Where a server is in its life within a backend service. */
    public enum State {
        /** Takes new connections while healthy and not ejected. */
        IN_SERVICE,
        /** Leaving: no new connections; open ones continue until they close or the draining timeout ends. */
        DRAINING,
        /** Gone. */
        REMOVED
    }
}
