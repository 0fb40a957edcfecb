package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static io.nlb4j.balancer.Fixtures.threadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.SpecValidationException;
import io.nlb4j.model.StaticServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A server at the load balancer's own listener would make every connection, and every health probe, come back as
 * a new connection without end. Wherever such a server would join, it is refused: at the start, by
 * {@code addServer}, and from a membership provider.
 */
class ForwardingToItselfTest {

    @Test
    void aStaticServerWrittenAsThisHostOnAListenersPortIsInvalid() {
        assertThatThrownBy(() -> specBuilder("itself")
                .listener(Listener.tcp(8080).backendService(service("web",
                        java.util.List.of(StaticServer.of("127.0.0.1", 8080)))))
                .build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessageContaining("listeners[0].backendService.servers.static[0]: \"127.0.0.1:8080\" (expected: a"
                        + " server other than this load balancer's own listeners[0] on port 8080; every connection to"
                        + " it would come back as a new one, without end)");
        assertThatThrownBy(() -> specBuilder("other")
                .listener(Listener.tcp(8080).backendService(service("first",
                        java.util.List.of(StaticServer.of("10.0.0.1", 80)))))
                .listener(Listener.tcp(8081).backendService(service("second",
                        java.util.List.of(StaticServer.of("localhost", 8080)))))
                .build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessageContaining("listeners[1].backendService.servers.static[0]: \"localhost:8080\" (expected: a"
                        + " server other than this load balancer's own listeners[0] on port 8080");
    }

    @Test
    void aStaticServerThatResolvesToTheListenersOwnAddressFailsTheStartNamingBoth() throws Exception {
        // 2130706433 is 127.0.0.1 written as one number: only resolving it shows it is this host. The port is held,
        // so that it is known and nobody else takes it; the check comes before any bind.
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = held.getLocalPort();
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(specBuilder("itself")
                    .listener(Listener.tcp(port).backendService(service("web",
                            java.util.List.of(StaticServer.of("2130706433", port)))))
                    .build(), options()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessage("listeners[0].backendService.servers.static[0]: 2130706433:" + port + " (expected: a"
                            + " server other than this load balancer; it is its own listeners[0] on 127.0.0.1:"
                            + port + ", so every connection would come back as a new one, without end)");
            await().untilAsserted(() -> assertThat(threadsOf("itself")).isEmpty());
        }
    }

    @Test
    void addServerRefusesTheListenersOwnBoundAddress() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("add-itself")
                     .listener(Listener.tcp(0).backendService(service("web", a))).build(), options())) {
            InetSocketAddress self = lb.listener(0).boundAddress();
            assertThatThrownBy(() -> lb.backendService("web").addServer(self, 1).block(Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("address: 127.0.0.1:" + self.getPort() + " (expected: a server other than this load"
                            + " balancer: it is this load balancer's own listeners[0]; a connection to it would come"
                            + " back as a new connection, without end)");
            // The wildcard address reaches this host's listeners whatever address they bind: refused too.
            assertThatThrownBy(() -> lb.backendService("web").addServer(new InetSocketAddress("0.0.0.0",
                    self.getPort()), 1).block(Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("address: 0.0.0.0:" + self.getPort() + " (expected: a server other than");
            assertThat(lb.backendService("web").servers()).extracting(ServerStats::address)
                    .containsExactly(a.address());
        }
    }

    @Test
    void aRefusedAddServerChangesNothingAndLaterChangesWork() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("refused-add")
                     .listener(Listener.tcp(0).backendService(service("web", a))).build(), options())) {
            RunningBackendService web = lb.backendService("web");
            assertThatThrownBy(() -> web.addServer(new InetSocketAddress("127.0.0.1", 0), 1)
                    .block(Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("address: 127.0.0.1:0 (expected: a server's port, 1-65535)");
            web.addServer(b.address(), 1).block(Duration.ofSeconds(5));
            web.removeServer(a.address()).block(Duration.ofSeconds(5));
            assertThat(web.servers()).extracting(ServerStats::address).containsExactly(b.address());
        }
    }

    @Test
    void aProviderListingTheLoadBalancerItselfHasThatMemberLeftOut() throws Exception {
        Sinks.Many<Set<Member>> members = Sinks.many().replay().latest();
        MembershipProviderFactory factory = new MembershipProviderFactory() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public MembershipProvider create(Map<String, String> properties) {
                return () -> members.asFlux();
            }
        };
        try (TestBackend a = TestBackend.echo("a")) {
            members.tryEmitNext(Set.of(Member.of("127.0.0.1", a.port())));
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("provided")
                    .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                            .healthCheck(HealthCheck.none(OutlierDetection.off()))
                            .provider("test", Map.of())))
                    .build(), optionsBuilder().membershipProvider(factory).build())) {
                int self = lb.listener(0).boundAddress().getPort();
                members.tryEmitNext(Set.of(Member.of("127.0.0.1", a.port()), Member.of("127.0.0.1", self)));
                int other;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                    other = s.getLocalPort();
                    // A later snapshot with a third member shows that the one before it has been applied.
                    members.tryEmitNext(Set.of(Member.of("127.0.0.1", a.port()), Member.of("127.0.0.1", self),
                            Member.of("127.0.0.1", other)));
                    await().untilAsserted(() -> assertThat(lb.backendService("web").servers())
                            .extracting(st -> st.address().getPort())
                            .containsExactlyInAnyOrder(a.port(), other));
                }
            }
        }
    }
}
