package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static io.nlb4j.balancer.Fixtures.statsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.Type;
import io.nlb4j.model.Listener;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server removed from a running service drains: no new connections, open ones until they close or time out. */
class DrainingTest {

    @Test
    void aRemovedServerGetsNoNewConnectionsKeepsItsOpenOneAndLeavesWhenItCloses() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("drain",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofSeconds(30)))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            RunningListener listener = lb.listener(0);
            RunningBackendService web = lb.backendService("web");
            Socket open = connect(listener);
            String name = readLine(open);
            TestBackend leaving = name.equals("a") ? a : b;
            TestBackend staying = leaving == a ? b : a;

            CompletableFuture<Void> removal = web.removeServer(leaving.address()).toFuture();
            await().untilAsserted(() -> assertThat(statsOf(web, leaving).state()).isEqualTo(ServerStats.State.DRAINING));
            assertThat(events.of(Type.SERVER_DRAINING)).singleElement()
                    .satisfies(e -> assertThat(e.server().orElseThrow()).endsWith(":" + leaving.port()));

            for (int i = 0; i < 10; i++) {
                assertThat(nameOfNextConnection(listener)).as("connection %d after removal", i)
                        .isEqualTo(staying.name());
            }
            assertThat(leaving.accepted()).isEqualTo(1);
            assertEchoes(open, "still working while draining");
            assertThat(statsOf(web, leaving).activeConnections()).isEqualTo(1);
            assertThat(removal).as("removal completes only once the server has left").isNotDone();
            assertThat(events.of(Type.SERVER_REMOVED)).isEmpty();

            open.close();
            removal.get(5, TimeUnit.SECONDS);
            assertThat(web.servers()).extracting(s -> s.address().getPort()).containsExactly(staying.port());
            await().untilAsserted(() -> assertThat(events.of(Type.SERVER_REMOVED)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.server().orElseThrow()).endsWith(":" + leaving.port());
                        assertThat(e.detail()).contains("drained");
                    }));
            assertThat(events.types()).containsSubsequence(Type.SERVER_DRAINING, Type.SERVER_REMOVED);
        }
    }

    @Test
    void aStragglerIsClosedAtTheDrainingTimeout() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("straggler",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofMillis(500)))), options());
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket straggler = connect(lb.listener(0))) {
            RunningBackendService web = lb.backendService("web");
            TestBackend leaving = readLine(straggler).equals("a") ? a : b;

            long start = System.nanoTime();
            CompletableFuture<Void> removal = web.removeServer(leaving.address()).toFuture();
            assertEchoes(straggler, "still here");
            // The client holds its connection open; the load balancer closes it at the timeout.
            assertClosedWithoutData(straggler);
            Duration closedAfter = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closedAfter).isGreaterThanOrEqualTo(Duration.ofMillis(480)).isLessThan(Duration.ofSeconds(5));

            removal.get(5, TimeUnit.SECONDS);
            await().untilAsserted(() -> assertThat(leaving.open()).as("server side closed too").isZero());
            await().untilAsserted(() -> assertThat(events.of(Type.SERVER_REMOVED)).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("draining timeout").contains("1 connections closed")));
            assertThat(events.types()).containsSubsequence(Type.SERVER_DRAINING, Type.SERVER_REMOVED);
            assertThat(web.servers()).hasSize(1);
        }
    }

    @Test
    void withDrainingOffOpenConnectionsAreClosedAtOnce() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("nodrain",
                     Listener.tcp(0).backendService(service("web", a).connectionDraining(Duration.ZERO))), options());
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket open = connect(lb.listener(0))) {
            assertThat(readLine(open)).isEqualTo("a");
            lb.backendService("web").removeServer(a.address()).block(Duration.ofSeconds(5));
            assertClosedWithoutData(open);
            await().untilAsserted(() -> assertThat(a.open()).isZero());
            await().untilAsserted(() -> assertThat(events.of(Type.SERVER_REMOVED)).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("draining off")));
            assertThat(lb.backendService("web").servers()).isEmpty();
        }
    }

    @Test
    void removingAnIdleServerCompletesAtOnceAndItGetsNothingMore() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("idleremove",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofSeconds(30)))), options())) {
            RunningBackendService web = lb.backendService("web");
            web.removeServer(a.address()).block(Duration.ofSeconds(5));
            assertThat(web.servers()).extracting(ServerStats::address).containsExactly(b.address());
            for (int i = 0; i < 4; i++) {
                assertThat(nameOfNextConnection(lb.listener(0))).isEqualTo("b");
            }
            assertThat(a.accepted()).isZero();
        }
    }
}
