package io.nlb4j.balancer.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import java.net.InetSocketAddress;
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
                .template(InstanceTemplate.builder(name + "-template").launcher(launcher).port(0));
    }

    /**
     * A fast TCP health check: a probe every 100 ms with a 50 ms timeout; healthy after 1 success, unhealthy
     * after 2 failures.
     */
    static HealthCheck.Tcp.Builder fastHealthCheck() {
        return HealthCheck.tcp().interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50))
                .healthyThreshold(1).unhealthyThreshold(2);
    }

    /** A load balancer with one TCP listener on an ephemeral port in front of the group, as service "web". */
    static LoadBalancerSpec loadBalancer(String name, AvailabilityGroup group, Duration draining) {
        return LoadBalancerSpec.builder(name).region(REGION).vpc(VPC).zones(group.placement().zones())
                .listener(Listener.tcp(0).backendService(BackendService.builder(SERVICE)
                        .connectionDraining(draining)
                        .healthCheck(fastHealthCheck())
                        .availabilityGroup(group)))
                .build();
    }

    /** Loopback only, two event loops. */
    static LoadBalancerOptions options() {
        return LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(2)
                .startTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Whether the group has exactly {@code n} instances, all in service and, as far as the group knows, healthy;
     * and the service exactly their {@code n} servers, all in service and healthy.
     */
    static boolean settledAt(RunningLoadBalancer lb, String group, int n) {
        List<InstanceInfo> instances = lb.availabilityGroup(group).instances();
        List<ServerStats> servers = lb.backendService(SERVICE).servers();
        return instances.size() == n && instances.stream().allMatch(InstanceInfo::servesTraffic)
                && servers.size() == n && servers.stream().allMatch(s -> s.state() == ServerStats.State.IN_SERVICE
                        && s.health() == HealthStatus.HEALTHY)
                && servers.stream().map(ServerStats::address).collect(Collectors.toSet()).equals(instances.stream()
                        .map(GroupSpecs::address).collect(Collectors.toSet()));
    }

    /**
     * Waits until {@code n} instances of the group serve traffic ({@link RunningAvailabilityGroup#awaitServing}),
     * then asserts that the group and the load balancer agree: {@link #settledAt} {@code n}. Only for a group
     * whose desired capacity is {@code n} and that is not scaling in, where {@code n} serving instances means
     * every instance: the group learns an instance's health from the load balancer's check, after the load
     * balancer has applied it, so once the group says {@code n} instances serve, the service's servers must
     * already be healthy.
     *
     * @return the instances
     */
    static List<InstanceInfo> awaitSettledAt(RunningLoadBalancer lb, String group, int n, Duration timeout) {
        RunningAvailabilityGroup running = lb.availabilityGroup(group);
        List<InstanceInfo> serving = running.awaitServing(n).block(timeout);
        assertThat(serving).as("instances serving traffic").hasSize(n);
        assertThat(settledAt(lb, group, n))
                .as("group %s and service %s settled at %d: instances %s, servers %s", group, SERVICE, n,
                        running.instances(), lb.backendService(SERVICE).servers())
                .isTrue();
        return running.instances();
    }

    /** Where an instance serves traffic: the address the load balancer knows its server by. */
    static InetSocketAddress address(InstanceInfo instance) {
        return instance.address().orElseThrow(() -> new AssertionError("instance " + instance + " has no address"));
    }
}
