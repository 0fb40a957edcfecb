package io.nlb4j.membership.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** The dns provider against a DNS server the test runs: records change and the load balancer follows. */
class DnsProviderTest {

    private static RunningLoadBalancer start(Map<String, String> properties) {
        return NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("dns-lb").region("local").vpc("lo").zones("z1")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(Duration.ZERO)
                        .provider("dns", properties)))
                .build(), LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build());
    }

    private static Map<InetSocketAddress, Integer> servers(RunningLoadBalancer lb) {
        return lb.backendService("web").servers().stream()
                .filter(s -> s.state() == ServerStats.State.IN_SERVICE)
                .collect(Collectors.toMap(ServerStats::address, ServerStats::weight));
    }

    @Test
    void aRecordsAreFollowedAndAStoppedServerKeepsTheLastSet() throws Exception {
        TestDnsServer dns = new TestDnsServer(1);
        dns.a("web.test", List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")));
        String resolver = "127.0.0.1:" + dns.address().getPort();
        try (RunningLoadBalancer lb = start(Map.of("name", "web.test", "port", "8080", "resolvers", resolver,
                "refresh", "2s"))) {
            List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
            Disposable sub = lb.events().subscribe(events::add);
            InetSocketAddress two = new InetSocketAddress("127.0.0.2", 8080);
            InetSocketAddress three = new InetSocketAddress("127.0.0.3", 8080);
            InetSocketAddress four = new InetSocketAddress("127.0.0.4", 8080);
            await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).keySet().equals(Set.of(two, three)));

            dns.a("web.test", List.of(InetAddress.getByName("127.0.0.3"), InetAddress.getByName("127.0.0.4")));
            await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).keySet().equals(Set.of(three, four)));

            dns.close();
            await().atMost(Duration.ofSeconds(15)).until(() -> events.stream().anyMatch(e ->
                    e instanceof LoadBalancerEvent.MembershipProblem p && p.problem().startsWith("dns web.test A:"
                            + " lookup failed") && p.problem().endsWith("the last 2 servers are kept")));
            assertThat(servers(lb).keySet()).containsExactlyInAnyOrder(three, four);
            sub.dispose();
        } finally {
            dns.close();
        }
    }

    @Test
    void srvRecordsGiveThePortsAndTheWeights() throws Exception {
        try (TestDnsServer dns = new TestDnsServer(1)) {
            dns.a("a.test", List.of(InetAddress.getByName("127.0.0.5")));
            dns.a("b.test", List.of(InetAddress.getByName("127.0.0.6")));
            dns.srv("_web._tcp.test", List.of(new TestDnsServer.Srv(0, 10, 9001, "a.test"),
                    new TestDnsServer.Srv(0, 30, 9002, "b.test")));
            try (RunningLoadBalancer lb = start(Map.of("name", "_web._tcp.test", "recordType", "SRV",
                    "resolvers", "127.0.0.1:" + dns.address().getPort()))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).equals(Map.of(
                        new InetSocketAddress("127.0.0.5", 9001), 10, new InetSocketAddress("127.0.0.6", 9002), 30)));
            }
        }
    }

    @Test
    void badPropertiesAreNamed() {
        DnsMembershipProviderFactory f = new DnsMembershipProviderFactory();
        assertThat(f.check(Map.of("name", "x"))).containsExactly("port: missing (expected: the servers' port,"
                + " 1-65535, for A records)");
        assertThat(f.check(Map.of("name", "x", "recordType", "MX", "port", "80"))).containsExactly(
                "recordType: \"MX\" (expected: A, AAAA or SRV)");
        assertThat(f.check(Map.of("name", "x", "port", "80", "refresh", "soon"))).containsExactly(
                "refresh: \"soon\" (expected: a duration such as 30s)");
        assertThat(f.check(Map.of("port", "80", "ttl", "5"))).containsExactlyInAnyOrder(
                "ttl: unknown (expected: one of [name, port, recordType, resolvers, refresh])",
                "name: missing (expected: the DNS name to look up, such as web.service.internal)");
        assertThatThrownBy(() -> f.create(Map.of("name", "x", "port", "0"))).isInstanceOf(
                IllegalArgumentException.class).hasMessage("port: \"0\" (expected: 1-65535)");
    }
}
