package io.nlb4j.junit5;

import static io.nlb4j.junit5.assertions.Nlb4jAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An availability group of who-am-I servers behind the extension's load balancer, and the assertions on it. */
class FleetAndAssertionsTest {

    static final TestServerFleet<WhoAmIServer> FLEET = TestServers.whoAmIFleet();

    @RegisterExtension
    static final LoadBalancerExtension lb = LoadBalancerExtension.of(spec -> spec.listener(Listener.tcp(0)
            .backendService(BackendService.builder("web")
                    .connectionDraining(Duration.ofMillis(200))
                    .healthCheck(HealthCheck.http(TestServer.HEALTH_PATH).interval(Duration.ofMillis(100))
                            .timeout(Duration.ofMillis(80)).healthyThreshold(1).unhealthyThreshold(2))
                    .availabilityGroup(AvailabilityGroup.builder("web-ag").region(LoadBalancerExtension.REGION)
                            .vpc(LoadBalancerExtension.VPC).zones(LoadBalancerExtension.ZONE)
                            .template(InstanceTemplate.builder("web").launcher(FLEET.launcher()).port(0))
                            .capacity(2, 2, 2)))));

    @AfterAll
    static void closeFleet() {
        FLEET.close();
    }

    @Test
    void connectionsReachEveryInstanceAndAnUnhealthyOneIsSeenSo() {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            answered.add(WhoAmIServer.ask(lb.address()));
        }
        assertThat(answered).hasSize(2).allMatch(id -> id.startsWith("web-ag-"));
        RunningBackendService web = lb.backendService("web");
        assertThat(web).hasServers(2).hasServersServingTraffic(2);

        WhoAmIServer sick = FLEET.server(answered.iterator().next());
        InetSocketAddress address = sick.address();
        assertThat(web).server(sick).servesTraffic().isHealthy().isInService().isNotEjected()
                .hasTotalConnectionsAtLeast(1).hasBytesFromServerAtLeast(1);
        sick.unhealthy(true);
        assertThat(lb.events()).hasEventFor(LoadBalancerEvent.ServerUnhealthy.class, address, Duration.ofSeconds(10));
        // The group may be replacing the instance by now; its health stays as it was found.
        assertThatThrownBy(() -> assertThat(web).server(address).servesTraffic())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected server " + address.getAddress().getHostAddress() + ':'
                        + address.getPort() + " of backend service \"web\" to serve traffic, but it was: ")
                .hasMessageContaining("UNHEALTHY");
    }

    @Test
    void failingAssertionsShowWhatTheySaw() {
        RunningBackendService web = lb.backendService("web");
        InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 1);
        assertThatThrownBy(() -> assertThat(web).server(nowhere)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected backend service \"web\" to have server 127.0.0.1:1, but its servers"
                        + " are:").hasMessageContaining("IN_SERVICE");
        assertThatThrownBy(() -> assertThat(lb.loadBalancer()).backendService("db")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected load balancer \"test-lb\" to have backend service \"db\"");
        assertThatThrownBy(() -> assertThat(lb.events()).hasEventFor(LoadBalancerEvent.ServerRemoved.class, nowhere,
                Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a ServerRemoved event for server 127.0.0.1:1 within 50 ms, but none"
                        + " came; the events recorded:");
        assertThatThrownBy(() -> FLEET.server("web-ag-99")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("instanceId: \"web-ag-99\" (expected: a running instance, one of [web-ag-");
    }
}
