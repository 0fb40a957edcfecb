package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertRefused;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ConnectionRejected;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.model.Listener;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A listener at its connection limit refuses new connections and accepts again once one closes. */
class MaxConnectionsTest {

    @Test
    void aConnectionBeyondTheLimitIsRefusedWhileTheOthersKeepWorking() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("limited",
                     Listener.tcp(0).maxConnections(2).backendService(service("web", a))), options());
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket first = connect(lb.listener(0));
             Socket second = connect(lb.listener(0))) {
            RunningListener listener = lb.listener(0);
            assertThat(readLine(first)).isEqualTo("a");
            assertThat(readLine(second)).isEqualTo("a");

            assertRefused(listener, null); // a NAMED_ECHO server would have sent its name
            await().untilAsserted(() -> assertThat(listener.stats().overLimitConnections()).isEqualTo(1));
            assertThat(a.accepted()).as("connections seen by the server").isEqualTo(2);
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.reason()).isEqualTo(RejectReason.MAX_CONNECTIONS);
                        assertThat(e.detail()).isEqualTo("limit 2");
                    }));
            assertEchoes(first, "first still works");
            assertEchoes(second, "second still works");
            assertThat(listener.stats().activeConnections()).isEqualTo(2);

            first.close();
            await().untilAsserted(() -> assertThat(listener.stats().activeConnections()).isEqualTo(1));
            try (Socket fourth = connect(listener)) {
                assertThat(readLine(fourth)).isEqualTo("a");
                assertEchoes(fourth, "accepted again");
                assertEchoes(second, "second still works");
            }
            assertThat(listener.stats().overLimitConnections()).isEqualTo(1);
            assertThat(listener.stats().totalConnections()).isEqualTo(3);
            assertThat(a.accepted()).isEqualTo(3);
        }
    }
}
