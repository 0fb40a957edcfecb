package io.nlb4j.model;

/**
 * How a backend service picks a server for a new connection. Only servers in service (healthy, not
 * draining) are picked.
 */
public enum Scheduling {
    /** Smooth weighted round robin, as in nginx; with equal weights a strict rotation. The default. */
    WEIGHTED_ROUND_ROBIN,
    /** The server with the fewest active connections relative to its weight. */
    WEIGHTED_LEAST_CONNECTIONS,
    /** A hash of the client's source IP address, so one client keeps reaching one server. */
    SOURCE_IP_HASH,
    /** Maglev consistent hashing of the client's source IP: removing one of N servers remaps about 1/N of clients. */
    MAGLEV,
    /** Two servers drawn at random, the one with fewer active connections (relative to weight) wins. */
    POWER_OF_TWO_CHOICES
}
