package io.nlb4j.membership.zookeeper;

import static io.nlb4j.membership.zookeeper.ZooKeeperTests.inService;
import static io.nlb4j.membership.zookeeper.ZooKeeperTests.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
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
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.Test;

/**
 * An availability group's in-service instances published to ZooKeeper, read back by Curator's own discovery and
 * by a second load balancer through the zookeeper provider.
 */
class GroupPublisherTest {

    private static LoadBalancerOptions options() {
        return LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build();
    }

    private static Set<String> registered(ServiceDiscovery<Void> discovery) throws Exception {
        return discovery.queryForInstances("web").stream().map(ServiceInstance::getId).collect(Collectors.toSet());
    }

    @Test
    void inServiceInstancesArePublishedAndWithdrawnAsTheGroupScales() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             TestServerFleet<WhoAmIServer> fleet = TestServers.whoAmIFleet();
             CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(200))) {
            client.start();
            AvailabilityGroup group = AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1")
                    .template(InstanceTemplate.builder("pool-template").launcher(fleet.launcher()).port(0))
                    .capacity(1, 2, 3).build();
            try (RunningLoadBalancer front = NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("front")
                    .region("local").vpc("lo").zones("z1").listener(Listener.tcp(0).backendService(
                            BackendService.builder("pool").healthCheck(HealthCheck.none(OutlierDetection.off()))
                                    .connectionDraining(Duration.ZERO).availabilityGroup(group))).build(), options());
                 ServiceDiscovery<Void> discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client)
                         .basePath("/services").serializer(new AnyPayloadSerializer()).build()) {
                discovery.start();
                RunningAvailabilityGroup pool = front.availabilityGroup("pool");
                pool.awaitServing(2).block(Duration.ofSeconds(20));
                ZooKeeperGroupPublisher publisher = ZooKeeperGroupPublisher.publish(pool, client, "/services", "web");

                // Instances already in service are published, under their ids; Curator's own discovery finds them.
                Set<String> ids = pool.instances().stream().map(InstanceInfo::id).collect(Collectors.toSet());
                await().atMost(Duration.ofSeconds(10)).until(() -> registered(discovery).equals(ids));
                assertThat(publisher.published()).isEqualTo(ids);

                // Another load balancer reads them through the zookeeper provider.
                try (RunningLoadBalancer edge = NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("edge")
                        .region("local").vpc("lo").zones("z1").listener(Listener.tcp(0).backendService(
                                BackendService.builder("web").healthCheck(HealthCheck.none(OutlierDetection.off()))
                                        .connectionDraining(Duration.ZERO).provider("zookeeper", Map.of("connect",
                                                zk.getConnectString(), "service", "web")))).build(), options())) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> inService(edge).equals(serving(pool)));
                    String answer = WhoAmIServer.ask(edge.listener(0).boundAddress());
                    assertThat(ids).contains(answer);

                    // Scaling out publishes the new instance; scaling in withdraws the one that leaves.
                    pool.setDesiredCapacity(3).block(Duration.ofSeconds(10));
                    await().atMost(Duration.ofSeconds(20)).until(() -> serving(pool).size() == 3
                            && inService(edge).equals(serving(pool)));
                    pool.setDesiredCapacity(1).block(Duration.ofSeconds(10));
                    await().atMost(Duration.ofSeconds(20)).until(() -> serving(pool).size() == 1
                            && inService(edge).equals(serving(pool)) && registered(discovery).size() == 1);
                }

                // Closing the publisher withdraws what it published.
                publisher.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> registered(discovery).isEmpty());
            }
        }
    }
}
