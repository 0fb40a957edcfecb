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

import io.nlb4j.balancer.LoadBalancerEvent.LeaveCause;
import io.nlb4j.balancer.LoadBalancerEvent.RemovalOutcome;
import io.nlb4j.balancer.LoadBalancerEvent.ServerDraining;
import io.nlb4j.balancer.LoadBalancerEvent.ServerRemoved;
import io.nlb4j.control.SerialVirtualTime;
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
            assertThat(events.of(ServerDraining.class)).singleElement().satisfies(e -> {
                assertThat(e.server()).isEqualTo(leaving.address());
                assertThat(e.cause()).isEqualTo(LeaveCause.REMOVED);
                assertThat(e.openConnections()).isEqualTo(1);
                assertThat(e.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
            });

            for (int i = 0; i < 10; i++) {
                assertThat(nameOfNextConnection(listener)).as("connection %d after removal", i)
                        .isEqualTo(staying.name());
            }
            assertThat(leaving.accepted()).isEqualTo(1);
            assertEchoes(open, "still working while draining");
            assertThat(statsOf(web, leaving).activeConnections()).isEqualTo(1);
            assertThat(removal).as("removal completes only once the server has left").isNotDone();
            assertThat(events.of(ServerRemoved.class)).isEmpty();

            open.close();
            removal.get(5, TimeUnit.SECONDS);
            assertThat(web.servers()).extracting(s -> s.address().getPort()).containsExactly(staying.port());
            await().untilAsserted(() -> assertThat(events.of(ServerRemoved.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.server()).isEqualTo(leaving.address());
                        assertThat(e.outcome()).isEqualTo(RemovalOutcome.DRAINED);
                        assertThat(e.closedConnections()).isZero();
                    }));
            assertThat(events.types()).containsSubsequence(ServerDraining.class, ServerRemoved.class);
        }
    }

    @Test
    void aStragglerIsClosedAtTheDrainingTimeoutOnTheControlClock() throws Exception {
        SerialVirtualTime clock = SerialVirtualTime.create();
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("straggler",
                     Listener.tcp(0).backendService(service("web", a, b)
                             .connectionDraining(Duration.ofSeconds(30)))), options(clock));
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket straggler = connect(lb.listener(0))) {
            RunningBackendService web = lb.backendService("web");
            TestBackend leaving = readLine(straggler).equals("a") ? a : b;

            CompletableFuture<Void> removal = web.removeServer(leaving.address()).toFuture();
            await().untilAsserted(() -> assertThat(statsOf(web, leaving).state()).isEqualTo(ServerStats.State.DRAINING));
            clock.advanceTimeBy(Duration.ofSeconds(30).minusMillis(1));
            // One millisecond before the timeout the connection still works in both directions.
            assertEchoes(straggler, "still here");
            assertThat(removal).isNotDone();
            clock.advanceTimeBy(Duration.ofMillis(1));
            // The client holds its connection open; the load balancer closes it at the timeout.
            assertClosedWithoutData(straggler);

            removal.get(5, TimeUnit.SECONDS);
            await().untilAsserted(() -> assertThat(leaving.open()).as("server side closed too").isZero());
            await().untilAsserted(() -> assertThat(events.of(ServerRemoved.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.outcome()).isEqualTo(RemovalOutcome.DRAIN_TIMEOUT);
                        assertThat(e.closedConnections()).isEqualTo(1);
                    }));
            assertThat(events.types()).containsSubsequence(ServerDraining.class, ServerRemoved.class);
            assertThat(web.servers()).hasSize(1);
        } finally {
            clock.dispose();
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
            await().untilAsserted(() -> assertThat(events.of(ServerRemoved.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.outcome()).isEqualTo(RemovalOutcome.DRAINING_OFF);
                        assertThat(e.closedConnections()).isEqualTo(1);
                    }));
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
