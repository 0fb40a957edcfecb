package io.nlb4j.junit5.assertions;

import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.junit5.TestServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a running backend service; each looks at its servers as they are then. */
public final class BackendServiceAssert extends AbstractAssert<BackendServiceAssert, RunningBackendService> {

    BackendServiceAssert(RunningBackendService actual) {
        super(actual, BackendServiceAssert.class);
    }

    private String name() {
        return actual.spec().name();
    }

    /**
     * Checks how many servers take new connections (in service, healthy, not ejected).
     *
     * @param expected the number
     * @return this
     */
    public BackendServiceAssert hasServersServingTraffic(int expected) {
        isNotNull();
        List<ServerStats> servers = actual.servers();
        long serving = servers.stream().filter(ServerStats::servesTraffic).count();
        if (serving != expected) {
            failWithMessage("Expected backend service \"%s\" to have %d servers serving traffic, but it has %d:%n%s",
                    name(), expected, serving, describe(servers));
        }
        return this;
    }

    /**
     * Checks how many servers the service has, draining ones included.
     *
     * @param expected the number
     * @return this
     */
    public BackendServiceAssert hasServers(int expected) {
        isNotNull();
        List<ServerStats> servers = actual.servers();
        if (servers.size() != expected) {
            failWithMessage("Expected backend service \"%s\" to have %d servers, but it has %d:%n%s", name(), expected,
                    servers.size(), describe(servers));
        }
        return this;
    }

    /**
     * Checks the service has no server at an address (it has left, or never joined).
     *
     * @param address the server's address
     * @return this
     */
    public BackendServiceAssert doesNotHaveServer(InetSocketAddress address) {
        isNotNull();
        List<ServerStats> servers = actual.servers();
        if (servers.stream().anyMatch(s -> s.address().equals(address))) {
            failWithMessage("Expected backend service \"%s\" not to have server %s, but it has:%n%s", name(),
                    key(address), describe(servers));
        }
        return this;
    }

    /**
     * Checks the service has a server at an address, and moves on to its state now.
     *
     * @param address the server's address
     * @return assertions on the server
     */
    public ServerAssert server(InetSocketAddress address) {
        isNotNull();
        List<ServerStats> servers = actual.servers();
        for (ServerStats s : servers) {
            if (s.address().equals(address)) {
                return new ServerAssert(s, name());
            }
        }
        failWithMessage("Expected backend service \"%s\" to have server %s, but its servers are:%n%s", name(),
                key(address), describe(servers));
        return null; // not reached
    }

    /**
     * Checks the service has a test server, and moves on to its state now.
     *
     * @param server the test server
     * @return assertions on it
     */
    public ServerAssert server(TestServer server) {
        return server(server.address());
    }

    static String key(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ':' + a.getPort();
    }

    static String describe(List<ServerStats> servers) {
        if (servers.isEmpty()) {
            return "  (no server)";
        }
        return servers.stream().map(s -> "  " + ServerAssert.describe(s)).collect(Collectors.joining("\n"));
    }
}
