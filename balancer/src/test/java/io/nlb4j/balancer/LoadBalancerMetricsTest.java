package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.echoInstances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nlb4j.balancer.metrics.LoadBalancerMetrics;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link LoadBalancerMetrics} against known traffic: connections, bytes, a refusal, a server going down, a server leaving. */
class LoadBalancerMetricsTest {

    private static final int CONNECTIONS = 5;
    private static final int BYTES = 10_000;

    private static RunningLoadBalancer start(LoadBalancerSpec spec) {
        return NetworkLoadBalancer.startNow(spec, LoadBalancerOptions.builder().bindAddress("127.0.0.1")
                .eventLoopThreads(1).build());
    }

    private static double counter(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
    }

    private static double gauge(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    private static void echoOnce(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(5000);
            byte[] data = new byte[BYTES];
            Arrays.fill(data, (byte) 7);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertThat(in.readAllBytes()).hasSize(BYTES);
        }
    }

    @Test
    void metersFollowTheTrafficTheServersAndTheirHealth() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             TestBackend b = TestBackend.echo("b")) {
            String serverA = "127.0.0.1:" + a.port();
            String serverB = "127.0.0.1:" + b.port();
            LoadBalancerSpec spec = LoadBalancerSpec.builder("metrics-lb").region("local").vpc("lo").zones("z1")
                    .listener(Listener.tcp(0).name("front").maxConnections(1).backendService(
                            BackendService.builder("web").connectionDraining(Duration.ZERO)
                                    .healthCheck(HealthCheck.tcp().interval(Duration.ofMillis(100))
                                            .timeout(Duration.ofMillis(80)).healthyThreshold(1)
                                            .unhealthyThreshold(1))
                                    .staticServers(List.of(StaticServer.of("127.0.0.1", a.port()),
                                            StaticServer.of("127.0.0.1", b.port())))))
                    .build();
            MeterRegistry registry = new SimpleMeterRegistry();
            try (RunningLoadBalancer lb = start(spec);
                 LoadBalancerMetrics metrics = new LoadBalancerMetrics(lb)) {
                metrics.bindTo(registry);
                InetSocketAddress address = lb.listener(0).boundAddress();
                for (int i = 0; i < CONNECTIONS; i++) {
                    echoOnce(address);
                    // One at a time: the listener takes one connection (the refusal below needs it).
                    await().atMost(Duration.ofSeconds(5)).until(() -> lb.listener(0).stats().activeConnections() == 0);
                }
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(counter(registry, "nlb4j.listener.connections", "listener", "front", "service", "web",
                            "loadBalancer", "metrics-lb")).isEqualTo(CONNECTIONS);
                    assertThat(counter(registry, "nlb4j.listener.bytes", "direction", "in"))
                            .isEqualTo(CONNECTIONS * BYTES);
                    assertThat(counter(registry, "nlb4j.listener.bytes", "direction", "out"))
                            .isEqualTo(CONNECTIONS * BYTES);
                    assertThat(counter(registry, "nlb4j.server.connections", "server", serverA)
                            + counter(registry, "nlb4j.server.connections", "server", serverB))
                            .isEqualTo(CONNECTIONS);
                    assertThat(counter(registry, "nlb4j.server.bytes", "direction", "to_server"))
                            .isEqualTo(CONNECTIONS * BYTES);
                    assertThat(gauge(registry, "nlb4j.listener.connections.active", "listener", "front")).isZero();
                    assertThat(gauge(registry, "nlb4j.server.healthy", "server", serverA)).isEqualTo(1);
                    // every connection made is timed, on its server's timer
                    Timer ta = registry.get("nlb4j.server.connect.time").tags("server", serverA).timer();
                    Timer tb = registry.get("nlb4j.server.connect.time").tags("server", serverB).timer();
                    assertThat(ta.count() + tb.count()).isEqualTo(CONNECTIONS);
                    assertThat(ta.totalTime(TimeUnit.NANOSECONDS) + tb.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                    assertThat(ta.max(TimeUnit.SECONDS)).isLessThan(2);
                });

                // One connection held open: the listener is at its maximum, the next is refused and counted.
                try (Socket held = new Socket()) {
                    held.connect(address, 2000);
                    await().atMost(Duration.ofSeconds(5)).until(() -> gauge(registry,
                            "nlb4j.listener.connections.active", "listener", "front") == 1);
                    try (Socket refused = new Socket()) {
                        refused.connect(address, 2000);
                        refused.setSoTimeout(5000);
                        assertThat(refused.getInputStream().read()).isEqualTo(-1);
                    } catch (IOException reset) {
                        // refused by a reset: counted all the same
                    }
                    await().atMost(Duration.ofSeconds(5)).until(() -> counter(registry,
                            "nlb4j.listener.connections.rejected", "reason", "over_limit") == 1);
                }
                assertThat(counter(registry, "nlb4j.listener.connections.rejected", "reason", "denied")).isZero();

                // b goes down: its health gauge says so.
                b.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> gauge(registry, "nlb4j.server.healthy",
                        "server", serverB) == 0);

                // b leaves the service: its meters go; closing the metrics removes the rest.
                lb.backendService("web").removeServer(b.address()).block(Duration.ofSeconds(5));
                await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("nlb4j.server.healthy")
                        .tags("server", serverB).gauges().isEmpty());
                assertThat(registry.find("nlb4j.server.healthy").tags("server", serverA).gauges()).hasSize(1);
                assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already bound");
                metrics.close();
                assertThat(registry.getMeters()).isEmpty();
            }
        }
    }

    @Test
    void listenerMetersFollowLiveUpdates() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = start(Fixtures.specBuilder("metered-update")
                     .listener(Listener.tcp(0).name("front").backendService(Fixtures.service("web", a))).build());
             LoadBalancerMetrics metrics = new LoadBalancerMetrics(lb)) {
            MeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);
            lb.update(Fixtures.specBuilder("metered-update")
                    .listener(Listener.tcp(0).name("front").backendService(Fixtures.service("web", a)))
                    .listener(Listener.tcp(0).name("extra").backendService(Fixtures.service("web", a)))
                    .build()).block(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> !registry.find("nlb4j.listener.connections")
                    .tag("listener", "extra").functionCounters().isEmpty());
            echoOnce(lb.listener("extra").boundAddress());
            await().atMost(Duration.ofSeconds(5)).until(() -> counter(registry, "nlb4j.listener.bytes", "listener",
                    "extra", "direction", "out") == BYTES);
            assertThat(counter(registry, "nlb4j.listener.connections", "listener", "extra")).isEqualTo(1);
            assertThat(counter(registry, "nlb4j.listener.connections", "listener", "front")).isZero();

            lb.update(Fixtures.specBuilder("metered-update")
                    .listener(Listener.tcp(0).name("extra").backendService(Fixtures.service("web", a)))
                    .build()).block(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("nlb4j.listener.connections")
                    .tag("listener", "front").functionCounters().isEmpty());
            assertThat(counter(registry, "nlb4j.listener.connections", "listener", "extra")).isEqualTo(1);

            // A service of a new availability group: the group's meters come with it.
            lb.update(Fixtures.specBuilder("metered-update")
                    .listener(Listener.tcp(0).name("extra").backendService(Fixtures.service("web", a)))
                    .listener(Listener.tcp(0).name("grouped").backendService(BackendService.builder("pool")
                            .healthCheck(HealthCheck.none(OutlierDetection.off()))
                            .availabilityGroup(AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1")
                                    .template(InstanceTemplate.builder("pool-t").launcher(echoInstances()).port(0))
                                    .capacity(1, 2, 3))))
                    .build()).block(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(gauge(registry, "nlb4j.group.instances.desired", "group", "pool")).isEqualTo(2.0);
                assertThat(gauge(registry, "nlb4j.group.instances", "group", "pool", "zone", "z1", "state",
                        "in_service")).isEqualTo(2.0);
            });
            assertThat(registry.find("nlb4j.listener.connections").tag("listener", "grouped").functionCounters())
                    .hasSize(1);
        }
    }

    @Test
    void groupMetersCountInstancesByZoneAndStateAndLaunches() throws Exception {
        AvailabilityGroup pool = AvailabilityGroup.builder("pool").region("local").vpc("lo").zones("z1", "z2")
                .template(InstanceTemplate.builder("echo").port(0).launcher(echoInstances())).capacity(1, 2, 4).build();
        LoadBalancerSpec spec = LoadBalancerSpec.builder("group-lb").region("local").vpc("lo").zones("z1", "z2")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .connectionDraining(Duration.ZERO).healthCheck(HealthCheck.none(OutlierDetection.off()))
                        .availabilityGroup(pool)))
                .build();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (RunningLoadBalancer lb = start(spec);
             LoadBalancerMetrics metrics = new LoadBalancerMetrics(lb)) {
            metrics.bindTo(registry);
            lb.availabilityGroup("pool").awaitServing(2).block(Duration.ofSeconds(10));
            assertThat(gauge(registry, "nlb4j.group.instances.desired", "group", "pool")).isEqualTo(2);
            assertThat(gauge(registry, "nlb4j.group.instances", "zone", "z1", "state", "in_service")
                    + gauge(registry, "nlb4j.group.instances", "zone", "z2", "state", "in_service")).isEqualTo(2);
            assertThat(gauge(registry, "nlb4j.group.instances", "zone", "z1", "state", "in_service")).isEqualTo(1);

            lb.availabilityGroup("pool").setDesiredCapacity(3).block(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(gauge(registry, "nlb4j.group.instances.desired", "group", "pool")).isEqualTo(3);
                assertThat(counter(registry, "nlb4j.group.launches", "outcome", "in_service")).isEqualTo(1);
                assertThat(gauge(registry, "nlb4j.group.instances", "zone", "z1", "state", "in_service")
                        + gauge(registry, "nlb4j.group.instances", "zone", "z2", "state", "in_service"))
                        .isEqualTo(3);
            });
            assertThat(counter(registry, "nlb4j.group.launches", "outcome", "failed")).isZero();
        }
    }
}
