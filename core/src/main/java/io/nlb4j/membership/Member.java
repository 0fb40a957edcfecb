package io.nlb4j.membership;

import java.util.Objects;

/**
 * One server published by a {@link MembershipProvider}.
 *
 * @param host an IP address or host name
 * @param port the traffic port, 1-65535
 * @param weight 1-100
 */
public record Member(String host, int port, int weight) {

    /**
     * Creates a member.
     *
     * @throws IllegalArgumentException if the port or weight is out of range
     */
    public Member {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: an address or host name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (weight < 1 || weight > 100) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-100)");
        }
    }

    /**
     * A member with weight 1.
     *
     * @param host the address
     * @param port the port
     * @return the member
     */
    public static Member of(String host, int port) {
        return new Member(host, port, 1);
    }

    @Override
    public String toString() {
        return host + ':' + port + (weight == 1 ? "" : " (weight " + weight + ')');
    }
}
