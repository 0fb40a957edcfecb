package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.LoadBalancerEvent.LeaveCause;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The source of a service with a static server list: the list from the specification, changed only by hand
 * ({@code addServer}, {@code removeServer}, {@code setWeight}). Each change is a new snapshot applied to the service,
 * the same path every other source takes. Control context only.
 */
final class StaticMembership {

    private final ServiceRuntime service;
    private final Map<InetSocketAddress, Integer> members = new LinkedHashMap<>();

    StaticMembership(ServiceRuntime service, Map<InetSocketAddress, Integer> initial) {
        this.service = service;
        this.members.putAll(initial);
    }

    void start() {
        service.apply(Map.copyOf(members), LeaveCause.REMOVED);
    }

    void add(InetSocketAddress address, int weight) {
        members.put(address, weight);
        service.apply(new LinkedHashMap<>(members), LeaveCause.REMOVED);
    }

    boolean remove(InetSocketAddress address) {
        if (members.remove(address) == null) {
            return false;
        }
        service.apply(new LinkedHashMap<>(members), LeaveCause.REMOVED);
        return true;
    }

    boolean contains(InetSocketAddress address) {
        return members.containsKey(address);
    }

    void setWeight(InetSocketAddress address, int weight) {
        members.put(address, weight);
        service.apply(new LinkedHashMap<>(members), LeaveCause.REMOVED);
    }
}
