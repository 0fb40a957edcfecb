package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.membership.Member;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Between members as sources publish them (host, port, weight) and the resolved addresses a service keeps. */
final class Sources {

    private static final Logger log = LoggerFactory.getLogger(Sources.class);

    private Sources() {
    }

    /** A member for a resolved address: its IP literal, so that turning it back into an address needs no DNS. */
    static Member member(InetSocketAddress address, int weight) {
        return new Member(address.getAddress().getHostAddress(), address.getPort(), weight);
    }

    /**
     * Resolves a snapshot. Host names are looked up (which may block: call it off the control context unless every
     * host is an IP literal); a member that does not resolve is left out until it does.
     */
    static Map<InetSocketAddress, Integer> resolve(Set<Member> members) {
        Map<InetSocketAddress, Integer> out = new LinkedHashMap<>();
        for (Member m : members) {
            InetSocketAddress a = new InetSocketAddress(m.host(), m.port());
            if (a.isUnresolved()) {
                log.warn("membership: {} does not resolve; left out until it does", m);
            } else {
                out.put(a, m.weight());
            }
        }
        return out;
    }
}
