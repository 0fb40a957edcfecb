package io.nlb4j.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a resource lives: a region, a VPC, an optional subnet and one or more availability zones.
 * A load balancer's backends must be in its region and VPC.
 */
public final class Placement {

    private final String region;
    private final String vpc;
    private final Optional<String> subnet;
    private final List<String> zones;

    Placement(String region, String vpc, String subnet, List<String> zones) {
        this.region = region;
        this.vpc = vpc;
        this.subnet = Optional.ofNullable(subnet);
        this.zones = List.copyOf(zones);
    }

    /**
     * A placement without a subnet.
     *
     * @param region the region; {@code null} is reported as missing
     * @param vpc the VPC; {@code null} is reported as missing
     * @param zones the availability zones, at least one, each once
     * @return the placement
     * @throws SpecValidationException naming every wrong field
     */
    public static Placement of(String region, String vpc, String... zones) {
        Objects.requireNonNull(zones, "zones");
        return builder().region(region).vpc(vpc).zones(zones).build();
    }

    /**
     * Starts building a placement.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this placement's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return builder().placement(this);
    }

    /**
     * Returns the region.
     *
     * @return the region, such as {@code cn-north-1}
     */
    public String region() {
        return region;
    }

    /**
     * Returns the VPC.
     *
     * @return the VPC identifier
     */
    public String vpc() {
        return vpc;
    }

    /**
     * Returns the subnet, if one is named.
     *
     * @return the subnet
     */
    public Optional<String> subnet() {
        return subnet;
    }

    /**
     * Returns the availability zones.
     *
     * @return the zones, at least one, no duplicates
     */
    public List<String> zones() {
        return zones;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && region.equals(p.region) && vpc.equals(p.vpc) && subnet.equals(p.subnet)
                && zones.equals(p.zones);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, vpc, subnet, zones);
    }

    @Override
    public String toString() {
        return region + '/' + vpc + subnet.map(s -> "/" + s).orElse("") + zones;
    }

    /** Builds a {@link Placement}. */
    public static final class Builder extends PlacedBuilder<Builder> {

        private Builder() {
        }

        /**
         * Builds and validates the placement.
         *
         * @return the placement
         * @throws SpecValidationException listing every violation
         */
        public Placement build() {
            SpecValidator.throwIfInvalid("placement", v -> v.placement("", this));
            return makePlacement();
        }

        Builder copy() {
            Builder b = new Builder();
            copyPlacementTo(b);
            return b;
        }
    }
}
