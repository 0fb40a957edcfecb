package io.nlb4j.membership.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.junit5.TestServer;
import io.nlb4j.junit5.WhoAmIServer;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Cluster;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.StaticServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Nodes that vote on health ({@code cluster.healthQuorum: 2}): a server one node alone finds unhealthy goes on
 * serving; once two nodes find it so, every node avoids it.
 */
class HealthQuorumTest {

    private static RunningLoadBalancer node(String connect, String name, WhoAmIServer... servers) {
        BackendService.Builder web = BackendService.builder("web").connectionDraining(Duration.ZERO)
                .healthCheck(HealthCheck.http(TestServer.HEALTH_PATH).interval(Duration.ofMillis(100))
                        .timeout(Duration.ofMillis(80)).healthyThreshold(1).unhealthyThreshold(1));
        web.staticServers(java.util.Arrays.stream(servers).map(s -> StaticServer.of("127.0.0.1", s.port()))
                .toList());
        return NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("quorum-lb").region("local").vpc("lo")
                .zones("z1").cluster(Cluster.builder().zookeeper(connect).node(name).healthQuorum(2)
                        .sessionTimeout(Duration.ofSeconds(4)))
                .listener(Listener.tcp(0).backendService(web)).build(),
                LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build());
    }

    /** Who answers 10 new connections through a node. */
    private static Set<String> answers(RunningLoadBalancer lb) {
        Set<String> who = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            who.add(WhoAmIServer.ask(lb.listener(0).boundAddress()));
        }
        return who;
    }

    private static HealthStatus ownView(RunningLoadBalancer lb, WhoAmIServer s) {
        return lb.backendService("web").servers().stream().filter(x -> x.address().equals(s.address()))
                .findFirst().orElseThrow().health();
    }

    @Test
    void aServerIsAvoidedOnceAQuorumOfNodesFindsItUnhealthy() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             WhoAmIServer one = new WhoAmIServer("one");
             WhoAmIServer two = new WhoAmIServer("two")) {
            one.unhealthy(true);
            try (RunningLoadBalancer a = node(zk.getConnectString(), "node-a", one, two)) {
                // node-a alone finds one unhealthy: one vote of the two needed, so it still serves.
                await().atMost(Duration.ofSeconds(10)).until(() -> ownView(a, one) == HealthStatus.UNHEALTHY);
                assertThat(answers(a)).containsExactlyInAnyOrder("one", "two");

                try (RunningLoadBalancer b = node(zk.getConnectString(), "node-b", one, two)) {
                    // node-b finds it unhealthy too: two votes, and both nodes avoid it.
                    await().atMost(Duration.ofSeconds(10)).until(() -> answers(a).equals(Set.of("two"))
                            && answers(b).equals(Set.of("two")));

                    // It recovers: both serve it again.
                    one.unhealthy(false);
                    await().atMost(Duration.ofSeconds(10)).until(() -> answers(a).contains("one")
                            && answers(b).contains("one"));

                    // Unhealthy again, then node-b leaves: node-a's vote alone does not avoid it.
                    one.unhealthy(true);
                    await().atMost(Duration.ofSeconds(10)).until(() -> answers(a).equals(Set.of("two")));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> answers(a).contains("one"));
                assertThat(ownView(a, one)).isEqualTo(HealthStatus.UNHEALTHY);
            }
        }
    }
}
