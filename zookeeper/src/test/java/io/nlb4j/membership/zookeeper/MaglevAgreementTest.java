package io.nlb4j.membership.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.junit5.WhoAmIServer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.Scheduling;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Two load balancer nodes reading one service from ZooKeeper, both with Maglev: a client's source address reaches
 * the same server through either node, and when a server leaves, the same few sources move on both.
 */
class MaglevAgreementTest {

    private static final int SOURCES = 1000;
    private static final int SERVERS = 10;

    private static RunningLoadBalancer node(String name, String connect) {
        return NetworkLoadBalancer.startNow(LoadBalancerSpec.builder(name).region("local").vpc("lo").zones("z1")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web").scheduling(Scheduling.MAGLEV)
                        .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(Duration.ZERO)
                        .provider("zookeeper", Map.of("connect", connect, "service", "web"))))
                .build(), LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build());
    }

    private static long inService(RunningLoadBalancer lb) {
        return lb.backendService("web").servers().stream().filter(s -> s.state() == ServerStats.State.IN_SERVICE)
                .count();
    }

    /** Source {@code i}: 127.10.(i / 200).(i % 200 + 1), a distinct loopback address each. */
    private static InetAddress source(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 10, (byte) (i / 200), (byte) (i % 200 + 1)});
    }

    /** Who answers each source through a node. */
    private static String[] answers(RunningLoadBalancer lb) throws Exception {
        InetSocketAddress address = lb.listener(0).boundAddress();
        String[] who = new String[SOURCES];
        for (int i = 0; i < SOURCES; i++) {
            who[i] = WhoAmIServer.ask(address, source(i), Duration.ofSeconds(5));
        }
        return who;
    }

    private static int same(String[] a, String[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i].equals(b[i]) ? 1 : 0;
        }
        return n;
    }

    @Test
    void eachSourceReachesTheSameServerThroughEveryNodeAndTheSameFewMoveWhenOneLeaves() throws Exception {
        List<WhoAmIServer> servers = new ArrayList<>();
        List<ZooKeeperRegistration> registrations = new ArrayList<>();
        try (TestingServer zk = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(200))) {
            client.start();
            for (int i = 0; i < SERVERS; i++) {
                WhoAmIServer s = new WhoAmIServer("s" + i);
                servers.add(s);
                registrations.add(ZooKeeperRegistration.register(client, "/services", "web", "127.0.0.1", s.port()));
            }
            try (RunningLoadBalancer a = node("node-a", zk.getConnectString());
                 RunningLoadBalancer b = node("node-b", zk.getConnectString())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(a) == SERVERS && inService(b) == SERVERS);
                String[] beforeA = answers(a);
                String[] beforeB = answers(b);
                assertThat(same(beforeA, beforeB)).as("sources answered alike by both nodes")
                        .isGreaterThanOrEqualTo(SOURCES * 999 / 1000);

                // s3 leaves the registry: both nodes drop it; its sources, and a few more, move alike on both.
                registrations.get(3).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(a) == SERVERS - 1
                        && inService(b) == SERVERS - 1);
                String[] afterA = answers(a);
                String[] afterB = answers(b);
                assertThat(same(afterA, afterB)).isGreaterThanOrEqualTo(SOURCES * 999 / 1000);
                assertThat(afterA).doesNotContain("s3");
                List<Integer> movedA = new ArrayList<>();
                List<Integer> movedB = new ArrayList<>();
                int onS3 = 0;
                for (int i = 0; i < SOURCES; i++) {
                    onS3 += beforeA[i].equals("s3") ? 1 : 0;
                    if (!afterA[i].equals(beforeA[i])) {
                        movedA.add(i);
                    }
                    if (!afterB[i].equals(beforeB[i])) {
                        movedB.add(i);
                    }
                }
                System.out.printf("maglev agreement: %d/%d sources alike before, %d/%d after; %d of %d sources moved"
                        + " (%d were on the server that left)%n", same(beforeA, beforeB), SOURCES,
                        same(afterA, afterB), SOURCES, movedA.size(), SOURCES, onS3);
                assertThat(movedA).isEqualTo(movedB);
                // Every source of the server that left moves; Maglev moves a few more, not many.
                assertThat(movedA.size()).isGreaterThanOrEqualTo(onS3).isLessThanOrEqualTo(SOURCES * 2 / SERVERS);
                assertThat(onS3).isBetween(SOURCES / SERVERS / 2, SOURCES * 2 / SERVERS);
            } finally {
                for (ZooKeeperRegistration r : registrations) {
                    r.close();
                }
            }
        } finally {
            servers.forEach(WhoAmIServer::close);
        }
    }
}
