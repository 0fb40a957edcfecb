package io.nlb4j.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One server of a static server list.
 *
 * @param address an IP address or host name
 * @param port the traffic port; absent means the backend service's port
 * @param weight 1-100, default {@value #DEFAULT_WEIGHT}
 * @param placement where the server lives, if known; it must be the load balancer's region and VPC
 */
public record StaticServer(String address, Optional<Integer> port, Integer weight, Optional<Placement> placement) {

    /** The default weight. */
    public static final int DEFAULT_WEIGHT = 1;
    /** The smallest weight. */
    public static final int MIN_WEIGHT = 1;
    /** The largest weight. */
    public static final int MAX_WEIGHT = 100;

    /**
     * Creates a server; absent values take their defaults.
     */
    public StaticServer {
        port = port == null ? Optional.empty() : port;
        weight = weight == null ? DEFAULT_WEIGHT : weight;
        placement = placement == null ? Optional.empty() : placement;
    }

    /**
     * A server on the backend service's port with the default weight.
     *
     * @param address the address
     * @return the server
     */
    public static StaticServer of(String address) {
        return new StaticServer(Objects.requireNonNull(address, "address"), Optional.empty(), DEFAULT_WEIGHT,
                Optional.empty());
    }

    /**
     * A server on a port with the default weight.
     *
     * @param address the address
     * @param port the port
     * @return the server
     */
    public static StaticServer of(String address, int port) {
        return new StaticServer(Objects.requireNonNull(address, "address"), Optional.of(port), DEFAULT_WEIGHT,
                Optional.empty());
    }

    /**
     * Returns a copy with the given weight.
     *
     * @param weight 1-100
     * @return the new server
     */
    public StaticServer weight(int weight) {
        return new StaticServer(address, port, weight, placement);
    }

    /**
     * Returns a copy with the given placement.
     *
     * @param placement where the server lives
     * @return the new server
     */
    public StaticServer placement(Placement placement) {
        return new StaticServer(address, port, weight, Optional.of(placement));
    }
}
