package io.nlb4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The placement setters shared by the builders of placed resources (load balancers, availability groups and
 * placements themselves): region, VPC, subnet and availability zones.
 *
 * @param <B> the concrete builder
 */
public abstract class PlacedBuilder<B extends PlacedBuilder<B>> {

    String region;
    String vpc;
    String subnet;
    List<String> zones = List.of();

    PlacedBuilder() {
    }

    /**
     * Sets the region. Required.
     *
     * @param region the region, such as {@code cn-north-1}; {@code null} (not set, as a file may leave it out) is
     *        reported when built
     * @return this builder
     */
    public B region(String region) {
        this.region = region;
        return self();
    }

    /**
     * Sets the VPC. Required.
     *
     * @param vpc the VPC identifier; {@code null} (not set) is reported when built
     * @return this builder
     */
    public B vpc(String vpc) {
        this.vpc = vpc;
        return self();
    }

    /**
     * Sets the subnet.
     *
     * @param subnet the subnet; {@code null} for none
     * @return this builder
     */
    public B subnet(String subnet) {
        this.subnet = subnet;
        return self();
    }

    /**
     * Sets the availability zones. At least one is required, each listed once.
     *
     * @param zones the zones; a {@code null} zone is reported when built
     * @return this builder
     */
    public B zones(String... zones) {
        return zones(Arrays.asList(Objects.requireNonNull(zones, "zones")));
    }

    /**
     * Sets the availability zones. At least one is required, each listed once.
     *
     * @param zones the zones; a {@code null} zone is reported when built
     * @return this builder
     */
    public B zones(List<String> zones) {
        this.zones = Lists.copy(Objects.requireNonNull(zones, "zones"));
        return self();
    }

    /**
     * Sets the region, VPC, subnet and zones at once.
     *
     * @param placement the placement
     * @return this builder
     */
    public B placement(Placement placement) {
        Objects.requireNonNull(placement, "placement");
        this.region = placement.region();
        this.vpc = placement.vpc();
        this.subnet = placement.subnet().orElse(null);
        this.zones = placement.zones();
        return self();
    }

    /** The placement set so far; call only once it has been validated. */
    Placement makePlacement() {
        return new Placement(region, vpc, subnet, zones);
    }

    void copyPlacementTo(PlacedBuilder<?> other) {
        other.region = region;
        other.vpc = vpc;
        other.subnet = subnet;
        other.zones = zones;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
