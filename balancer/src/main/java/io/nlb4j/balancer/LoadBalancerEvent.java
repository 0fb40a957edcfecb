package io.nlb4j.balancer;

import java.time.Instant;
import java.util.Optional;

/**
 * Something that happened in a running load balancer. Published on {@link RunningLoadBalancer#events()}.
 *
 * @param type what happened
 * @param time when it happened
 * @param listenerPort the configured port of the listener concerned, or -1
 * @param service the backend service concerned, if any
 * @param server the server concerned ({@code host:port}), if any
 * @param detail a human-readable reason or detail, possibly empty
 */
public record LoadBalancerEvent(Type type, Instant time, int listenerPort, Optional<String> service,
                                Optional<String> server, String detail) {

    /** The kinds of event. */
    public enum Type {
        /** The load balancer has started: every listener is bound. */
        STARTED,
        /** A listener is accepting connections; the detail is its bound address. */
        LISTENER_BOUND,
        /** A listener has stopped accepting connections. */
        LISTENER_UNBOUND,
        /** A server has joined a backend service. */
        SERVER_ADDED,
        /** A server's weight has changed; the detail is the new weight. */
        SERVER_WEIGHT_CHANGED,
        /** A server is leaving: it gets no new connections and its open ones drain. */
        SERVER_DRAINING,
        /** A server has left; the detail says whether its connections drained or were closed at the timeout. */
        SERVER_REMOVED,
        /** A server has become healthy and takes connections. */
        SERVER_HEALTHY,
        /** A server has become unhealthy and gets no new connections; the detail is the reason. */
        SERVER_UNHEALTHY,
        /** A client connection was refused; the detail is why (access denied, max connections, no server). */
        CONNECTION_REJECTED,
        /** Connecting to a server failed; the detail is the cause. */
        CONNECT_FAILED,
        /** The load balancer is stopping: listeners are closed and connections drain. */
        STOPPING,
        /** The load balancer has stopped. */
        STOPPED
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(type);
        if (listenerPort >= 0) {
            sb.append(" listener=").append(listenerPort);
        }
        service.ifPresent(s -> sb.append(" service=").append(s));
        server.ifPresent(s -> sb.append(" server=").append(s));
        if (!detail.isEmpty()) {
            sb.append(' ').append(detail);
        }
        return sb.toString();
    }
}
