package io.nlb4j.model;

/**
 * Whether a backend service's connections to its servers begin with a PROXY protocol header carrying the client's
 * address and port, so that a server behind the load balancer sees who connected (HAProxy's PROXY protocol,
 * versions 1 and 2, as HAProxy's {@code send-proxy} and {@code send-proxy-v2} and the clouds' NLBs send it).
 */
public enum ProxyProtocol {
    /** No header: the server sees the load balancer's address. The default. */
    NONE,
    /** Version 1: one human-readable line, {@code PROXY TCP4 <client> <listener> <client port> <listener port>}. */
    V1,
    /** Version 2: the binary header. */
    V2
}
