package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.roundTrip;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static io.nlb4j.balancer.Fixtures.statsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ServerAdded;
import io.nlb4j.model.Listener;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Servers added to a running service take new connections at once; the counters match the traffic. */
class LiveMembershipTest {

    /** The name line a NAMED_ECHO server sends first: its one-letter name and a newline. */
    private static final int NAME_LINE = 2;

    @Test
    void anAddedServerTakesNewConnectionsAndTheCountersMatchTheTraffic() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("live",
                     Listener.tcp(0).backendService(service("web", a))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            RunningListener listener = lb.listener(0);
            RunningBackendService web = lb.backendService("web");
            Map<String, Long> sentTo = new HashMap<>(Map.of("a", 0L, "b", 0L));
            Map<String, Long> connectionsTo = new HashMap<>(Map.of("a", 0L, "b", 0L));

            for (int i = 0; i < 2; i++) {
                exchange(listener, 1000 + i, sentTo, connectionsTo);
            }
            assertThat(connectionsTo).containsEntry("a", 2L).containsEntry("b", 0L);

            web.addServer(b.address(), 1).block(Duration.ofSeconds(5));
            assertThat(web.servers()).extracting(s -> s.address().getPort()).containsExactly(a.port(), b.port());
            await().untilAsserted(() -> assertThat(events.of(ServerAdded.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.server()).isEqualTo(b.address());
                        assertThat(e.weight()).isEqualTo(1);
                    }));

            // Four connections held open at once, each with its own amount of traffic.
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = connect(listener);
                    open.add(s);
                    String name = readLine(s);
                    int size = 5000 * (i + 1) + i;
                    byte[] data = new byte[size];
                    ThreadLocalRandom.current().nextBytes(data);
                    assertThat(roundTrip(s, data)).isEqualTo(data);
                    sentTo.merge(name, (long) size, Long::sum);
                    connectionsTo.merge(name, 1L, Long::sum);
                }
                assertThat(connectionsTo).containsEntry("a", 4L).containsEntry("b", 2L);
                assertThat(b.accepted()).isEqualTo(2);
                assertThat(statsOf(web, a).activeConnections()).isEqualTo(2);
                assertThat(statsOf(web, b).activeConnections()).isEqualTo(2);
                assertThat(listener.stats().activeConnections()).isEqualTo(4);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            await().untilAsserted(() -> assertThat(listener.stats().activeConnections()).isZero());
            await().untilAsserted(() -> assertThat(web.servers()).allSatisfy(s ->
                    assertThat(s.activeConnections()).isZero()));

            for (TestBackend server : List.of(a, b)) {
                ServerStats st = statsOf(web, server);
                long conns = connectionsTo.get(server.name());
                assertThat(st.totalConnections()).as("connections to %s", server.name()).isEqualTo(conns);
                assertThat(st.bytesToServer()).as("bytes to %s", server.name()).isEqualTo(sentTo.get(server.name()));
                assertThat(st.bytesFromServer()).as("bytes from %s", server.name())
                        .isEqualTo(sentTo.get(server.name()) + NAME_LINE * conns);
                assertThat(st.state()).isEqualTo(ServerStats.State.IN_SERVICE);
                assertThat(st.connectFailures()).isZero();
            }
            ListenerStats stats = listener.stats();
            long totalSent = sentTo.values().stream().mapToLong(Long::longValue).sum();
            assertThat(stats.totalConnections()).isEqualTo(6);
            assertThat(stats.bytesIn()).isEqualTo(totalSent);
            assertThat(stats.bytesOut()).isEqualTo(totalSent + NAME_LINE * 6);
        }
    }

    @Test
    void aDrainingServerAddedAgainReturnsToService() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("readd",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofSeconds(30)))), options());
             Socket open = connect(lb.listener(0))) {
            RunningBackendService web = lb.backendService("web");
            assertThat(readLine(open)).isEqualTo("a");
            web.removeServer(a.address()).subscribe();
            await().untilAsserted(() -> assertThat(statsOf(web, a).state()).isEqualTo(ServerStats.State.DRAINING));
            assertThat(nameOfNextConnection(lb.listener(0))).isEqualTo("b");

            web.addServer(a.address(), 1).block(Duration.ofSeconds(5));
            assertThat(statsOf(web, a).state()).isEqualTo(ServerStats.State.IN_SERVICE);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                names.add(nameOfNextConnection(lb.listener(0)));
            }
            assertThat(names).containsExactlyInAnyOrder("a", "b", "a", "b");
            await().untilAsserted(() -> assertThat(statsOf(web, a).activeConnections()).isEqualTo(1));
        }
    }

    @Test
    void aRemovalCancelledByAddingTheServerAgainTerminates() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("cancelremoval",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofSeconds(30)))), options());
             Socket open = connect(lb.listener(0))) {
            RunningBackendService web = lb.backendService("web");
            assertThat(readLine(open)).isEqualTo("a");
            CompletableFuture<Void> removal = web.removeServer(a.address()).toFuture();
            await().untilAsserted(() -> assertThat(statsOf(web, a).state()).isEqualTo(ServerStats.State.DRAINING));
            web.addServer(a.address(), 1).block(Duration.ofSeconds(5));
            // Whoever waits for the removal must not wait forever: it completes or fails once it is called off.
            await().atMost(Duration.ofSeconds(3)).until(removal::isDone);
            assertThat(removal).isCompletedExceptionally();
            assertThat(statsOf(web, a).state()).isEqualTo(ServerStats.State.IN_SERVICE);
        }
    }

    /** One connection: reads the server's name, echoes {@code size} bytes, closes; records where it went. */
    private static void exchange(RunningListener listener, int size, Map<String, Long> sentTo,
                                 Map<String, Long> connectionsTo) throws Exception {
        try (Socket s = connect(listener)) {
            String name = readLine(s);
            byte[] data = new byte[size];
            ThreadLocalRandom.current().nextBytes(data);
            assertThat(roundTrip(s, data)).isEqualTo(data);
            sentTo.merge(name, (long) size, Long::sum);
            connectionsTo.merge(name, 1L, Long::sum);
        }
    }
}
