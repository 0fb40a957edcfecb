package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.model.SecurityGroup;
import java.net.InetAddress;
import java.util.List;

/**
 * A load balancer's security groups compiled for evaluation at accept: all rules of all groups, ordered by
 * priority (then by declaration); the first matching rule decides; no match denies. With no security group at
 * all, every source is allowed.
 */
public interface AccessControl {

    /**
     * Compiles security groups.
     *
     * @param groups the groups
     * @return the rules
     */
    static AccessControl of(List<SecurityGroup> groups) {
        return SecurityGroupRules.of(groups);
    }

    /**
     * Evaluates the rules.
     *
     * @param source the client's address
     * @param port the listener's bound port
     * @return {@code null} if allowed, otherwise why the connection is denied
     */
    String deny(InetAddress source, int port);
}
