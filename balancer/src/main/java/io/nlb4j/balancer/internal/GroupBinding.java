package io.nlb4j.balancer.internal;

import io.nlb4j.group.AvailabilityGroups;
import io.nlb4j.group.GroupMembership;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.HealthCheck;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Associates a running availability group with the backend services it serves: each in-service instance
 * is registered as a server of every one of them (instance port, equal weights), and deregistered — drained
 * with each service's draining timeout — before the group terminates it. The group runs on the load
 * balancer's control thread, so these callbacks need no locks.
 */
final class GroupBinding implements GroupMembership {

    private static final Logger log = LoggerFactory.getLogger(GroupBinding.class);

    private final AvailabilityGroup spec;
    private final List<ServiceRuntime> services = new ArrayList<>();
    /** Control thread only: server address to instance id. */
    private final Map<InetSocketAddress, String> instances = new HashMap<>();
    private RunningAvailabilityGroup running;

    GroupBinding(AvailabilityGroup spec) {
        this.spec = spec;
    }

    void serve(ServiceRuntime service) {
        services.add(service);
        service.healthListener = (address, healthy) -> {
            String id = instances.get(address);
            if (id != null && running != null) {
                running.reportHealth(id, healthy);
            }
        };
    }

    void start(Control control, LongSupplier ticker) {
        int port = services.get(0).spec().port().orElse(0);
        running = AvailabilityGroups.start(spec, this, GroupOptions.defaults()
                .scheduler(control.scheduler())
                .ticker(ticker)
                .defaultPort(port)
                .activeConnections(() -> services.stream().mapToInt(ServiceRuntime::activeConnections).sum()));
    }

    RunningAvailabilityGroup running() {
        return running;
    }

    /** Whether the group has its desired number of instances in service. */
    boolean settled() {
        return running == null || running.instances().stream().filter(i -> i.state() == InstanceState.IN_SERVICE)
                .count() >= running.capacity().desired();
    }

    /** With active health checks, a replaced instance drains only once its replacement is healthy. */
    @Override
    public boolean reportsHealth() {
        return services.stream().allMatch(s -> s.spec().healthCheck().type() != HealthCheck.Type.NONE);
    }

    @Override
    public void register(InstanceInfo instance) {
        InetSocketAddress address = instance.address().orElseThrow(() -> new IllegalArgumentException(
                "instance " + instance.id() + ": no address (expected: the address its launcher reported)"));
        String previous = instances.put(address, instance.id());
        boolean takenOver = previous != null && !previous.equals(instance.id());
        if (takenOver) {
            log.warn("availability group {}: instance {} listens on {}, still registered for instance {}, which no"
                    + " longer does; the server now stands for {}", spec.name(), instance.id(), address, previous,
                    instance.id());
        }
        for (ServiceRuntime s : services) {
            if (takenOver && s.has(address)) {
                // The previous instance's server entry goes (at once if it has no open connection), so that the new
                // instance starts afresh: pending its first health check, with no ejection carried over.
                s.remove(address, "instance " + previous + " no longer listens there; instance " + instance.id()
                        + " does");
            }
            s.add(address, 1);
        }
    }

    @Override
    public Mono<Void> deregister(InstanceInfo instance) {
        InetSocketAddress address = instance.address().orElse(null);
        if (address == null || !instance.id().equals(instances.get(address))) {
            // Its address has been taken over by another instance (its port was freed and handed out again):
            // the servers at that address are the other instance's, not to be drained.
            return Mono.empty();
        }
        List<Mono<Void>> drained = new ArrayList<>();
        for (ServiceRuntime s : services) {
            if (s.has(address)) {
                drained.add(s.remove(address, "instance " + instance.id() + " leaving group " + spec.name()).asMono());
            }
        }
        return Mono.when(drained).doFinally(signal -> instances.remove(address, instance.id()));
    }
}
