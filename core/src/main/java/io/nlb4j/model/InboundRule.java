package io.nlb4j.model;

import java.util.Objects;

/**
 * One rule of a {@link SecurityGroup}: allow or deny connections from a source CIDR block to a range of
 * listener ports. Rules of all of a load balancer's security groups are evaluated together, lowest
 * {@code priority} number first; the first rule that matches decides, and a connection that no rule
 * matches is denied.
 */
public final class InboundRule {

    /** The default priority. */
    public static final int DEFAULT_PRIORITY = 100;
    /** The smallest (first evaluated) priority. */
    public static final int MIN_PRIORITY = 1;
    /** The largest (last evaluated) priority. */
    public static final int MAX_PRIORITY = 32767;

    /** What a matching rule does with a connection. */
    public enum Action {
        /** Let the connection through. */
        ALLOW,
        /** Close the connection before any backend is contacted. */
        DENY
    }

    private final Action action;
    private final String source;
    private final PortRange ports;
    private final int priority;

    private InboundRule(Builder b) {
        this.action = b.action;
        this.source = b.source;
        this.ports = b.ports;
        this.priority = b.priority();
    }

    /**
     * A rule allowing a source on every port, with the default priority.
     *
     * @param source the source CIDR block, such as {@code 10.0.0.0/8}; {@code null} is reported as missing
     * @return the rule
     * @throws SpecValidationException if the source is not a CIDR block
     */
    public static InboundRule allow(String source) {
        return builder(Action.ALLOW, source).build();
    }

    /**
     * A rule denying a source on every port, with the default priority.
     *
     * @param source the source CIDR block; {@code null} is reported as missing
     * @return the rule
     * @throws SpecValidationException if the source is not a CIDR block
     */
    public static InboundRule deny(String source) {
        return builder(Action.DENY, source).build();
    }

    /**
     * Starts building a rule.
     *
     * @param action allow or deny; required: {@code null} (not set, as a file may leave it out) is reported when
     *        the rule is built
     * @param source the source CIDR block; required: {@code null} is reported when the rule is built
     * @return a builder
     */
    public static Builder builder(Action action, String source) {
        return new Builder().action(action).source(source);
    }

    /**
     * Returns a builder holding this rule's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return builder(action, source).ports(ports).priority(priority);
    }

    /**
     * Returns a copy of this rule applying to the given ports.
     *
     * @param ports the ports
     * @return the new rule
     */
    public InboundRule ports(PortRange ports) {
        Objects.requireNonNull(ports, "ports");
        return toBuilder().ports(ports).build();
    }

    /**
     * Returns a copy of this rule with the given priority.
     *
     * @param priority {@value #MIN_PRIORITY}-{@value #MAX_PRIORITY}, lower first
     * @return the new rule
     * @throws SpecValidationException if the priority is out of range
     */
    public InboundRule priority(int priority) {
        return toBuilder().priority(priority).build();
    }

    /**
     * Returns what a matching rule does.
     *
     * @return allow or deny
     */
    public Action action() {
        return action;
    }

    /**
     * Returns the source CIDR block.
     *
     * @return the block, IPv4 or IPv6, such as {@code 10.0.0.0/8}
     */
    public String source() {
        return source;
    }

    /**
     * Returns the listener ports the rule applies to.
     *
     * @return the ports; {@link PortRange#ALL} by default
     */
    public PortRange ports() {
        return ports;
    }

    /**
     * Returns the evaluation order.
     *
     * @return the priority, lower first; {@value #DEFAULT_PRIORITY} by default
     */
    public int priority() {
        return priority;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InboundRule r && action == r.action && source.equals(r.source) && ports.equals(r.ports)
                && priority == r.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, source, ports, priority);
    }

    @Override
    public String toString() {
        return action + " " + source + " ports " + ports + " priority " + priority;
    }

    /** Builds an {@link InboundRule}. */
    public static final class Builder {
        Action action;
        String source;
        PortRange ports = PortRange.ALL;
        Integer priority;

        private Builder() {
        }

        /**
         * Sets what a matching rule does. Required.
         *
         * @param action allow or deny; {@code null} (not set) is reported when the rule is built
         * @return this builder
         */
        public Builder action(Action action) {
            this.action = action;
            return this;
        }

        /**
         * Sets the source CIDR block. Required.
         *
         * @param source an IPv4 or IPv6 block such as {@code 10.0.0.0/8} or a single address; {@code null} (not
         *        set) is reported when the rule is built
         * @return this builder
         */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /**
         * Sets the listener ports the rule applies to. Default all.
         *
         * @param ports the ports
         * @return this builder
         */
        public Builder ports(PortRange ports) {
            this.ports = Objects.requireNonNull(ports, "ports");
            return this;
        }

        /**
         * Sets the evaluation order. Default {@value #DEFAULT_PRIORITY}.
         *
         * @param priority {@value #MIN_PRIORITY}-{@value #MAX_PRIORITY}, lower first
         * @return this builder
         */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        int priority() {
            return priority == null ? DEFAULT_PRIORITY : priority;
        }

        /**
         * Builds and validates the rule.
         *
         * @return the rule
         * @throws SpecValidationException listing every violation
         */
        public InboundRule build() {
            SpecValidator.throwIfInvalid("inbound rule", v -> v.inboundRule("", this));
            return make();
        }

        InboundRule make() {
            return new InboundRule(this);
        }

        Builder copy() {
            Builder b = new Builder();
            b.action = action;
            b.source = source;
            b.ports = ports;
            b.priority = priority;
            return b;
        }
    }
}
