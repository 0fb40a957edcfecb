package io.nlb4j.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One server of a static server list.
 */
public final class StaticServer {

    /** The default weight. */
    public static final int DEFAULT_WEIGHT = 1;
    /** The smallest weight. */
    public static final int MIN_WEIGHT = 1;
    /** The largest weight. */
    public static final int MAX_WEIGHT = 100;

    private final String address;
    private final OptionalInt port;
    private final int weight;
    private final Optional<Placement> placement;
    private final OptionalInt maxConnections;

    private StaticServer(Builder b) {
        this.address = b.address;
        this.port = b.port == null ? OptionalInt.empty() : OptionalInt.of(b.port);
        this.weight = b.weight();
        this.placement = Optional.ofNullable(b.placement).map(Placement.Builder::makePlacement);
        this.maxConnections = b.maxConnections == null ? OptionalInt.empty() : OptionalInt.of(b.maxConnections);
    }

    /**
     * A server on the backend service's port with the default weight.
     *
     * @param address an IP address or host name; {@code null} is reported as missing
     * @return the server
     * @throws SpecValidationException if the address is missing or blank
     */
    public static StaticServer of(String address) {
        return builder(address).build();
    }

    /**
     * A server on a port with the default weight.
     *
     * @param address an IP address or host name; {@code null} is reported as missing
     * @param port the traffic port, 1-65535
     * @return the server
     * @throws SpecValidationException if the address is missing or blank or the port out of range
     */
    public static StaticServer of(String address, int port) {
        return builder(address).port(port).build();
    }

    /**
     * Starts building a server.
     *
     * @param address an IP address or host name; {@code null} (not set, as a file may leave it out) is reported
     *        when the server is built
     * @return a builder
     */
    public static Builder builder(String address) {
        return new Builder(address);
    }

    /**
     * Returns a builder holding this server's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(address).weight(weight);
        port.ifPresent(b::port);
        placement.ifPresent(b::placement);
        maxConnections.ifPresent(b::maxConnections);
        return b;
    }

    /**
     * Returns a copy with the given weight.
     *
     * @param weight {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}
     * @return the new server
     * @throws SpecValidationException if the weight is out of range
     */
    public StaticServer weight(int weight) {
        return toBuilder().weight(weight).build();
    }

    /**
     * Returns a copy with the given placement.
     *
     * @param placement where the server lives
     * @return the new server
     */
    public StaticServer placement(Placement placement) {
        return toBuilder().placement(placement).build();
    }

    /**
     * Returns the server's address.
     *
     * @return an IP address or host name
     */
    public String address() {
        return address;
    }

    /**
     * Returns the traffic port.
     *
     * @return the port; empty means the backend service's port
     */
    public OptionalInt port() {
        return port;
    }

    /**
     * Returns the weight.
     *
     * @return {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}; {@value #DEFAULT_WEIGHT} by default
     */
    public int weight() {
        return weight;
    }

    /**
     * Returns where the server lives, if known: the load balancer's region and VPC.
     *
     * @return the placement
     */
    public Optional<Placement> placement() {
        return placement;
    }

    /**
     * Returns the most connections this server is given at once: a full server is skipped by every scheduling
     * algorithm, and a connection that finds every server full is refused.
     *
     * @return the limit; empty for none
     */
    public OptionalInt maxConnections() {
        return maxConnections;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticServer s && address.equals(s.address) && port.equals(s.port) && weight == s.weight
                && placement.equals(s.placement) && maxConnections.equals(s.maxConnections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, port, weight, placement, maxConnections);
    }

    @Override
    public String toString() {
        return address + (port.isPresent() ? ":" + port.getAsInt() : "") + (weight == DEFAULT_WEIGHT ? ""
                : " (weight " + weight + ')');
    }

    /** Builds a {@link StaticServer}. */
    public static final class Builder {
        String address;
        Integer port;
        Integer weight;
        Placement.Builder placement;
        Integer maxConnections;

        private Builder(String address) {
            this.address = address;
        }

        /**
         * Limits the connections this server is given at once. Default: no limit.
         *
         * @param max 1-{@value Listener#MAX_CONNECTIONS_LIMIT}
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Sets the traffic port. Default the backend service's port.
         *
         * @param port 1-65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the weight. Default {@value #DEFAULT_WEIGHT}.
         *
         * @param weight {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}
         * @return this builder
         */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /**
         * Sets where the server lives.
         *
         * @param placement the placement
         * @return this builder
         */
        public Builder placement(Placement placement) {
            this.placement = Objects.requireNonNull(placement, "placement").toBuilder();
            return this;
        }

        /**
         * Sets where the server lives, from a builder; it is validated with this server.
         *
         * @param placement the placement builder
         * @return this builder
         */
        public Builder placement(Placement.Builder placement) {
            this.placement = Objects.requireNonNull(placement, "placement").copy();
            return this;
        }

        int weight() {
            return weight == null ? DEFAULT_WEIGHT : weight;
        }

        /**
         * Builds and validates the server.
         *
         * @return the server
         * @throws SpecValidationException listing every violation
         */
        public StaticServer build() {
            SpecValidator.throwIfInvalid("static server", v -> v.staticServer("", this, true, "port"));
            return make();
        }

        StaticServer make() {
            return new StaticServer(this);
        }

        Builder copy() {
            Builder b = new Builder(address);
            b.port = port;
            b.weight = weight;
            b.placement = placement == null ? null : placement.copy();
            b.maxConnections = maxConnections;
            return b;
        }
    }
}
