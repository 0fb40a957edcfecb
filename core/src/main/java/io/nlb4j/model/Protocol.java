package io.nlb4j.model;

/**
 * The transport protocol of a listener or backend service. Only TCP is forwarded today; the type leaves
 * room for UDP and TLS listeners.
 */
public enum Protocol {
    /** Plain TCP: bytes are forwarded unchanged in both directions. */
    TCP
}
