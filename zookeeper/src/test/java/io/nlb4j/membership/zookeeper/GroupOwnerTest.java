package io.nlb4j.membership.zookeeper;

import static io.nlb4j.membership.zookeeper.ZooKeeperTests.expireSession;
import static io.nlb4j.membership.zookeeper.ZooKeeperTests.inService;
import static io.nlb4j.membership.zookeeper.ZooKeeperTests.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.junit5.TestServerFleet;
import io.nlb4j.junit5.TestServers;
import io.nlb4j.junit5.WhoAmIServer;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Two nodes run an owner for one availability group: one runs it, a load balancer reading the registry serves its
 * instances, and when the owner's session ends the other takes the group over at the capacity last set.
 */
class GroupOwnerTest {

    private static final String BASE = "/nlb4j/web-lb";

    private static CuratorFramework client(TestingServer zk) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(3000).connectionTimeoutMs(3000).retryPolicy(new RetryOneTime(200))
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy()).build();
        c.start();
        c.blockUntilConnected();
        return c;
    }

    private static AvailabilityGroup group(TestServerFleet<WhoAmIServer> fleet) {
        return AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("pool-template").launcher(fleet.launcher()).port(0))
                .capacity(1, 2, 4).build();
    }

    @Test
    void oneNodeRunsTheGroupAndAnotherTakesItOverAtTheLastCapacityWhenItsSessionEnds() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             TestServerFleet<WhoAmIServer> fleetA = TestServers.whoAmIFleet();
             TestServerFleet<WhoAmIServer> fleetB = TestServers.whoAmIFleet();
             CuratorFramework clientA = client(zk);
             CuratorFramework clientB = client(zk);
             ZooKeeperGroupOwner a = ZooKeeperGroupOwner.start(group(fleetA), clientA, BASE, "node-a",
                     GroupOptions.defaults(), Duration.ZERO);
             ZooKeeperGroupOwner b = ZooKeeperGroupOwner.start(group(fleetB), clientB, BASE, "node-b",
                     GroupOptions.defaults(), Duration.ZERO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("edge").region("local")
                     .vpc("lo").zones("z1").listener(Listener.tcp(0).backendService(BackendService.builder("web")
                             .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(Duration.ZERO)
                             .provider("zookeeper", Map.of("connect", zk.getConnectString(),
                                     "basePath", BASE + "/instances", "service", "pool")))).build(),
                     LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build())) {
            // Exactly one node runs the group; the load balancer serves its instances.
            await().atMost(Duration.ofSeconds(20)).until(() -> a.owns() != b.owns());
            ZooKeeperGroupOwner first = a.owns() ? a : b;
            ZooKeeperGroupOwner second = first == a ? b : a;
            CuratorFramework firstClient = first == a ? clientA : clientB;
            TestServerFleet<WhoAmIServer> firstFleet = first == a ? fleetA : fleetB;
            TestServerFleet<WhoAmIServer> secondFleet = first == a ? fleetB : fleetA;
            RunningAvailabilityGroup g1 = first.group().orElseThrow();
            assertThat(second.owner()).isEqualTo(first.owner()).isPresent();
            await().atMost(Duration.ofSeconds(20)).until(() -> serving(g1).size() == 2
                    && inService(lb).equals(serving(g1)));
            assertThat(secondFleet.servers()).as("nothing launched on the node that does not own the group").isEmpty();

            // The owner scales out; then its session ends. It stops its instances; the other node takes the group
            // over at the capacity last set, and the load balancer follows.
            g1.setDesiredCapacity(3).block(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(20)).until(() -> serving(g1).size() == 3
                    && inService(lb).equals(serving(g1)));
            expireSession(firstClient, zk.getConnectString());
            await().atMost(Duration.ofSeconds(30)).until(() -> second.owns() && !first.owns());
            RunningAvailabilityGroup g2 = second.group().orElseThrow();
            assertThat(g2.capacity().desired()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(20)).until(() -> serving(g2).size() == 3
                    && inService(lb).equals(serving(g2)));
            await().atMost(Duration.ofSeconds(20)).until(() -> firstFleet.servers().isEmpty());
            assertThat(secondFleet.servers()).hasSize(3);
            String answer = WhoAmIServer.ask(lb.listener(0).boundAddress());
            assertThat(g2.instances().stream().map(InstanceInfo::id)).contains(answer);
            assertThat(first.owns()).as("the first node, back with a new session, waits").isFalse();
        }
    }
}
