package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The membership provider of a service with a static server list: the list from the specification, changed only by
 * hand ({@code addServer}, {@code removeServer}, {@code setWeight}). Each change publishes a new snapshot, which
 * reaches the service the way every other source's snapshots do. Changed in the control context only.
 */
final class StaticMembership implements MembershipProvider {

    private final Map<InetSocketAddress, Integer> members = new LinkedHashMap<>();
    private final Sinks.Many<Set<Member>> snapshots = Sinks.many().replay().latest();

    StaticMembership() {
        publish();
    }

    @Override
    public Flux<Set<Member>> members() {
        return snapshots.asFlux();
    }

    void add(InetSocketAddress address, int weight) {
        Sources.member(address, weight); // a member that cannot be made fails here, before anything changes
        members.put(address, weight);
        publish();
    }

    /** Replaces the whole list at once: one snapshot (a live update's). */
    void replace(Map<InetSocketAddress, Integer> list) {
        list.keySet().forEach(a -> Sources.member(a, 1)); // as add: nothing changes if one cannot be made
        members.clear();
        members.putAll(list);
        publish();
    }

    boolean remove(InetSocketAddress address) {
        if (members.remove(address) == null) {
            return false;
        }
        publish();
        return true;
    }

    boolean contains(InetSocketAddress address) {
        return members.containsKey(address);
    }

    void setWeight(InetSocketAddress address, int weight) {
        members.put(address, weight);
        publish();
    }

    private void publish() {
        Set<Member> snapshot = new LinkedHashSet<>();
        members.forEach((address, weight) -> snapshot.add(Sources.member(address, weight)));
        snapshots.tryEmitNext(Collections.unmodifiableSet(snapshot)); // in the order they joined
    }

    @Override
    public String toString() {
        return "static" + members.keySet();
    }
}
