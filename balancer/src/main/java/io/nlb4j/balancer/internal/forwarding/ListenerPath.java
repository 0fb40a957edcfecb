package io.nlb4j.balancer.internal.forwarding;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.nlb4j.model.Listener;

/**
 * The per-connection path of one listener: the child handler its server channel installs on each accepted
 * connection, with the listener's settings and counters.
 */
public interface ListenerPath {

    /**
     * Creates a listener's path.
     *
     * @param index the listener's index in the specification
     * @param spec the listener
     * @param route where its connections go
     * @param access the security groups
     * @param transport the socket transport, for server connections
     * @param loops the per-loop state of the load balancer's event loops
     * @param events where the path reports what happens
     * @param connectTimeoutMillis how long connecting to a server may take
     * @param maxConnectAttempts servers tried per client connection
     * @param observers the connect-time observers and the access log, shared by the load balancer's listeners
     * @return the path
     */
    static ListenerPath create(int index, Listener spec, ServiceRoute route, AccessControl access, Transport transport,
                               Loops loops, ForwardingEvents events, int connectTimeoutMillis, int maxConnectAttempts,
                               ConnectionObservers observers) {
        return new ListenerPipe(index, spec, (Route) route, access, transport, (LoopStates) loops, events,
                connectTimeoutMillis, maxConnectAttempts, observers);
    }

    /**
     * Replaces the listener's settings, for the connections it accepts from now on (a live update): open connections
     * keep their server; the idle timeout applies to them too.
     *
     * @param index the listener's index in the new specification
     * @param spec the listener
     * @param route where its new connections go
     * @param access the security groups
     */
    void reconfigure(int index, Listener spec, ServiceRoute route, AccessControl access);

    /**
     * Returns the listener's index in the specification.
     *
     * @return the index
     */
    int index();

    /**
     * Returns the listener.
     *
     * @return the specification
     */
    Listener spec();

    /**
     * Returns a server bootstrap for this listener on the load balancer's event loops: its channel class, socket
     * options and child handler; the runtime binds it.
     *
     * @param group the event loops
     * @return the bootstrap, not yet bound
     */
    ServerBootstrap serverBootstrap(EventLoopGroup group);

    /**
     * Returns the handler to install on every accepted channel.
     *
     * @return the child handler
     */
    ChannelInitializer<Channel> childHandler();

    /**
     * Tells the path the port its server channel is bound to, which security group rules match against.
     *
     * @param port the bound port
     */
    void bound(int port);

    /**
     * Returns the client connections open now.
     *
     * @return the count
     */
    int activeConnections();

    /**
     * Returns the client connections accepted and forwarded so far.
     *
     * @return the count
     */
    long totalConnections();

    /**
     * Returns the bytes received from clients.
     *
     * @return the count
     */
    long bytesIn();

    /**
     * Returns the bytes sent to clients.
     *
     * @return the count
     */
    long bytesOut();

    /**
     * Returns the connections closed by the security groups.
     *
     * @return the count
     */
    long deniedConnections();

    /**
     * Returns the connections refused at the connection limit.
     *
     * @return the count
     */
    long overLimitConnections();

    /**
     * Returns the connections closed because no server could be reached.
     *
     * @return the count
     */
    long noServerConnections();

    /**
     * Returns the connections closed because their PROXY protocol header was malformed or did not come in time.
     *
     * @return the count; always 0 on a listener that does not accept the PROXY protocol
     */
    long badProxyHeaderConnections();

    /**
     * Returns the connections refused because every server in service was at its {@code maxConnections}.
     *
     * @return the count
     */
    long serversFullConnections();

    /**
     * Returns the faults in place on every connection of the listener.
     *
     * @return the faults
     */
    FaultScope faults();
}
