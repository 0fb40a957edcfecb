package io.nlb4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A named set of inbound rules applied to a load balancer's listeners at accept time. A load balancer
 * with no security group accepts every source; see {@link InboundRule} for how rules are evaluated.
 */
public final class SecurityGroup {

    /** The name of {@link #allowAll()}. */
    public static final String ALLOW_ALL_NAME = "allow-all";

    private final String name;
    private final List<InboundRule> rules;

    private SecurityGroup(Builder b) {
        this.name = b.name;
        this.rules = Lists.build(b.rules, InboundRule.Builder::make);
    }

    /**
     * A security group with the given rules.
     *
     * @param name the name; {@code null} is reported as missing
     * @param rules the rules
     * @return the group
     * @throws SpecValidationException if the name is invalid
     */
    public static SecurityGroup of(String name, InboundRule... rules) {
        Lists.nonNull(Arrays.asList(Objects.requireNonNull(rules, "rules")), "rules");
        Builder b = builder(name);
        for (InboundRule r : rules) {
            b.rule(r);
        }
        return b.build();
    }

    /**
     * A security group named {@value #ALLOW_ALL_NAME} that allows every IPv4 and IPv6 source on every port.
     *
     * @return the group
     */
    public static SecurityGroup allowAll() {
        return of(ALLOW_ALL_NAME, InboundRule.allow(Cidr.ANY_IPV4), InboundRule.allow(Cidr.ANY_IPV6));
    }

    /**
     * Starts building a security group.
     *
     * @param name the group's name, unique within a load balancer; {@code null} (not set, as a file may leave it
     *        out) is reported when the group is built
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Returns a builder holding this group's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(name);
        rules.forEach(b::rule);
        return b;
    }

    /**
     * Returns the group's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the group's rules.
     *
     * @return the rules, in declaration order
     */
    public List<InboundRule> rules() {
        return rules;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityGroup g && name.equals(g.name) && rules.equals(g.rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, rules);
    }

    @Override
    public String toString() {
        return "SecurityGroup(" + name + ", " + rules + ')';
    }

    /** Builds a {@link SecurityGroup}. */
    public static final class Builder {
        String name;
        final List<InboundRule.Builder> rules = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds a rule.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder rule(InboundRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule").toBuilder());
            return this;
        }

        /**
         * Adds a rule from a builder; it is validated with this group.
         *
         * @param rule the rule builder; {@code null} is reported as a missing rule
         * @return this builder
         */
        public Builder rule(InboundRule.Builder rule) {
            rules.add(rule == null ? null : rule.copy());
            return this;
        }

        /**
         * Builds and validates the group.
         *
         * @return the group
         * @throws SpecValidationException listing every violation
         */
        public SecurityGroup build() {
            SpecValidator.throwIfInvalid(SpecValidator.named("security group", name),
                    v -> v.securityGroup("", this));
            return make();
        }

        SecurityGroup make() {
            return new SecurityGroup(this);
        }

        Builder copy() {
            Builder b = new Builder(name);
            rules.forEach(r -> b.rules.add(r == null ? null : r.copy()));
            return b;
        }
    }
}
