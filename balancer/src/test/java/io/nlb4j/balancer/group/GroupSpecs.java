package io.nlb4j.balancer.group;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.healthcheck.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerGroup;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Specifications and small queries shared by the availability-group integration tests. */
final class GroupSpecs {

    static final String REGION = "local";
    static final String VPC = "loopback";
    static final String SERVICE = "web";

    private GroupSpecs() {
    }

    /** A group builder in the test region and VPC whose instances come from a launcher and bind port 0. */
    static AvailabilityGroup.Builder group(String name, InstanceLauncher launcher, String... zones) {
        return AvailabilityGroup.builder(name).region(REGION).vpc(VPC).zones(zones)
                .template(InstanceTemplate.builder(name + "-template").launcher(launcher).port(0).build());
    }

    /**
     * A fast TCP health check: a probe every 100 ms with a 50 ms timeout; healthy after 1 success, unhealthy
     * after 2 failures.
     */
    static HealthCheck.Builder fastHealthCheck() {
        return HealthCheck.tcp().interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50))
                .healthyThreshold(1).unhealthyThreshold(2);
    }

    /** A load balancer with one TCP listener on an ephemeral port in front of the group, as service "web". */
    static LoadBalancerSpec loadBalancer(String name, AvailabilityGroup group, Duration draining) {
        return LoadBalancerSpec.builder(name).region(REGION).vpc(VPC).zones(group.placement().zones()
                        .toArray(String[]::new))
                .listener(Listener.tcp(0).backendService(BackendService.builder(SERVICE)
                        .connectionDraining(draining)
                        .healthCheck(fastHealthCheck())
                        .servers(ServerGroup.availabilityGroup(group))))
                .build();
    }

    /** Loopback only, two event loops. */
    static LoadBalancerOptions options() {
        return LoadBalancerOptions.defaults().bindAddress("127.0.0.1").eventLoopThreads(2)
                .startTimeout(Duration.ofSeconds(30));
    }

    static List<InstanceInfo> inService(RunningAvailabilityGroup group) {
        return group.instances().stream().filter(i -> i.state() == InstanceState.IN_SERVICE)
                .collect(Collectors.toList());
    }

    /**
     * Whether the group has exactly {@code n} instances, all in service, and the service exactly their {@code n}
     * servers, all in service and healthy.
     */
    static boolean settledAt(RunningLoadBalancer lb, String group, int n) {
        List<InstanceInfo> instances = lb.availabilityGroup(group).instances();
        List<ServerStats> servers = lb.backendService(SERVICE).servers();
        return instances.size() == n && instances.stream().allMatch(i -> i.state() == InstanceState.IN_SERVICE)
                && servers.size() == n && servers.stream().allMatch(s -> s.state() == ServerStats.State.IN_SERVICE
                        && s.health() == HealthStatus.HEALTHY)
                && servers.stream().map(ServerStats::address).collect(Collectors.toSet()).equals(instances.stream()
                        .map(i -> i.address().orElseThrow()).collect(Collectors.toSet()));
    }

    /** {@code 127.0.0.1:port}, as the load balancer names a server in its events. */
    static String key(InstanceInfo instance) {
        return instance.address().map(a -> a.getHostString() + ':' + a.getPort()).orElseThrow();
    }
}
