package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import java.util.Locale;

/** How a client connection ended, as its access log line says: the first cause seen wins. */
enum Termination {
    /** The client sent its FIN (or closed) first. */
    CLIENT_CLOSED,
    /** The server sent its FIN (or closed) first. */
    SERVER_CLOSED,
    /** The client reset the connection (or its socket failed). */
    CLIENT_RESET,
    /** The server reset the connection (or its socket failed). */
    SERVER_RESET,
    /** No byte either way for the listener's idle timeout. */
    IDLE_TIMEOUT,
    /** Still open when its server's (or the stopping load balancer's) connection draining timeout ended. */
    DRAIN_DEADLINE,
    /** A fault closed or reset it. */
    FAULT,
    /** Refused: the security groups deny the client. */
    DENIED,
    /** Refused: the listener is at its connection limit. */
    OVER_LIMIT,
    /** Refused: no server in service. */
    NO_SERVER,
    /** Refused: every server tried refused or timed out. */
    CONNECT_FAILED,
    /** Refused: the client is this load balancer's own connection to a server. */
    LOOP,
    /** Refused: a listener that accepts the PROXY protocol got a malformed header, or none in time. */
    BAD_PROXY_HEADER,
    /** Refused: every server in service is at its connection limit. */
    SERVERS_FULL;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The word in the access log. */
    String label() {
        return label;
    }

    static Termination of(RejectReason reason) {
        return switch (reason) {
            case ACCESS_DENIED -> DENIED;
            case MAX_CONNECTIONS -> OVER_LIMIT;
            case NO_SERVER -> NO_SERVER;
            case NO_SERVER_REACHABLE -> CONNECT_FAILED;
            case FORWARDING_LOOP -> LOOP;
            case FAULT_DOWN -> FAULT;
            case BAD_PROXY_HEADER -> BAD_PROXY_HEADER;
            case SERVERS_FULL -> SERVERS_FULL;
        };
    }
}
