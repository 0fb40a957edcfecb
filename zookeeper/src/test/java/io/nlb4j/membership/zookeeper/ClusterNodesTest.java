package io.nlb4j.membership.zookeeper;

import static io.nlb4j.membership.zookeeper.ZooKeeperTests.inService;
import static io.nlb4j.membership.zookeeper.ZooKeeperTests.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.LoadBalancerStartException;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.junit5.TestServerFleet;
import io.nlb4j.junit5.TestServers;
import io.nlb4j.junit5.WhoAmIServer;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Cluster;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Two nodes of one load balancer ({@code cluster} in the specification): one runs the availability group, both
 * serve its instances, and when the owner stops the other takes the group over.
 */
class ClusterNodesTest {

    private static LoadBalancerSpec spec(String connect, String node, TestServerFleet<WhoAmIServer> fleet) {
        return spec(connect, node, fleet, Duration.ofSeconds(4));
    }

    private static LoadBalancerSpec spec(String connect, String node, TestServerFleet<WhoAmIServer> fleet,
                                         Duration sessionTimeout) {
        AvailabilityGroup pool = AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("pool-template").launcher(fleet.launcher()).port(0))
                .capacity(1, 2, 4).build();
        return LoadBalancerSpec.builder("web-lb").region("local").vpc("lo").zones("z1")
                .cluster(Cluster.builder().zookeeper(connect).node(node).sessionTimeout(sessionTimeout))
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(Duration.ZERO)
                        .availabilityGroup(pool)))
                .build();
    }

    private static RunningLoadBalancer start(LoadBalancerSpec spec) {
        return NetworkLoadBalancer.startNow(spec, LoadBalancerOptions.builder().bindAddress("127.0.0.1")
                .eventLoopThreads(1).build());
    }

    private static boolean owns(RunningLoadBalancer lb) {
        try {
            lb.availabilityGroup("pool");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Test
    void oneNodeRunsTheGroupBothServeItAndTheOtherTakesItOverWhenTheOwnerStops() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             TestServerFleet<WhoAmIServer> fleetA = TestServers.whoAmIFleet();
             TestServerFleet<WhoAmIServer> fleetB = TestServers.whoAmIFleet()) {
            RunningLoadBalancer a = start(spec(zk.getConnectString(), "node-a", fleetA));
            RunningLoadBalancer b = start(spec(zk.getConnectString(), "node-b", fleetB));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> owns(a) != owns(b));
                RunningLoadBalancer owner = owns(a) ? a : b;
                RunningLoadBalancer other = owner == a ? b : a;
                String ownerName = owner == a ? "node-a" : "node-b";
                RunningAvailabilityGroup group = owner.availabilityGroup("pool");
                await().atMost(Duration.ofSeconds(20)).until(() -> serving(group).size() == 2
                        && inService(a).equals(serving(group)) && inService(b).equals(serving(group)));
                Set<String> ids = group.instances().stream().map(InstanceInfo::id).collect(Collectors.toSet());
                assertThat(ids).contains(WhoAmIServer.ask(a.listener(0).boundAddress()),
                        WhoAmIServer.ask(b.listener(0).boundAddress()));
                assertThatThrownBy(() -> other.availabilityGroup("pool")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("runs on its owner, node " + ownerName + ", not on this node");
                assertThat((owner == a ? fleetB : fleetA).servers()).isEmpty();

                // The owner stops: the other node runs the group, says so, and serves its new instances.
                String otherName = owner == a ? "node-b" : "node-a";
                List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
                Disposable sub = other.events().subscribe(events::add);
                owner.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> owns(other));
                RunningAvailabilityGroup taken = other.availabilityGroup("pool");
                await().atMost(Duration.ofSeconds(20)).until(() -> serving(taken).size() == 2
                        && inService(other).equals(serving(taken)));
                assertThat((owner == a ? fleetA : fleetB).servers()).isEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.GroupOwnerChanged g && g.group().equals("pool")
                                && g.node().equals(otherName) && g.owner().equals(Optional.of(otherName))
                                && g.description().equals("availability group pool: owned by node " + otherName
                                        + " (this node)")));
                sub.dispose();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void whileZooKeeperIsAwayBothNodesServeAndTheGroupIsHeldThenTheViewsConverge() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             TestServerFleet<WhoAmIServer> fleetA = TestServers.whoAmIFleet();
             TestServerFleet<WhoAmIServer> fleetB = TestServers.whoAmIFleet()) {
            // A session outlives the outage (ZooKeeper's test server grants at most 20 s).
            RunningLoadBalancer a = start(spec(zk.getConnectString(), "node-a", fleetA, Duration.ofSeconds(20)));
            RunningLoadBalancer b = start(spec(zk.getConnectString(), "node-b", fleetB, Duration.ofSeconds(20)));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> owns(a) != owns(b));
                RunningAvailabilityGroup group = (owns(a) ? a : b).availabilityGroup("pool");
                await().atMost(Duration.ofSeconds(20)).until(() -> serving(group).size() == 2
                        && inService(a).equals(serving(group)) && inService(b).equals(serving(group)));

                // ZooKeeper stops for 10 s. The owner holds its group: a capacity set now waits. Traffic through
                // both nodes goes on, every connection served.
                zk.stop();
                await().atMost(Duration.ofSeconds(10)).until(group::isHeld);
                group.setDesiredCapacity(3).block(Duration.ofSeconds(5));
                int asked = 0;
                int failed = 0;
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                for (int i = 0; i < 50_000 && System.nanoTime() < end; i++) {
                    for (RunningLoadBalancer lb : new RunningLoadBalancer[] {a, b}) {
                        asked++;
                        try {
                            WhoAmIServer.ask(lb.listener(0).boundAddress(), Duration.ofSeconds(2));
                        } catch (RuntimeException e) {
                            failed++;
                        }
                    }
                }
                System.out.printf("ZooKeeper away for 10 s: %d connections through the two nodes, %d failed%n", asked,
                        failed);
                assertThat(failed).as("failed of %d connections while ZooKeeper was away", asked).isZero();
                assertThat(serving(group)).hasSize(2);
                assertThat(group.isHeld()).isTrue();

                // It returns: the group is released, reaches the capacity set meanwhile, and both nodes follow.
                zk.restart();
                await().atMost(Duration.ofSeconds(30)).until(() -> !group.isHeld() && serving(group).size() == 3
                        && inService(a).equals(serving(group)) && inService(b).equals(serving(group)));
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void theOwnerReplacesAnInstanceItsChecksFindUnhealthy() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             TestServerFleet<WhoAmIServer> fleet = TestServers.whoAmIFleet()) {
            AvailabilityGroup pool = AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1")
                    .template(InstanceTemplate.builder("pool-template").launcher(fleet.launcher()).port(0))
                    .capacity(1, 2, 4).replaceUnhealthyAfter(Duration.ofMillis(300)).build();
            LoadBalancerSpec spec = LoadBalancerSpec.builder("web-lb").region("local").vpc("lo").zones("z1")
                    .cluster(Cluster.builder().zookeeper(zk.getConnectString()).node("node-a")
                            .sessionTimeout(Duration.ofSeconds(4)))
                    .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                            .healthCheck(HealthCheck.http(io.nlb4j.junit5.TestServer.HEALTH_PATH)
                                    .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(80))
                                    .healthyThreshold(1).unhealthyThreshold(1))
                            .connectionDraining(Duration.ZERO).availabilityGroup(pool)))
                    .build();
            try (RunningLoadBalancer lb = start(spec)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> owns(lb));
                RunningAvailabilityGroup group = lb.availabilityGroup("pool");
                await().atMost(Duration.ofSeconds(20)).until(() -> serving(group).size() == 2);
                String sick = group.instances().get(0).id();
                fleet.server(sick).unhealthy(true);
                await().atMost(Duration.ofSeconds(20)).until(() -> group.instances().stream()
                        .noneMatch(i -> i.id().equals(sick)) && serving(group).size() == 2
                        && inService(lb).equals(serving(group)));
            }
        }
    }

    @Test
    void anUnreachableEnsembleFailsTheStartNamingIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (TestServerFleet<WhoAmIServer> fleet = TestServers.whoAmIFleet()) {
            assertThatThrownBy(() -> start(spec("127.0.0.1:" + closed, "node-a", fleet)))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessageContaining("cluster.zookeeper.connect: \"127.0.0.1:" + closed + "\" (expected: a"
                            + " reachable ZooKeeper ensemble; no connection within 10 s)");
            assertThat(fleet.servers()).isEmpty();
        }
    }
}
