package io.nlb4j.balancer;

import io.nlb4j.membership.HealthStatus;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A snapshot of one server of a backend service.
 *
 * @param address the server's address
 * @param weight its weight
 * @param state in service or draining
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
        DRAINING
    }

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if the address, state or health is {@code null}
     */
    public ServerStats {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(health, "health");
    }

    /**
     * Tells whether the server takes new connections: in service, healthy and not ejected.
     *
     * @return {@code true} if it does
     */
    public boolean servesTraffic() {
        return state == State.IN_SERVICE && health == HealthStatus.HEALTHY && !ejected;
    }
}
