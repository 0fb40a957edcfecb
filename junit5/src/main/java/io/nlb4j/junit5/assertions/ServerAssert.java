package io.nlb4j.junit5.assertions;

import io.nlb4j.balancer.ServerStats;
import io.nlb4j.membership.HealthStatus;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a server's state as it was when its statistics were taken. */
public final class ServerAssert extends AbstractAssert<ServerAssert, ServerStats> {

    private final String service;

    ServerAssert(ServerStats actual, String service) {
        super(actual, ServerAssert.class);
        this.service = service;
    }

    private ServerAssert expect(boolean holds, String what) {
        isNotNull();
        if (!holds) {
            failWithMessage("Expected server %s%s %s, but it was: %s", BackendServiceAssert.key(actual.address()),
                    service == null ? "" : " of backend service \"" + service + '"', what, describe(actual));
        }
        return this;
    }

    /**
     * Checks the server is in service (not draining), whatever its health.
     *
     * @return this
     */
    public ServerAssert isInService() {
        return expect(actual != null && actual.state() == ServerStats.State.IN_SERVICE, "to be in service");
    }

    /**
     * Checks the server is draining: it takes no new connection while its open ones finish.
     *
     * @return this
     */
    public ServerAssert isDraining() {
        return expect(actual != null && actual.state() == ServerStats.State.DRAINING, "to be draining");
    }

    /**
     * Checks the server's health checks find it healthy.
     *
     * @return this
     */
    public ServerAssert isHealthy() {
        return expect(actual != null && actual.health() == HealthStatus.HEALTHY, "to be healthy");
    }

    /**
     * Checks the server's health checks find it unhealthy.
     *
     * @return this
     */
    public ServerAssert isUnhealthy() {
        return expect(actual != null && actual.health() == HealthStatus.UNHEALTHY, "to be unhealthy");
    }

    /**
     * Checks the server is ejected by outlier detection.
     *
     * @return this
     */
    public ServerAssert isEjected() {
        return expect(actual != null && actual.ejected(), "to be ejected");
    }

    /**
     * Checks the server is not ejected.
     *
     * @return this
     */
    public ServerAssert isNotEjected() {
        return expect(actual != null && !actual.ejected(), "not to be ejected");
    }

    /**
     * Checks the server takes new connections: in service, healthy and not ejected.
     *
     * @return this
     */
    public ServerAssert servesTraffic() {
        return expect(actual != null && actual.servesTraffic(), "to serve traffic");
    }

    /**
     * Checks how many connections to the server are open.
     *
     * @param expected the number
     * @return this
     */
    public ServerAssert hasActiveConnections(long expected) {
        return expect(actual != null && actual.activeConnections() == expected,
                "to have " + expected + " active connections");
    }

    /**
     * Checks how many connections the server has had.
     *
     * @param expected the number
     * @return this
     */
    public ServerAssert hasTotalConnections(long expected) {
        return expect(actual != null && actual.totalConnections() == expected,
                "to have had " + expected + " connections");
    }

    /**
     * Checks the server has had at least so many connections.
     *
     * @param expected the least number
     * @return this
     */
    public ServerAssert hasTotalConnectionsAtLeast(long expected) {
        return expect(actual != null && actual.totalConnections() >= expected,
                "to have had at least " + expected + " connections");
    }

    /**
     * Checks at least so many bytes went to the server.
     *
     * @param bytes the least number
     * @return this
     */
    public ServerAssert hasBytesToServerAtLeast(long bytes) {
        return expect(actual != null && actual.bytesToServer() >= bytes,
                "to have received at least " + bytes + " bytes");
    }

    /**
     * Checks at least so many bytes came from the server.
     *
     * @param bytes the least number
     * @return this
     */
    public ServerAssert hasBytesFromServerAtLeast(long bytes) {
        return expect(actual != null && actual.bytesFromServer() >= bytes,
                "to have sent at least " + bytes + " bytes");
    }

    static String describe(ServerStats s) {
        return BackendServiceAssert.key(s.address()) + ' ' + s.state() + ", " + s.health()
                + (s.ejected() ? ", ejected" : "") + ", weight " + s.weight() + ", " + s.activeConnections()
                + " active and " + s.totalConnections() + " total connections, " + s.bytesToServer() + " bytes to and "
                + s.bytesFromServer() + " from it, " + s.connectFailures() + " connect failures";
    }
}
