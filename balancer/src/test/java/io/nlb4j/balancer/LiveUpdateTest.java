package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.RemovalOutcome;
import io.nlb4j.balancer.LoadBalancerEvent.ServerRemoved;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunningLoadBalancer#update}: a changed specification applied to a running load balancer under byte-checked
 * traffic on long-lived connections, and updates that cannot be applied changing nothing.
 */
class LiveUpdateTest {

    @TempDir
    Path dir;

    private static HealthCheck.Tcp.Builder check(Duration interval) {
        return HealthCheck.tcp().interval(interval).timeout(Duration.ofMillis(150)).healthyThreshold(1)
                .unhealthyThreshold(2);
    }

    private static BackendService.Builder web(Scheduling scheduling, HealthCheck.Tcp.Builder check,
                                              TestBackend... servers) {
        BackendService.Builder b = BackendService.builder("web").scheduling(scheduling).healthCheck(check)
                .connectionDraining(Duration.ofSeconds(60));
        for (TestBackend s : servers) {
            b.staticServer(StaticServer.builder("127.0.0.1").port(s.port()));
        }
        return b;
    }

    private static BackendService.Builder side(TestBackend server) {
        return BackendService.builder("side").healthCheck(HealthCheck.none(OutlierDetection.off()))
                .connectionDraining(Duration.ofSeconds(60))
                .staticServer(StaticServer.builder("127.0.0.1").port(server.port()));
    }

    private static Listener.Builder listener(String name, BackendService.Builder service) {
        return Listener.tcp(0).name(name).backendService(service);
    }

    @Test
    void updatesUnderTrafficDropNoConnectionOfAnUntouchedListener() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             TestBackend b = TestBackend.echo("b");
             TestBackend c = TestBackend.echo("c");
             TestBackend d = TestBackend.echo("d");
             TestBackend e = TestBackend.echo("e");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("live")
                     .listener(listener("front", web(Scheduling.WEIGHTED_ROUND_ROBIN, check(Duration.ofMillis(200)),
                             a, b)))
                     .listener(listener("side", side(c)))
                     .build(), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            InetSocketAddress frontAddress = lb.listener("front").boundAddress();
            InetSocketAddress sideAddress = lb.listener("side").boundAddress();
            try (HeldTraffic front = HeldTraffic.open("front", frontAddress, 6, 1);
                 HeldTraffic sideTraffic = HeldTraffic.open("side", sideAddress, 3, 100)) {
                LoadBalancerSpec current = lb.spec();

                // 1. Change the scheduling: the service changes in place.
                LoadBalancerSpec leastConnections = specBuilder("live")
                        .listener(listener("front", web(Scheduling.WEIGHTED_LEAST_CONNECTIONS, check(Duration.ofMillis(200)),
                                a, b)))
                        .listener(listener("side", side(c)))
                        .build();
                SpecDiff diff = lb.update(leastConnections).block(Duration.ofSeconds(10));
                assertThat(diff.servicesChanged()).containsExactly(new SpecDiff.Changed("web", List.of("scheduling")));
                assertThat(diff.listenersAdded()).isEmpty();
                assertThat(diff.listenersChanged()).isEmpty();
                assertThat(lb.backendService("web").spec().scheduling()).isEqualTo(Scheduling.WEIGHTED_LEAST_CONNECTIONS);
                assertThat(lb.spec()).isEqualTo(leastConnections).isNotEqualTo(current);
                awaitRounds(front, sideTraffic);

                // 2. Add a listener to the same service: it serves at once.
                LoadBalancerSpec withExtra = specBuilder("live")
                        .listener(listener("front", web(Scheduling.WEIGHTED_LEAST_CONNECTIONS, check(Duration.ofMillis(200)),
                                a, b)))
                        .listener(listener("side", side(c)))
                        .listener(listener("extra", web(Scheduling.WEIGHTED_LEAST_CONNECTIONS, check(Duration.ofMillis(200)),
                                a, b)))
                        .build();
                diff = lb.update(withExtra).block(Duration.ofSeconds(10));
                assertThat(diff.listenersAdded()).singleElement().satisfies(id -> {
                    assertThat(id.name()).contains("extra");
                    assertThat(id.index()).isEqualTo(2);
                });
                assertThat(diff.servicesChanged()).isEmpty();
                try (Socket s = connect(lb.listener("extra"))) {
                    assertEchoes(s, "through the new listener");
                }
                awaitRounds(front, sideTraffic);

                // 3. Remove the side listener (and with it its service): it stops accepting, its connections go on.
                LoadBalancerSpec withoutSide = specBuilder("live")
                        .listener(listener("front", web(Scheduling.WEIGHTED_LEAST_CONNECTIONS, check(Duration.ofMillis(200)),
                                a, b)))
                        .listener(listener("extra", web(Scheduling.WEIGHTED_LEAST_CONNECTIONS, check(Duration.ofMillis(200)),
                                a, b)))
                        .build();
                diff = lb.update(withoutSide).block(Duration.ofSeconds(10));
                assertThat(diff.listenersRemoved()).singleElement().satisfies(id ->
                        assertThat(id.name()).contains("side"));
                assertThat(diff.servicesRemoved()).containsExactly("side");
                assertThat(diff.serversDrained()).containsExactly(new SpecDiff.Server("side", c.address()));
                assertThat(lb.listeners()).extracting(l -> l.spec().name().orElseThrow())
                        .containsExactly("front", "extra");
                assertThat(lb.listener("extra").id().index()).isEqualTo(1);
                await().untilAsserted(() -> assertThatThrownBy(() -> new Socket(sideAddress.getAddress(),
                        sideAddress.getPort()).close()).isInstanceOf(ConnectException.class));
                awaitRounds(front, sideTraffic); // the removed listener's connections still echo
                assertThat(events.of(ServerRemoved.class)).isEmpty();
                sideTraffic.close();
                assertThat(sideTraffic.failures()).isEmpty();
                // Its last connection closed: the removed service's server leaves, drained.
                await().untilAsserted(() -> assertThat(events.of(ServerRemoved.class)).singleElement()
                        .satisfies(r -> {
                            assertThat(r.service()).isEqualTo("side");
                            assertThat(r.outcome()).isEqualTo(RemovalOutcome.DRAINED);
                        }));

                // 4. Swap the server source: from the static list to a file of other servers.
                Path file = dir.resolve("servers.txt");
                Files.writeString(file, "127.0.0.1:" + d.port() + "\n127.0.0.1:" + e.port() + "\n");
                BackendService.Builder fromFile = BackendService.builder("web")
                        .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS).healthCheck(check(Duration.ofMillis(200)))
                        .connectionDraining(Duration.ofSeconds(60)).provider("file", Map.of("path", file.toString()));
                LoadBalancerSpec swapped = specBuilder("live")
                        .listener(listener("front", fromFile))
                        .listener(listener("extra", fromFile))
                        .build();
                diff = lb.update(swapped).block(Duration.ofSeconds(10));
                assertThat(diff.servicesChanged()).containsExactly(new SpecDiff.Changed("web", List.of("servers")));
                await().untilAsserted(() -> assertThat(lb.backendService("web").servers())
                        .filteredOn(s -> s.health() == HealthStatus.HEALTHY && s.state() == ServerStats.State.IN_SERVICE)
                        .extracting(ServerStats::address).containsExactlyInAnyOrder(d.address(), e.address()));
                int dBefore = d.accepted() + e.accepted();
                for (int i = 0; i < 4; i++) {
                    try (Socket s = connect(lb.listener("front"))) {
                        assertEchoes(s, "to the new source " + i);
                    }
                }
                assertThat(d.accepted() + e.accepted() - dBefore).isEqualTo(4);
                awaitRounds(front); // the held connections stay on a and b, which drain
                assertThat(lb.backendService("web").servers()).filteredOn(s -> s.state() == ServerStats.State.DRAINING)
                        .extracting(ServerStats::address).containsExactlyInAnyOrder(a.address(), b.address());

                // 5. Change the health check: every server keeps its health until the new check decides.
                long healthEvents = healthEvents(events);
                LoadBalancerSpec slowerChecks = specBuilder("live")
                        .listener(listener("front", fromFile.healthCheck(check(Duration.ofMillis(500)))))
                        .listener(listener("extra", fromFile))
                        .build();
                diff = lb.update(slowerChecks).block(Duration.ofSeconds(10));
                assertThat(diff.servicesChanged()).containsExactly(new SpecDiff.Changed("web",
                        List.of("healthCheck")));
                try (Socket s = connect(lb.listener("extra"))) {
                    assertEchoes(s, "right after the health check changed");
                }
                assertThat(lb.backendService("web").servers()).filteredOn(s -> s.state() == ServerStats.State.IN_SERVICE)
                        .hasSize(2).allSatisfy(s -> assertThat(s.health()).isEqualTo(HealthStatus.HEALTHY));
                awaitRounds(front);
                assertThat(healthEvents(events)).isEqualTo(healthEvents);
                assertThat(events.of(LoadBalancerEvent.Updated.class)).hasSize(5);

                front.close();
                assertThat(front.failures()).isEmpty();
                String summary = String.format("live update: 5 updates under traffic; %d connections held (6 on an untouched"
                        + " listener, 3 on the removed one): %d round trips, %d bytes echoed and checked, %d dropped,"
                        + " 0 corrupt", 9, front.totalRounds() + sideTraffic.totalRounds(),
                        front.bytesChecked() + sideTraffic.bytesChecked(),
                        front.failures().size() + sideTraffic.failures().size());
                System.out.println(summary);
                assertThat(lb.listener("front").stats().noServerConnections()).isZero();
            }
        }
    }

    @Test
    void aListenerChangesInPlaceForTheConnectionsItAcceptsFromThen() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("in-place")
                     .listener(listener("front", Fixtures.service("one", a)))
                     .listener(listener("back", Fixtures.service("two", b)))
                     .build(), options());
             Socket held = connect(lb.listener("front"))) {
            assertThat(Fixtures.readLine(held)).isEqualTo("a");
            InetSocketAddress front = lb.listener("front").boundAddress();

            // The listener takes the other service, and a limit of one connection: the held one.
            SpecDiff diff = lb.update(specBuilder("in-place")
                    .listener(listener("front", Fixtures.service("two", b)).maxConnections(1))
                    .listener(listener("back", Fixtures.service("two", b)))
                    .build()).block(Duration.ofSeconds(10));
            assertThat(diff.listenersChanged()).containsExactly(new SpecDiff.Changed("listener front (port 0)",
                    List.of("maxConnections", "backendService")));
            assertThat(diff.servicesRemoved()).containsExactly("one");
            assertThat(lb.listener("front").boundAddress()).isEqualTo(front); // the same socket
            assertThat(lb.listener("front").backendService().spec().name()).isEqualTo("two");
            assertThat(Fixtures.assertRefused(lb.listener("front"), null)).isNotEmpty(); // over the new limit
            assertEchoes(held, "still to a, whose service is gone");

            // The limit lifted, and the security groups changed to deny this host: held connections go on.
            diff = lb.update(specBuilder("in-place")
                    .securityGroup(SecurityGroup.of("remote-only", InboundRule.allow("10.0.0.0/8")))
                    .listener(listener("front", Fixtures.service("two", b)))
                    .listener(listener("back", Fixtures.service("two", b)))
                    .build()).block(Duration.ofSeconds(10));
            assertThat(diff.securityGroupsChanged()).isTrue();
            assertThat(Fixtures.assertRefused(lb.listener("back"), null)).isNotEmpty();
            assertThat(lb.listener("back").stats().deniedConnections()).isEqualTo(1);
            assertEchoes(held, "still open");

            diff = lb.update(specBuilder("in-place")
                    .listener(listener("front", Fixtures.service("two", b)))
                    .listener(listener("back", Fixtures.service("two", b)))
                    .build()).block(Duration.ofSeconds(10));
            assertThat(diff.securityGroupsChanged()).isTrue();
            assertThat(Fixtures.nameOfNextConnection(lb.listener("front"))).isEqualTo("b");
            assertEchoes(held, "to the end");
            assertThat(a.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aServerReplacedByUncheckedOnesServesUntilTheirChecksDecide() throws Exception {
        // The check passes a server whose greeting is "a": the new server b stays pending for three probes, then fails.
        HealthCheck greetsA = HealthCheck.sendExpect("", "a").interval(Duration.ofMillis(400))
                .timeout(Duration.ofMillis(300)).healthyThreshold(1).unhealthyThreshold(3).build();
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("replace")
                     .listener(listener("front", side(a).healthCheck(greetsA))).build(), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            SpecDiff diff = lb.update(specBuilder("replace")
                    .listener(listener("front", side(b).healthCheck(greetsA))).build())
                    .block(Duration.ofSeconds(10));
            assertThat(diff.serversAdded()).containsExactly(new SpecDiff.Server("side", b.address()));
            assertThat(diff.serversDrained()).containsExactly(new SpecDiff.Server("side", a.address()));
            try (Socket held = connect(lb.listener("front"))) {
                // While b is pending, the server leaving serves: nothing is refused.
                assertThat(Fixtures.readLine(held)).isEqualTo("a");
                assertThat(events.of(LoadBalancerEvent.ServerDraining.class)).isEmpty();
                // b's checks decide (unhealthy): the source's word stands, and a drains.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events.of(
                        LoadBalancerEvent.ServerDraining.class)).singleElement()
                        .satisfies(d -> assertThat(d.server()).isEqualTo(a.address())));
                assertThat(lb.backendService("side").servers()).filteredOn(s -> s.address().equals(b.address()))
                        .singleElement().satisfies(s -> assertThat(s.health()).isEqualTo(HealthStatus.UNHEALTHY));
                assertThat(Fixtures.assertRefused(lb.listener("front"), null)).isNotEmpty();
                assertEchoes(held, "on the draining server");
            }
            await().untilAsserted(() -> assertThat(events.of(ServerRemoved.class)).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(RemovalOutcome.DRAINED)));
        }
    }

    private static long healthEvents(Fixtures.Events events) {
        return events.all().stream().filter(e -> e instanceof LoadBalancerEvent.ServerHealthy
                || e instanceof LoadBalancerEvent.ServerUnhealthy).count();
    }

    /** Every held connection completes more rounds, and none has failed. */
    private static void awaitRounds(HeldTraffic... traffic) {
        for (HeldTraffic t : traffic) {
            long[] before = t.rounds();
            await().atMost(Duration.ofSeconds(20)).until(() -> t.allAdvancedSince(before)
                    || !t.failures().isEmpty());
            assertThat(t.failures()).isEmpty();
        }
    }

    @Test
    void anUpdateWithProblemsIsRejectedWholeAndChangesNothing() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             ServerSocket taken = new ServerSocket(0);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("strict")
                     .listener(listener("front", side(a))).build(), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            LoadBalancerSpec before = lb.spec();
            int own = lb.listener("front").boundAddress().getPort();
            LoadBalancerSpec broken = specBuilder("strict")
                    .listener(listener("front", side(a).scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)))
                    .listener(Listener.tcp(0).name("second").backendService(BackendService.builder("other")
                            .healthCheck(HealthCheck.none())
                            .staticServer(StaticServer.builder("no-such-host.invalid").port(80))
                            .staticServer(StaticServer.builder("127.0.0.1").port(own))))
                    .listener(Listener.tcp(0).name("third").backendService(BackendService.builder("third")
                            .healthCheck(HealthCheck.none()).provider("no-such-type", Map.of())))
                    .build();
            assertThatThrownBy(() -> lb.update(broken).block(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(UpdateRejectedException.class, ex -> {
                        assertThat(ex.problems()).hasSize(3);
                        assertThat(ex.problems().get(0)).startsWith(
                                "listeners[1].backendService.servers.static[0].address: \"no-such-host.invalid\"");
                        assertThat(ex.problems().get(1)).startsWith("listeners[1].backendService.servers.static[1]: "
                                + "127.0.0.1:" + own + " (expected: a server other than this load balancer");
                        assertThat(ex.problems().get(2)).startsWith(
                                "listeners[2].backendService.servers.provider.type: \"no-such-type\"");
                        assertThat(ex).hasMessageContaining("nothing changed, 3 problems");
                    });
            assertUnchanged(lb, before, events);

            // A new listener that cannot bind undoes the update, the other new listener's bind included.
            Set<Integer> listening = Fixtures.listeningPorts();
            LoadBalancerSpec clash = specBuilder("strict")
                    .listener(listener("front", side(a).scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)))
                    .listener(Listener.tcp(0).name("fine").backendService(side(a).scheduling(
                            Scheduling.WEIGHTED_LEAST_CONNECTIONS)))
                    .listener(Listener.tcp(taken.getLocalPort()).backendService(side(a).scheduling(
                            Scheduling.WEIGHTED_LEAST_CONNECTIONS)))
                    .build();
            assertThatThrownBy(() -> lb.update(clash).block(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(UpdateRejectedException.class, ex -> {
                        assertThat(ex.problems()).singleElement().asString().startsWith("listeners[2].port: "
                                + taken.getLocalPort() + " (expected: a port free on 127.0.0.1; binding failed: ");
                    });
            assertUnchanged(lb, before, events);
            if (listening != null) {
                await().untilAsserted(() -> assertThat(Fixtures.listeningPorts()).isEqualTo(listening));
            }
            // The load balancer still takes updates, and serves.
            LoadBalancerSpec.Builder fine = clash.toBuilder().clearListeners();
            clash.listeners().subList(0, 2).forEach(fine::listener);
            SpecDiff diff = lb.update(fine.build()).block(Duration.ofSeconds(10));
            assertThat(diff.listenersAdded()).hasSize(1);
            try (Socket s = connect(lb.listener("fine"))) {
                assertEchoes(s, "after two rejected updates");
            }
        }
    }

    private static void assertUnchanged(RunningLoadBalancer lb, LoadBalancerSpec before, Fixtures.Events events)
            throws IOException {
        assertThat(lb.spec()).isEqualTo(before);
        assertThat(lb.listeners()).hasSize(1);
        assertThat(lb.backendService("side").spec().scheduling()).isEqualTo(Scheduling.WEIGHTED_ROUND_ROBIN);
        assertThatThrownBy(() -> lb.backendService("other")).isInstanceOf(IllegalArgumentException.class);
        assertThat(events.of(LoadBalancerEvent.Updated.class)).isEmpty();
        assertThat(events.of(LoadBalancerEvent.ListenerBound.class)).isEmpty();
        try (Socket s = connect(lb.listener("front"))) {
            assertEchoes(s, "unchanged");
        }
    }
}
