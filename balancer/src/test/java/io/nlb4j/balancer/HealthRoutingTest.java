package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertRefused;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.HealthCause;
import io.nlb4j.balancer.LoadBalancerEvent.ServerHealthy;
import io.nlb4j.balancer.LoadBalancerEvent.ServerUnhealthy;
import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.StaticServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Health-driven routing: active checks, passive ejection, and the all-unhealthy and close policies. */
class HealthRoutingTest {

    private static HealthCheck.Http.Builder httpCheck() {
        return HealthCheck.http("/health").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(80))
                .healthyThreshold(1).unhealthyThreshold(2).outlierDetection(OutlierDetection.off());
    }

    private static LoadBalancerSpec spec(HealthCheck.Builder<?> check, StaticServer... servers) {
        return Fixtures.spec("health", Listener.tcp(0).backendService(BackendService.builder("web")
                .healthCheck(check)
                .connectionDraining(Duration.ofSeconds(1))
                .staticServers(servers)));
    }

    /** A client that says hello and returns the name of the server it reached. */
    private static String hello(RunningListener listener) throws IOException {
        try (Socket s = connect(listener)) {
            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            return readLine(s);
        }
    }

    private static HealthStatus health(RunningLoadBalancer lb, HealthServer server) {
        return Fixtures.statsOf(lb.backendService("web"), server.backend).health();
    }

    @Test
    void anUnhealthyServerGetsNoNewConnectionUntilItRecovers() throws Exception {
        try (HealthServer a = new HealthServer("a"); HealthServer b = new HealthServer("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(httpCheck(), a.staticServer(),
                     b.staticServer()), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            RunningListener listener = lb.listener(0);
            // Start waits for the first probes: both are healthy and share the traffic.
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                before.add(hello(listener));
            }
            assertThat(before).containsExactlyInAnyOrder("a", "a", "b", "b");

            b.healthy.set(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> health(lb, b) == HealthStatus.UNHEALTHY);
            int bClients = b.clients.get();
            for (int i = 0; i < 20; i++) {
                assertThat(hello(listener)).isEqualTo("a");
            }
            assertThat(b.clients.get()).as("client connections reaching the unhealthy server").isEqualTo(bClients);
            assertThat(events.of(ServerUnhealthy.class)).singleElement().satisfies(e -> {
                assertThat(e.server()).isEqualTo(b.backend.address());
                assertThat(e.cause()).isEqualTo(HealthCause.HEALTH_CHECK);
                assertThat(e.status()).isEqualTo(HealthStatus.UNHEALTHY);
                assertThat(e.reason()).isEqualTo("status 503");
            });

            b.healthy.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> health(lb, b) == HealthStatus.HEALTHY);
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                after.add(hello(listener));
            }
            assertThat(after).contains("b");
        }
    }

    @Test
    void clientsConnectingThroughAFailureAllSucceedThroughHealthyServers() throws Exception {
        HealthServer a = new HealthServer("a");
        HealthServer b = new HealthServer("b");
        try (a; b; RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(httpCheck(), a.staticServer(),
                b.staticServer()), options())) {
            RunningListener listener = lb.listener(0);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger lateFailures = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong closedAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            AtomicInteger successes = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    for (int n = 0; n < 2_000 && running.get(); n++) {
                        long started = System.nanoTime();
                        try (Socket s = connect(listener)) {
                            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                            readLine(s);
                            assertEchoes(s, "payload " + n);
                            successes.incrementAndGet();
                        } catch (IOException | AssertionError e) {
                            failures.incrementAndGet();
                            if (started - closedAt.get() > 0) {
                                lateFailures.incrementAndGet();
                            }
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> successes.get() > 100);
            b.backend.stopAccepting(); // b dies for new connections: its port refuses them from now on
            closedAt.set(System.nanoTime());
            await().atMost(Duration.ofSeconds(5)).until(() -> health(lb, b) == HealthStatus.UNHEALTHY);
            int atFailure = successes.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> successes.get() > atFailure + 200);
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
            // Every connection started after b died succeeded. A connection that b's kernel had already accepted
            // when b closed its port is reset after it was forwarded, like with any proxy: at most one per client.
            assertThat(lateFailures.get()).as("failed client connections started after the failure").isZero();
            assertThat(failures.get()).as("connections caught in flight by the failure").isLessThanOrEqualTo(4);
            assertThat(successes.get()).isGreaterThan(300);
        }
    }

    @Test
    void consecutiveConnectFailuresEjectAServerUntilTheBackOffEndsOnTheControlClock() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort(); // closed again: connections to it are refused
        }
        SerialVirtualTime clock = SerialVirtualTime.create();
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(passiveOnly(a, b, deadPort), options(clock));
             Fixtures.Events events = new Fixtures.Events(lb)) {
            RunningListener listener = lb.listener(0);
            RunningBackendService web = lb.backendService("web");
            for (int i = 0; i < 60 && events.of(ServerUnhealthy.class).isEmpty(); i++) {
                try (Socket s = connect(listener)) {
                    assertEchoes(s, "before " + i); // a refused attempt is retried on another server
                }
            }
            await().untilAsserted(() -> assertThat(events.of(ServerUnhealthy.class)).singleElement().satisfies(e -> {
                assertThat(e.server().getPort()).isEqualTo(deadPort);
                assertThat(e.cause()).isEqualTo(HealthCause.OUTLIER_DETECTION);
                assertThat(e.ejectedFor()).contains(Duration.ofMillis(700));
                assertThat(e.reason()).isEqualTo("3 consecutive connect failures or resets");
            }));
            assertThat(deadStats(web, deadPort).connectFailures()).isEqualTo(3);
            assertThat(deadStats(web, deadPort).ejected()).isTrue();
            // While ejected it is not tried at all: no time passes on the control clock.
            for (int i = 0; i < 10; i++) {
                try (Socket s = connect(listener)) {
                    assertEchoes(s, "during " + i);
                }
            }
            assertThat(deadStats(web, deadPort).connectFailures()).isEqualTo(3);
            clock.advanceTimeBy(Duration.ofMillis(699));
            assertThat(deadStats(web, deadPort).ejected()).isTrue();
            // After the back-off it returns, fails again, and is ejected for twice as long.
            clock.advanceTimeBy(Duration.ofMillis(1));
            assertThat(deadStats(web, deadPort).ejected()).isFalse();
            assertThat(events.of(ServerHealthy.class)).last().satisfies(e -> {
                assertThat(e.cause()).isEqualTo(HealthCause.OUTLIER_DETECTION);
                assertThat(e.server().getPort()).isEqualTo(deadPort);
            });
            for (int i = 0; i < 60 && events.of(ServerUnhealthy.class).size() < 2; i++) {
                try (Socket s = connect(listener)) {
                    assertEchoes(s, "after " + i);
                }
            }
            await().untilAsserted(() -> assertThat(events.of(ServerUnhealthy.class)).hasSize(2).last()
                    .satisfies(e -> assertThat(e.ejectedFor()).contains(Duration.ofMillis(1400))));
        } finally {
            clock.dispose();
        }
    }

    /** Servers a, b and a dead port, with no active check and passive checking after 3 failures. */
    private static LoadBalancerSpec passiveOnly(TestBackend a, TestBackend b, int deadPort) {
        return Fixtures.spec("health", Listener.tcp(0).backendService(BackendService.builder("web")
                .healthCheck(HealthCheck.none(OutlierDetection.of(3, Duration.ofMillis(700), 50)))
                .staticServers(StaticServer.of("127.0.0.1", a.port()),
                        StaticServer.of("127.0.0.1", b.port()), StaticServer.of("127.0.0.1", deadPort))));
    }

    private static ServerStats deadStats(RunningBackendService web, int port) {
        return web.servers().stream().filter(s -> s.address().getPort() == port).findFirst().orElseThrow();
    }

    @Test
    void aStartWithEveryServerUnhealthyFailsNamingThemUnlessTheServiceFailsOpen() throws Exception {
        try (HealthServer a = new HealthServer("a"); HealthServer b = new HealthServer("b")) {
            a.healthy.set(false);
            b.healthy.set(false);
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(spec(httpCheck(), a.staticServer(), b.staticServer()),
                    options()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessage("backend service \"web\": no server is healthy after its first health checks: "
                            + "127.0.0.1:" + a.backend.port() + " unhealthy (status 503), 127.0.0.1:" + b.backend.port()
                            + " unhealthy (status 503) (expected: at least one healthy server; start the servers first,"
                            + " or set healthCheck.allUnhealthy: FAIL_OPEN)");
            await().untilAsserted(() -> assertThat(Fixtures.threadsOf("health")).as("threads left by the failed start")
                    .isEmpty());
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(
                    httpCheck().allUnhealthy(HealthCheck.AllUnhealthy.FAIL_OPEN), a.staticServer(), b.staticServer()),
                    options())) {
                assertThat(health(lb, a)).isEqualTo(HealthStatus.UNHEALTHY);
                assertThat(health(lb, b)).isEqualTo(HealthStatus.UNHEALTHY);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(hello(lb.listener(0)));
                }
                assertThat(names).containsExactlyInAnyOrder("a", "a", "b", "b");
            }
        }
    }

    @Test
    void whenEveryServerTurnsUnhealthyRefuseClosesNewClients() throws Exception {
        try (HealthServer a = new HealthServer("a"); HealthServer b = new HealthServer("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(httpCheck(), a.staticServer(),
                     b.staticServer()), options())) {
            a.healthy.set(false);
            b.healthy.set(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> health(lb, a) == HealthStatus.UNHEALTHY
                    && health(lb, b) == HealthStatus.UNHEALTHY);
            assertRefused(lb.listener(0), null);
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().noServerConnections()).isEqualTo(1));
        }
    }

    @Test
    void openConnectionsOfAnUnhealthyServerAreKeptOrClosedAsConfigured() throws Exception {
        for (HealthCheck.UnhealthyConnections policy : HealthCheck.UnhealthyConnections.values()) {
            try (HealthServer a = new HealthServer("a");
                 RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(httpCheck().unhealthyConnections(policy),
                         a.staticServer()), options());
                 Socket client = connect(lb.listener(0))) {
                client.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readLine(client)).isEqualTo("a");
                a.healthy.set(false);
                await().atMost(Duration.ofSeconds(5)).until(() -> health(lb, a) == HealthStatus.UNHEALTHY);
                if (policy == HealthCheck.UnhealthyConnections.KEEP) {
                    assertEchoes(client, "still here");
                } else {
                    assertClosedWithoutData(client);
                }
            }
        }
    }
}
