package io.nlb4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * A named set of inbound rules applied to a load balancer's listeners at accept time. A load balancer
 * with no security group accepts every source; see {@link InboundRule} for how rules are evaluated.
 *
 * @param name the group's name, unique within a load balancer
 * @param rules the rules
 */
public record SecurityGroup(String name, List<InboundRule> rules) {

    /** The name of {@link #allowAll()}. */
    public static final String ALLOW_ALL_NAME = "allow-all";

    /**
     * Creates a security group; {@code null} rules are read as none.
     */
    public SecurityGroup {
        rules = Lists.copy(rules);
    }

    /**
     * A security group with the given rules.
     *
     * @param name the name
     * @param rules the rules
     * @return the group
     */
    public static SecurityGroup of(String name, InboundRule... rules) {
        return new SecurityGroup(name, Arrays.asList(rules));
    }

    /**
     * A security group named {@value #ALLOW_ALL_NAME} that allows every IPv4 and IPv6 source on every port.
     *
     * @return the group
     */
    public static SecurityGroup allowAll() {
        return of(ALLOW_ALL_NAME, InboundRule.allow(Cidr.ANY_IPV4), InboundRule.allow(Cidr.ANY_IPV6));
    }
}
