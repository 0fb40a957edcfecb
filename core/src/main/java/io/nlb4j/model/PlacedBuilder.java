package io.nlb4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The placement setters shared by the builders of placed resources (load balancers and availability
 * groups): region, VPC, subnet and availability zones.
 *
 * @param <B> the concrete builder
 */
public abstract class PlacedBuilder<B extends PlacedBuilder<B>> {

    private String region;
    private String vpc;
    private String subnet;
    private List<String> zones = List.of();

    PlacedBuilder() {
    }

    /**
     * Sets the region. Required.
     *
     * @param region the region, such as {@code cn-north-1}
     * @return this builder
     */
    public B region(String region) {
        this.region = Objects.requireNonNull(region, "region");
        return self();
    }

    /**
     * Sets the VPC. Required.
     *
     * @param vpc the VPC identifier
     * @return this builder
     */
    public B vpc(String vpc) {
        this.vpc = Objects.requireNonNull(vpc, "vpc");
        return self();
    }

    /**
     * Sets the subnet.
     *
     * @param subnet the subnet
     * @return this builder
     */
    public B subnet(String subnet) {
        this.subnet = Objects.requireNonNull(subnet, "subnet");
        return self();
    }

    /**
     * Sets the availability zones. At least one is required.
     *
     * @param zones the zones
     * @return this builder
     */
    public B zones(String... zones) {
        this.zones = Arrays.asList(zones);
        return self();
    }

    /**
     * Sets the region, VPC, subnet and zones at once.
     *
     * @param placement the placement
     * @return this builder
     */
    public B placement(Placement placement) {
        this.region = placement.region();
        this.vpc = placement.vpc();
        this.subnet = placement.subnet().orElse(null);
        this.zones = placement.zones();
        return self();
    }

    /** The placement set so far, unvalidated. */
    Placement builtPlacement() {
        return new Placement(region, vpc, Optional.ofNullable(subnet), zones);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
