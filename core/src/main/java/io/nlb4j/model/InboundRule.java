package io.nlb4j.model;

import java.util.Objects;

/**
 * One rule of a {@link SecurityGroup}: allow or deny connections from a source CIDR block to a range of
 * listener ports. Rules of all of a load balancer's security groups are evaluated together, lowest
 * {@code priority} number first; the first rule that matches decides, and a connection that no rule
 * matches is denied.
 *
 * @param action allow or deny
 * @param source the source CIDR block, IPv4 or IPv6, such as {@code 10.0.0.0/8}
 * @param ports the listener ports the rule applies to; default all
 * @param priority the evaluation order, {@value #MIN_PRIORITY}-{@value #MAX_PRIORITY}, lower first;
 *        default {@value #DEFAULT_PRIORITY}
 */
public record InboundRule(Action action, String source, PortRange ports, Integer priority) {

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

    /**
     * Creates a rule; an absent port range means all ports and an absent priority the default.
     */
    public InboundRule {
        ports = ports == null ? PortRange.ALL : ports;
        priority = priority == null ? DEFAULT_PRIORITY : priority;
    }

    /**
     * A rule allowing a source on every port, with the default priority.
     *
     * @param source the source CIDR block
     * @return the rule
     */
    public static InboundRule allow(String source) {
        return new InboundRule(Action.ALLOW, Objects.requireNonNull(source, "source"), PortRange.ALL, DEFAULT_PRIORITY);
    }

    /**
     * A rule denying a source on every port, with the default priority.
     *
     * @param source the source CIDR block
     * @return the rule
     */
    public static InboundRule deny(String source) {
        return new InboundRule(Action.DENY, Objects.requireNonNull(source, "source"), PortRange.ALL, DEFAULT_PRIORITY);
    }

    /**
     * Returns a copy of this rule applying to the given ports.
     *
     * @param ports the ports
     * @return the new rule
     */
    public InboundRule ports(PortRange ports) {
        return new InboundRule(action, source, Objects.requireNonNull(ports, "ports"), priority);
    }

    /**
     * Returns a copy of this rule with the given priority.
     *
     * @param priority the priority, lower first
     * @return the new rule
     */
    public InboundRule priority(int priority) {
        return new InboundRule(action, source, ports, priority);
    }
}
