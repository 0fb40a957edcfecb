package io.nlb4j.model;

import java.util.List;
import java.util.Optional;

/**
 * Where a resource lives: a region, a VPC, an optional subnet and one or more availability zones.
 * A load balancer's backends must be in its region and VPC.
 *
 * @param region the region, such as {@code cn-north-1}
 * @param vpc the VPC identifier
 * @param subnet the subnet, if one is named
 * @param zones the availability zones, at least one, no duplicates
 */
public record Placement(String region, String vpc, Optional<String> subnet, List<String> zones) {

    /**
     * Creates a placement; {@code null} collections and optionals are read as empty.
     */
    public Placement {
        subnet = subnet == null ? Optional.empty() : subnet;
        zones = Lists.copy(zones);
    }

    /**
     * A placement without a subnet.
     *
     * @param region the region
     * @param vpc the VPC
     * @param zones the availability zones
     * @return the placement
     */
    public static Placement of(String region, String vpc, String... zones) {
        return new Placement(region, vpc, Optional.empty(), List.of(zones));
    }
}
