package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.openSockets;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ConnectFailed;
import io.nlb4j.balancer.LoadBalancerEvent.ConnectionRejected;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.model.Listener;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server that refuses connections is skipped: the client is connected to another one, and the failure counted. */
class ConnectFailureTest {

    /** A loopback port that was bound and closed again: connecting to it is refused. */
    private static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Two distinct ports nothing listens on: both bound at once, then closed (one after the other may repeat). */
    private static int[] twoRefusingPorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    @Test
    void everyClientReachesAWorkingServerWhenOneRefuses() throws Exception {
        int dead = refusingPort();
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("refused",
                     Listener.tcp(0).backendService(service("web", List.of(
                             StaticServer.of("127.0.0.1", a.port()),
                             StaticServer.of("127.0.0.1", dead),
                             StaticServer.of("127.0.0.1", b.port()))))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            RunningListener listener = lb.listener(0);
            long socketsBefore = openSockets();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                try (Socket s = connect(listener)) {
                    names.add(readLine(s));
                    assertEchoes(s, "request " + i);
                }
            }
            assertThat(names).hasSize(50).containsOnly("a", "b").contains("a", "b");
            assertThat(a.accepted() + b.accepted()).isEqualTo(50);

            ServerStats deadStats = lb.backendService("web").servers().stream()
                    .filter(s -> s.address().getPort() == dead).findFirst().orElseThrow();
            assertThat(deadStats.connectFailures()).isGreaterThan(0);
            assertThat(deadStats.totalConnections()).isZero();
            assertThat(deadStats.activeConnections()).isZero();
            assertThat(listener.stats().totalConnections()).isEqualTo(50);
            assertThat(listener.stats().noServerConnections()).isZero();
            assertThat(events.of(ConnectFailed.class)).isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(e.server().getPort()).isEqualTo(dead);
                        assertThat(e.cause()).isInstanceOf(java.net.ConnectException.class);
                        // The words for people carry the reason, not the exception's class.
                        assertThat(e.description()).contains("connect to 127.0.0.1:" + dead + " failed: ")
                                .doesNotContain("Exception").doesNotContain("io.netty");
                    });

            // Every failed server channel is closed: the process holds no more sockets than before the clients.
            if (socketsBefore >= 0) {
                await().untilAsserted(() -> assertThat(openSockets()).as("open sockets (leaked failed connects?)")
                        .isLessThanOrEqualTo(socketsBefore + 2));
            }
        }
    }

    /** How a client connection ends while its server connection is still being made. */
    enum Abort {
        /** The client resets its connection. */
        CLIENT_RESET,
        /** The load balancer stops without draining. */
        STOP
    }

    /**
     * A client connection that ends while the server connection is still being made costs the server nothing:
     * no connect failure is counted against it (which would feed passive health checking), and no other
     * server is tried for a client that has gone. (A client that only half-closes is still waiting for its
     * response, so it is not such a case.)
     */
    @ParameterizedTest
    @EnumSource(Abort.class)
    void aClientGoneWhileTheServerConnectIsPendingIsNotAFailureOfTheServer(Abort abort) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TestBackend other = TestBackend.echo("other")) {
            // Fill the accept queue of a server that never accepts: further SYNs are dropped, so connecting to
            // it stays pending.
            List<Socket> queued = new ArrayList<>();
            try {
                boolean pending = false;
                for (int i = 0; i < 10 && !pending; i++) {
                    Socket q = new Socket();
                    try {
                        q.connect(silent.getLocalSocketAddress(), 300);
                        queued.add(q);
                    } catch (SocketTimeoutException e) {
                        q.close();
                        pending = true;
                    }
                }
                assumeThat(pending).as("connects to a full accept queue stay pending").isTrue();
                try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("gone-" + abort,
                             Listener.tcp(0).backendService(service("web", List.of(
                                     StaticServer.of("127.0.0.1", silent.getLocalPort()),
                                     StaticServer.of("127.0.0.1", other.port()))))), options());
                     Fixtures.Events events = new Fixtures.Events(lb)) {
                    RunningListener listener = lb.listener(0);
                    RunningBackendService web = lb.backendService("web");
                    Socket client = connect(listener); // round robin: the silent server first
                    await().untilAsserted(() -> assertThat(web.servers().get(0).activeConnections()).isEqualTo(1));
                    if (abort == Abort.CLIENT_RESET) {
                        client.setSoLinger(true, 0);
                        client.close();
                    } else {
                        lb.stop(Duration.ZERO).block(Duration.ofSeconds(10));
                        assertClosedWithoutData(client);
                        client.close();
                    }
                    await().untilAsserted(() -> assertThat(listener.stats().activeConnections()).isZero());
                    await().untilAsserted(() -> assertThat(web.servers()).allSatisfy(st ->
                            assertThat(st.activeConnections()).isZero()));
                    assertThat(web.servers()).allSatisfy(st -> assertThat(st.connectFailures()).isZero());
                    assertThat(events.of(ConnectFailed.class)).isEmpty();
                    assertThat(other.accepted()).as("connections made for a client that has gone").isZero();
                }
            } finally {
                for (Socket q : queued) {
                    q.close();
                }
            }
        }
    }

    @Test
    void aClientIsClosedAtOnceWhenNoServerCanBeReached() throws Exception {
        int[] dead = twoRefusingPorts();
        int dead1 = dead[0];
        int dead2 = dead[1];
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("unreachable",
                     Listener.tcp(0).backendService(service("web", List.of(
                             StaticServer.of("127.0.0.1", dead1), StaticServer.of("127.0.0.1", dead2))))), options());
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket s = connect(lb.listener(0))) {
            assertClosedWithoutData(s);
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().noServerConnections()).isEqualTo(1));
            assertThat(lb.listener(0).stats().activeConnections()).isZero();
            assertThat(lb.backendService("web").servers()).allSatisfy(st -> {
                assertThat(st.connectFailures()).isEqualTo(1);
                assertThat(st.activeConnections()).isZero();
            });
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.reason()).isEqualTo(RejectReason.NO_SERVER_REACHABLE);
                        assertThat(e.detail()).isEqualTo("2 attempts");
                    }));
        }
    }
}
