package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.canBindLoopbackAlias;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.counts;
import static io.nlb4j.balancer.Fixtures.loopback;
import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static io.nlb4j.balancer.Fixtures.statsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ServerWeightChanged;
import io.nlb4j.model.Listener;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.StaticServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scheduling algorithms, observed through real connections to servers that say their name. */
class SchedulingThroughSocketsTest {

    @Test
    void roundRobinCyclesExactly() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("rr",
                     Listener.tcp(0).backendService(service("web", a, b, c))), options())) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                names.add(nameOfNextConnection(lb.listener(0)));
            }
            assertThat(names).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
        }
    }

    @Test
    void weightedLeastConnectionsSendsNewConnectionsToTheLeastBusyServer() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("wlc",
                     Listener.tcp(0).backendService(service("web", a, b, c)
                             .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS))), options())) {
            RunningBackendService web = lb.backendService("web");
            Map<String, TestBackend> byName = Map.of("a", a, "b", b, "c", c);
            Map<String, List<Socket>> held = new HashMap<>();
            String last = null;
            try {
                // Each new connection lands on a server that had the fewest active connections.
                for (int i = 0; i < 6; i++) {
                    long least = web.servers().stream().mapToLong(ServerStats::activeConnections).min().orElseThrow();
                    Socket s = connect(lb.listener(0));
                    String name = readLine(s);
                    held.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
                    last = name;
                    assertThat(held.get(name)).as("connections held on %s after %d", name, i + 1)
                            .hasSize((int) least + 1);
                }
                assertThat(held).allSatisfy((name, sockets) -> assertThat(sockets).hasSize(2));

                // Whichever server's connections close becomes the least busy, even the one that took the last
                // connection (round robin would move on to the next).
                for (String target : List.of(last, "a", "c", "b")) {
                    for (Socket s : held.remove(target)) {
                        s.close();
                    }
                    TestBackend server = byName.get(target);
                    await().untilAsserted(() -> assertThat(statsOf(web, server).activeConnections()).isZero());
                    for (int k = 0; k < 2; k++) {
                        Socket s = connect(lb.listener(0));
                        String name = readLine(s);
                        held.computeIfAbsent(name, x -> new ArrayList<>()).add(s);
                        assertThat(name).as("connection %d after closing %s's", k, target).isEqualTo(target);
                    }
                }
            } finally {
                for (List<Socket> list : held.values()) {
                    for (Socket s : list) {
                        s.close();
                    }
                }
            }
        }
    }

    @Test
    void weightedLeastConnectionsHonoursWeights() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("wlcw",
                     Listener.tcp(0).backendService(service("web", List.of(
                             StaticServer.of("127.0.0.1", a.port()).weight(3),
                             StaticServer.of("127.0.0.1", b.port()).weight(1)))
                             .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS))), options())) {
            List<Socket> held = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = connect(lb.listener(0));
                    held.add(s);
                    names.add(readLine(s));
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertThat(counts(names)).isEqualTo(Map.of("a", 6L, "b", 2L));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Scheduling.class, names = {"SOURCE_IP_HASH", "MAGLEV"})
    void hashingKeepsOneClientOnOneServer(Scheduling scheduling) throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("hash",
                     Listener.tcp(0).backendService(service("web", a, b, c).scheduling(scheduling))), options())) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                names.add(nameOfNextConnection(lb.listener(0)));
            }
            assertThat(new HashSet<>(names)).as("servers reached by 127.0.0.1").hasSize(1);

            if (canBindLoopbackAlias()) {
                // Other sources spread over the servers, each staying on its own.
                Map<Integer, String> serverOf = serverOfSources(lb, 2, 31);
                assertThat(new HashSet<>(serverOf.values())).as("servers reached by 30 sources").hasSizeGreaterThan(1);
                assertThat(serverOfSources(lb, 2, 31)).isEqualTo(serverOf);
            }
        }
    }

    @Test
    void maglevMovesOnlyTheClientsOfARemovedServer() throws Exception {
        assumeThat(canBindLoopbackAlias()).as("127.0.0.2 and up can be bound").isTrue();
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("maglev",
                     Listener.tcp(0).backendService(service("web", a, b, c).scheduling(Scheduling.MAGLEV))),
                     options())) {
            Map<Integer, String> before = serverOfSources(lb, 1, 40);
            assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder("a", "b", "c");
            lb.backendService("web").removeServer(c.address()).block(Duration.ofSeconds(5));
            Map<Integer, String> after = serverOfSources(lb, 1, 40);
            int stayed = 0;
            int others = 0;
            for (Map.Entry<Integer, String> e : before.entrySet()) {
                if (e.getValue().equals("c")) {
                    assertThat(after.get(e.getKey())).as("source 127.0.0.%d moved off c", e.getKey()).isIn("a", "b");
                } else {
                    others++;
                    stayed += e.getValue().equals(after.get(e.getKey())) ? 1 : 0;
                }
            }
            // Maglev keeps almost every other client where it was (its tables are not perfectly minimal: a
            // removal may move a few slots between the remaining servers).
            assertThat(stayed).as("clients of a and b that stayed, of %d", others).isGreaterThanOrEqualTo(others * 9 / 10);
        }
    }

    @Test
    void aWeightChangeTakesEffectForNewConnections() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("weights",
                     Listener.tcp(0).backendService(service("web", a, b, c))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                before.add(nameOfNextConnection(lb.listener(0)));
            }
            assertThat(counts(before)).isEqualTo(Map.of("a", 2L, "b", 2L, "c", 2L));

            RunningBackendService web = lb.backendService("web");
            web.setWeight(a.address(), 3).block(Duration.ofSeconds(5));
            assertThat(statsOf(web, a).weight()).isEqualTo(3);
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 10; i++) { // two periods of weights 3, 1, 1
                after.add(nameOfNextConnection(lb.listener(0)));
            }
            assertThat(counts(after)).isEqualTo(Map.of("a", 6L, "b", 2L, "c", 2L));
            await().untilAsserted(() -> assertThat(events.of(ServerWeightChanged.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.server()).isEqualTo(a.address());
                        assertThat(e.previous()).isEqualTo(1);
                        assertThat(e.weight()).isEqualTo(3);
                    }));
        }
    }

    /** Connects once from each source 127.0.0.{from..to} and records the server reached. */
    private static Map<Integer, String> serverOfSources(RunningLoadBalancer lb, int from, int to) throws Exception {
        Map<Integer, String> out = new HashMap<>();
        for (int i = from; i <= to; i++) {
            InetAddress source = loopback(i);
            try (Socket s = connect(lb.listener(0), source)) {
                out.put(i, readLine(s));
            }
        }
        return out;
    }
}
