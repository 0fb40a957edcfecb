package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.LoadBalancerEvent;
import java.net.InetAddress;

/**
 * What the per-connection path tells the runtime. Called on event loops: implementations must not block, and hop
 * to the control context for any change of state.
 */
public interface ForwardingEvents {

    /**
     * A client connection was refused.
     *
     * @param listener the listener
     * @param client the client's address
     * @param reason why
     * @param detail the specifics, such as the rule that denied it
     */
    void rejected(ListenerPath listener, InetAddress client, LoadBalancerEvent.RejectReason reason, String detail);

    /**
     * Connecting to a server failed; another may be tried.
     *
     * @param listener the listener
     * @param route the service the connection was for (the listener's when it was accepted)
     * @param endpoint the server
     * @param cause why
     */
    void connectFailed(ListenerPath listener, ServiceRoute route, Endpoint endpoint, Throwable cause);

    /**
     * A connect failure or a reset by a server, for passive health. A successful connect resets the count.
     *
     * @param route the server's service
     * @param endpoint the server
     * @param consecutive its failures in a row, this one included
     */
    void failed(ServiceRoute route, Endpoint endpoint, int consecutive);

    /**
     * The last open connection of a draining server has closed.
     *
     * @param route the server's service
     * @param endpoint the server
     */
    void drained(ServiceRoute route, Endpoint endpoint);

    /**
     * The last open connection of a listener has closed.
     *
     * @param listener the listener
     */
    void idle(ListenerPath listener);
}
