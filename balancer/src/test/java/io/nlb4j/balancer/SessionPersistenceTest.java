package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static io.nlb4j.balancer.Fixtures.statsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.Listener;
import io.nlb4j.model.Scheduling;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Source-IP session persistence over round robin, driven by an injected clock. */
class SessionPersistenceTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final SerialVirtualTime clock = SerialVirtualTime.create();

    @AfterEach
    void disposeClock() {
        clock.dispose();
    }

    private RunningLoadBalancer start(String name, TestBackend... backends) {
        return NetworkLoadBalancer.startNow(spec(name, Listener.tcp(0).backendService(service("web", backends)
                .scheduling(Scheduling.WEIGHTED_ROUND_ROBIN)
                .sessionPersistence(TIMEOUT)
                .connectionDraining(Duration.ofSeconds(30)))), options(clock));
    }

    /** Makes {@code n} sequential connections and returns the one server they all reached. */
    private static String stickyServer(RunningLoadBalancer lb, int n) throws Exception {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            names.add(nameOfNextConnection(lb.listener(0)));
        }
        assertThat(names).as("servers reached by %d consecutive connections", n).hasSize(1);
        return names.iterator().next();
    }

    @Test
    void aClientSticksToOneServerUntilThePersistenceTimeoutPasses() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = start("sticky", a, b, c)) {
            String first = stickyServer(lb, 6);

            // Just within the timeout (each connection refreshes the entry): still the same server.
            clock.advanceTimeBy(TIMEOUT.minusSeconds(1));
            assertThat(nameOfNextConnection(lb.listener(0))).isEqualTo(first);

            // Past the timeout: the next connection is scheduled afresh, and round robin moves on.
            clock.advanceTimeBy(TIMEOUT.plusSeconds(1));
            String second = stickyServer(lb, 4);
            assertThat(second).isNotEqualTo(first);
        }
    }

    @Test
    void aPersistedServerThatWasRemovedIsNotUsed() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = start("removedsticky", a, b, c)) {
            Map<String, TestBackend> byName = Map.of("a", a, "b", b, "c", c);
            RunningBackendService web = lb.backendService("web");
            String first = stickyServer(lb, 3);

            web.removeServer(byName.get(first).address()).block(Duration.ofSeconds(5));
            String second = stickyServer(lb, 3);
            assertThat(second).isNotEqualTo(first);
            assertThat(byName.get(first).accepted()).isEqualTo(3);

            // A persisted server that is draining is not used either.
            TestBackend secondServer = byName.get(second);
            try (Socket open = connect(lb.listener(0))) {
                assertThat(readLine(open)).isEqualTo(second);
                web.removeServer(secondServer.address()).subscribe();
                await().untilAsserted(() -> assertThat(statsOf(web, secondServer).state())
                        .isEqualTo(ServerStats.State.DRAINING));
                String third = stickyServer(lb, 3);
                assertThat(third).isNotIn(first, second);
                assertThat(secondServer.accepted()).isEqualTo(4);
            }
            assertThat(List.of(a, b, c)).extracting(TestBackend::accepted).containsExactlyInAnyOrder(3, 4, 3);
        }
    }
}
