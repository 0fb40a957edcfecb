package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.group.GroupMembership;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.model.AvailabilityGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * An availability group as the membership provider of the backend services it serves: its in-service instances
 * are their members, all with weight 1. Registering or deregistering an instance publishes a new snapshot, which
 * every service applies (in the same control-context task); a deregistered instance is reported drained once it
 * has left all of them. The services' health checks are reported back to the group, which replaces instances that
 * stay unhealthy. The group runs in the load balancer's control context, so these calls need no locks.
 */
final class GroupMembers implements GroupMembership, MembershipProvider {

    private static final Logger log = LoggerFactory.getLogger(GroupMembers.class);

    private final AvailabilityGroup spec;
    private final List<ServiceRuntime> services = new ArrayList<>();
    /** Server address to the instance that listens there. */
    private final Map<InetSocketAddress, String> instances = new LinkedHashMap<>();
    private final Sinks.Many<Set<Member>> snapshots = Sinks.many().replay().latest();
    /** The last health the services reported per address (one service's view when several share the group). */
    private final Map<InetSocketAddress, HealthStatus> reported = new HashMap<>();
    private RunningAvailabilityGroup running;

    GroupMembers(AvailabilityGroup spec) {
        this.spec = spec;
        publish();
    }

    @Override
    public Flux<Set<Member>> members() {
        return snapshots.asFlux();
    }

    void serve(ServiceRuntime service) {
        services.add(service);
        service.onHealth((address, health) -> {
            reported.put(address, health);
            String id = instances.get(address);
            if (id != null && running != null) {
                running.reportHealth(id, health);
            }
        });
    }

    /**
     * The group has started: the health reported for its instances while it was starting (before its handle
     * existed) is passed on now.
     */
    void running(RunningAvailabilityGroup group) {
        this.running = group;
        instances.forEach((address, id) -> {
            HealthStatus health = reported.get(address);
            if (health != null) {
                group.reportHealth(id, health);
            }
        });
    }

    RunningAvailabilityGroup running() {
        return running;
    }

    AvailabilityGroup spec() {
        return spec;
    }

    /** The port of instances whose template has none: the first service's port, else ephemeral. */
    int defaultPort() {
        return services.get(0).spec.port().orElse(0);
    }

    int activeConnections() {
        return services.stream().mapToInt(ServiceRuntime::activeConnections).sum();
    }

    /** With active health checks on every service, instances count as healthy only once their checks pass. */
    @Override
    public boolean reportsHealth() {
        return services.stream().allMatch(ServiceRuntime::activelyChecked);
    }

    @Override
    public void register(InstanceInfo instance) {
        InetSocketAddress address = instance.address().orElseThrow(() -> new IllegalArgumentException(
                "instance " + instance.id() + ": no address (expected: the address its launcher reported)"));
        String previous = instances.put(address, instance.id());
        if (previous != null && !previous.equals(instance.id())) {
            log.warn("availability group {}: instance {} listens on {}, still registered for instance {}, which no"
                    + " longer does; the server now stands for {}", spec.name(), instance.id(), address, previous,
                    instance.id());
            // The previous instance's server goes, so that the new instance starts afresh: pending its first health
            // check, with no ejection carried over.
            services.forEach(s -> s.forget(address));
        }
        publish();
    }

    @Override
    public Mono<Void> deregister(InstanceInfo instance) {
        InetSocketAddress address = instance.address().orElse(null);
        if (address == null || !instance.id().equals(instances.get(address))) {
            // Its address has been taken over by another instance: the servers there are the other instance's.
            return Mono.empty();
        }
        instances.remove(address);
        reported.remove(address);
        publish();
        List<Mono<Void>> gone = new ArrayList<>();
        for (ServiceRuntime s : services) {
            gone.add(s.whenGone(address));
        }
        return Mono.when(gone);
    }

    private void publish() {
        Set<Member> members = new LinkedHashSet<>();
        instances.keySet().forEach(a -> members.add(Sources.member(a, 1)));
        snapshots.tryEmitNext(Collections.unmodifiableSet(members)); // in the order they joined
    }
}
