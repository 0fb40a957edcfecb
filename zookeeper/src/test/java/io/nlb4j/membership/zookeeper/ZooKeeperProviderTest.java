package io.nlb4j.membership.zookeeper;

import static io.nlb4j.membership.zookeeper.ZooKeeperTests.expireSession;
import static io.nlb4j.membership.zookeeper.ZooKeeperTests.inService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** The zookeeper provider against a real ZooKeeper (Curator's TestingServer), fed by curator-x-discovery itself. */
class ZooKeeperProviderTest {

    private static RunningLoadBalancer start(String connect) {
        return NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("zk-lb").region("local").vpc("lo").zones("z1")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(Duration.ZERO)
                        .provider("zookeeper", Map.of("connect", connect, "basePath", "/services",
                                "service", "web"))))
                .build(), LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build());
    }

    /** An application registering itself as curator-x-discovery's own users do, with a payload of its own. */
    private static ServiceDiscovery<String> registerWithCurator(CuratorFramework client, int port) throws Exception {
        ServiceInstance<String> me = ServiceInstance.<String>builder().name("web").address("127.0.0.1").port(port)
                .payload("zone-a").build();
        ServiceDiscovery<String> d = ServiceDiscoveryBuilder.builder(String.class).client(client)
                .basePath("/services").thisInstance(me).build();
        d.start();
        return d;
    }

    private static CuratorFramework client(TestingServer zk) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(5000).connectionTimeoutMs(5000).retryPolicy(new RetryOneTime(200)).build();
        c.start();
        c.blockUntilConnected();
        return c;
    }

    @Test
    void instancesRegisteredWithCuratorServeAnEndedSessionDrainsAndAnOutageKeepsTheLastView() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            CuratorFramework appA = client(zk);
            CuratorFramework appB = client(zk);
            registerWithCurator(appA, 9001);
            registerWithCurator(appB, 9002);
            InetSocketAddress one = new InetSocketAddress("127.0.0.1", 9001);
            InetSocketAddress two = new InetSocketAddress("127.0.0.1", 9002);
            InetSocketAddress three = new InetSocketAddress("127.0.0.1", 9003);
            try (RunningLoadBalancer lb = start(zk.getConnectString())) {
                List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
                Disposable sub = lb.events().subscribe(events::add);
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).equals(Set.of(one, two)));

                // B's application ends, and its session with it: its ephemeral node goes, and so does the server.
                appB.close();
                await().atMost(Duration.ofSeconds(15)).until(() -> inService(lb).equals(Set.of(one)));

                // ZooKeeper goes away: the last view keeps serving, and the loss is reported.
                zk.stop();
                await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.MembershipProblem p && p.provider().equals("zookeeper")));
                assertThat(inService(lb)).containsExactly(one);

                // It comes back; changes made then are applied.
                zk.restart();
                CuratorFramework appC = client(zk);
                registerWithCurator(appC, 9003);
                await().atMost(Duration.ofSeconds(20)).until(() -> inService(lb).contains(three));
                appA.close(); // A's application ends: its node goes with its session, at once or when it expires
                await().atMost(Duration.ofSeconds(20)).until(() -> !inService(lb).contains(one));
                sub.dispose();
                appC.close();
            } finally {
                appA.close(); // again, should the test have failed before
            }
        }
    }

    @Test
    void anInstanceWhoseSessionExpiresIsDrained() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            CuratorFramework app = client(zk);
            try (RunningLoadBalancer lb = start(zk.getConnectString())) {
                List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
                Disposable sub = lb.events().subscribe(events::add);
                registerWithCurator(app, 9201);
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", 9201);
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).contains(address));

                // The server ends the application's session (as when its heartbeats stop for the session timeout):
                // its ephemeral node goes, and the load balancer drains the server.
                expireSession(app, zk.getConnectString());
                await().atMost(Duration.ofSeconds(15)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.ServerDraining d && d.server().equals(address)));
                sub.dispose();
            } finally {
                app.close();
            }
        }
    }

    @Test
    void anInstanceMarkedDisabledIsLeftOutAndDrainsWhenItIsMarkedSo() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            CuratorFramework app = client(zk);
            try (RunningLoadBalancer lb = start(zk.getConnectString())) {
                registerWithCurator(app, 9301);
                // A registrant that writes the JSON's "enabled" field (Curator's own serializer leaves it out).
                String node = "/services/web/b";
                app.create().withMode(CreateMode.EPHEMERAL).forPath(node, instanceJson(9302, false));
                InetSocketAddress on = new InetSocketAddress("127.0.0.1", 9301);
                InetSocketAddress second = new InetSocketAddress("127.0.0.1", 9302);
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).equals(Set.of(on))
                        && lb.backendService("web").servers().size() == 1);

                app.setData().forPath(node, instanceJson(9302, true));
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).equals(Set.of(on, second)));
                app.setData().forPath(node, instanceJson(9302, false));
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).equals(Set.of(on)));
            } finally {
                app.close();
            }
        }
    }

    private static byte[] instanceJson(int port, boolean enabled) {
        return ("{\"name\":\"web\",\"id\":\"b\",\"address\":\"127.0.0.1\",\"port\":" + port
                + ",\"payload\":null,\"registrationTimeUTC\":0,\"serviceType\":\"DYNAMIC\",\"enabled\":" + enabled
                + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theRegistrationApiRegistersAnEphemeralServer() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            CuratorFramework app = client(zk);
            try (RunningLoadBalancer lb = start(zk.getConnectString())) {
                ZooKeeperRegistration r = ZooKeeperRegistration.register(app, "/services", "web", "127.0.0.1", 9100);
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", 9100);
                await().atMost(Duration.ofSeconds(10)).until(() -> inService(lb).contains(address));
                r.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> !inService(lb).contains(address));
            } finally {
                app.close();
            }
        }
    }

    @Test
    void badPropertiesAreNamed() {
        ZooKeeperMembershipProviderFactory f = new ZooKeeperMembershipProviderFactory();
        assertThat(f.check(Map.of("connect", "zk1:2181", "service", "web"))).isEmpty();
        assertThat(f.check(Map.of("service", "web"))).containsExactly("connect: missing (expected: HOST:PORT,...,"
                + " such as zk1:2181,zk2:2181)");
        assertThat(f.check(Map.of("connect", "zk1", "service", "a/b", "basePath", "services"))).containsExactly(
                "connect: \"zk1\" (expected: HOST:PORT,..., such as zk1:2181,zk2:2181)",
                "basePath: \"services\" (expected: a ZooKeeper path such as /services)",
                "service: \"a/b\" (expected: the service's name, without a slash)");
    }
}
