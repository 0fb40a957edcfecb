package io.nlb4j.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.group.InstanceInfo;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.StaticServer;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live updates of a service's availability group: a static list swapped for a group and back, a group's capacity
 * changed in place, a change to a running group's template rejected; a connection held open across them all.
 */
class LiveGroupUpdateTest {

    private static final String SERVICE = "web";

    /** No probes: every connection a server accepts is a client's. */
    private static HealthCheck noChecks() {
        return HealthCheck.none(OutlierDetection.off());
    }

    private static LoadBalancerSpec spec(BackendService.Builder service) {
        return Fixtures.specBuilder("live-group")
                .listener(Listener.tcp(0).name("front").backendService(service
                        .connectionDraining(Duration.ofSeconds(60)).healthCheck(noChecks())))
                .build();
    }

    private static AvailabilityGroup.Builder g1(int desired) {
        return AvailabilityGroup.builder("g1").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("g1-template").launcher(Fixtures.echoInstances()).port(0))
                .capacity(1, desired, 4);
    }

    private static long inService(RunningLoadBalancer lb) {
        return lb.availabilityGroup("g1").instances().stream().filter(InstanceInfo::servesTraffic).count();
    }

    @Test
    void aStaticListSwappedForAGroupAndBackWithItsCapacityChangedBetween() throws Exception {
        try (TestBackend s = TestBackend.echo("s");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec(BackendService.builder(SERVICE)
                     .staticServer(StaticServer.builder("127.0.0.1").port(s.port()))), Fixtures.options());
             HeldTraffic held = HeldTraffic.open("front", lb.listener("front").boundAddress(), 3, 7)) {
            // The static list gives way to a group: its server serves until the group has instances.
            SpecDiff diff = lb.update(spec(BackendService.builder(SERVICE).availabilityGroup(g1(2))))
                    .block(Duration.ofSeconds(30));
            assertThat(diff.servicesChanged()).containsExactly(new SpecDiff.Changed(SERVICE, List.of("servers")));
            await().atMost(Duration.ofSeconds(20)).until(() -> inService(lb) == 2
                    && lb.backendService(SERVICE).servers().stream().filter(x -> x.address().equals(s.address()))
                    .allMatch(x -> x.state() == io.nlb4j.balancer.ServerStats.State.DRAINING));
            int before = s.accepted();
            for (int i = 0; i < 4; i++) {
                try (Socket c = Fixtures.connect(lb.listener("front"))) {
                    Fixtures.assertEchoes(c, "to an instance " + i);
                }
            }
            assertThat(s.accepted()).isEqualTo(before);

            // The capacity changes in place.
            diff = lb.update(spec(BackendService.builder(SERVICE).availabilityGroup(g1(3))))
                    .block(Duration.ofSeconds(30));
            assertThat(diff.servicesChanged()).containsExactly(new SpecDiff.Changed(SERVICE, List.of("servers")));
            await().atMost(Duration.ofSeconds(20)).until(() -> inService(lb) == 3);
            assertThat(lb.availabilityGroup("g1").capacity().desired()).isEqualTo(3);

            // Its template does not.
            assertThatThrownBy(() -> lb.update(spec(BackendService.builder(SERVICE).availabilityGroup(g1(3)
                    .template(g1(3).build().template().toBuilder().maxConnections(10))))).block(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(UpdateRejectedException.class, e -> assertThat(e.problems())
                            .singleElement().asString().startsWith("listeners[0].backendService.servers"
                                    + ".availabilityGroup: \"g1\" changed beyond its capacity"));

            // Back to the static list: the group's instances drain and the group stops.
            diff = lb.update(spec(BackendService.builder(SERVICE)
                    .staticServer(StaticServer.builder("127.0.0.1").port(s.port())))).block(Duration.ofSeconds(30));
            assertThat(diff.serversAdded()).containsExactly(new SpecDiff.Server(SERVICE, s.address()));
            try (Socket c = Fixtures.connect(lb.listener("front"))) {
                Fixtures.assertEchoes(c, "to the static server again");
            }
            assertThat(s.accepted()).isEqualTo(before + 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() ->
                    lb.availabilityGroup("g1")).isInstanceOf(IllegalArgumentException.class));
            long[] rounds = held.rounds();
            await().atMost(Duration.ofSeconds(20)).until(() -> held.allAdvancedSince(rounds)
                    || !held.failures().isEmpty());
            held.close();
            assertThat(held.failures()).isEmpty();
        }
    }
}
