package io.nlb4j.junit5;

import io.nlb4j.model.StaticServer;

/** Makes test servers: on their own, as static servers, or as the instances of an availability group. */
public final class TestServers {

    private TestServers() {
    }

    /**
     * Starts an echo server on a loopback port.
     *
     * @param id its name
     * @return the running server
     */
    public static EchoServer echo(String id) {
        return new EchoServer(id);
    }

    /**
     * Starts a who-am-I server on a loopback port.
     *
     * @param id the id it answers with
     * @return the running server
     */
    public static WhoAmIServer whoAmI(String id) {
        return new WhoAmIServer(id);
    }

    /**
     * Returns a static server entry for a running test server, for {@code BackendService.Builder.staticServers}.
     *
     * @param server the server
     * @return its address and port, weight 1
     */
    public static StaticServer staticServer(TestServer server) {
        return StaticServer.of(server.address().getAddress().getHostAddress(), server.port());
    }

    /**
     * Echo servers as an availability group's instances, each on the address and port its launch asks for.
     *
     * @return the fleet, with no server until the group launches one
     */
    public static TestServerFleet<EchoServer> echoFleet() {
        return new TestServerFleet<>((ctx, host) -> new EchoServer(ctx.instanceId(), host, ctx.port()));
    }

    /**
     * Who-am-I servers as an availability group's instances, each answering with its instance id.
     *
     * @return the fleet, with no server until the group launches one
     */
    public static TestServerFleet<WhoAmIServer> whoAmIFleet() {
        return new TestServerFleet<>((ctx, host) -> new WhoAmIServer(ctx.instanceId(), host, ctx.port()));
    }
}
