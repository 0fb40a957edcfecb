package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static io.nlb4j.balancer.Fixtures.threadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ListenerUnbound;
import io.nlb4j.balancer.LoadBalancerEvent.StopOutcome;
import io.nlb4j.balancer.LoadBalancerEvent.Stopped;
import io.nlb4j.balancer.LoadBalancerEvent.Stopping;
import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.Listener;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code stop(Duration)} drains the whole load balancer. */
class StopTest {

    @Test
    void stopClosesTheListenerAtOnceLetsOpenConnectionsRunAndClosesStragglersAtTheTimeout() throws Exception {
        SerialVirtualTime clock = SerialVirtualTime.create();
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("stopper",
                     Listener.tcp(0).backendService(service("echo", a)
                             .connectionDraining(Duration.ofSeconds(30)))), options(clock));
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket polite = connect(lb.listener(0));
             Socket straggler = connect(lb.listener(0))) {
            InetSocketAddress address = lb.listener(0).boundAddress();
            assertEchoes(polite, "before");
            assertEchoes(straggler, "before");

            CompletableFuture<Void> stopped = lb.stop(Duration.ofSeconds(20)).toFuture();

            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                            .as("new connections are refused once stopping")
                            .isInstanceOf(ConnectException.class));
            assertThat(lb.isDisposed()).isTrue();
            assertEchoes(polite, "open connections continue");
            assertEchoes(straggler, "open connections continue");
            polite.close();
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isEqualTo(1));
            clock.advanceTimeBy(Duration.ofSeconds(20).minusMillis(1));
            assertEchoes(straggler, "a millisecond before the drain timeout");
            assertThat(stopped).as("a straggler is still open").isNotDone();

            clock.advanceTimeBy(Duration.ofMillis(1));
            assertClosedWithoutData(straggler);
            stopped.get(5, TimeUnit.SECONDS);
            lb.onStopped().block(Duration.ofSeconds(1));
            assertThat(events.types()).containsSubsequence(Stopping.class, ListenerUnbound.class, Stopped.class);
            assertThat(events.of(Stopped.class)).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(StopOutcome.CLOSED_AT_TIMEOUT));
            await().untilAsserted(() -> assertThat(threadsOf("stopper")).isEmpty());
            await().untilAsserted(() -> assertThat(a.open()).isZero());
        } finally {
            clock.dispose();
        }
    }

    /**
     * A response whose server has already closed, but which is still on its way to a slow client, belongs to
     * an open connection: stop lets it finish rather than cutting its tail.
     */
    @Test
    void stopWaitsForAResponseStillBeingFlushedToASlowClient() throws Exception {
        int responseSize = 32 << 20; // more than the socket buffers on the way can hold
        TestBackend.Behaviour respondAndClose = (server, s) -> {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
            byte[] response = new byte[64 * 1024];
            Arrays.fill(response, (byte) 'r');
            for (int i = 0; i < responseSize / response.length; i++) {
                s.getOutputStream().write(response);
            }
        };
        try (TestBackend a = TestBackend.start("a", respondAndClose);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("flushing",
                     Listener.tcp(0).backendService(service("web", a))), options());
             Fixtures.Events events = new Fixtures.Events(lb);
             Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(lb.listener(0).boundAddress(), 5000);
            s.setSoTimeout(Fixtures.READ_TIMEOUT_MILLIS);
            s.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            await().until(() -> lb.listener(0).stats().totalConnections() == 1); // the pair is set up
            // Read slowly, a little at a time, until the load balancer has closed the server side: the end of
            // the response then waits in the load balancer and the socket buffers.
            RunningBackendService web = lb.backendService("web");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            long received = 0;
            while (web.servers().get(0).activeConnections() > 0) {
                int n = in.read(buf);
                assertThat(n).as("EOF after %d bytes, before the server side closed", received).isPositive();
                received += n;
            }
            assertThat(received).isLessThan(responseSize);

            CompletableFuture<Void> stopped = lb.stop(Duration.ofSeconds(30)).toFuture();
            for (int n; (n = in.read(buf)) >= 0; ) {
                received += n;
            }
            assertThat(received).as("bytes of the response received").isEqualTo(responseSize);
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(events.of(Stopped.class)).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(StopOutcome.DRAINED));
        }
    }

    /**
     * A client whose connection the kernel accepted just before stop is either refused (reset, while still
     * in the accept queue) or served; it is never closed unserved, nor left hanging with its socket open.
     */
    @Test
    void aClientAcceptedJustBeforeStopIsServedOrRefusedNeverLeftHanging() throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (TestBackend a = TestBackend.echo("a")) {
            for (int i = 0; i < 20; i++) {
                RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("racing" + i,
                        Listener.tcp(0).backendService(service("echo", a))), options());
                try (Socket s = new Socket()) {
                    s.connect(lb.listener(0).boundAddress(), 5000);
                    s.setSoTimeout(3000);
                    lb.stop(Duration.ofSeconds(1)).subscribe();
                    String outcome;
                    try {
                        s.getOutputStream().write('x');
                        int b = s.getInputStream().read();
                        outcome = b == 'x' ? "served" : b < 0 ? "closed unserved" : "garbled";
                    } catch (SocketTimeoutException e) {
                        outcome = "hanging";
                    } catch (SocketException e) {
                        outcome = "reset";
                    }
                    outcomes.add(outcome);
                } finally {
                    lb.onStopped().block(Duration.ofSeconds(10));
                }
            }
        }
        assertThat(outcomes).isSubsetOf("served", "reset");
    }

    @Test
    void stopCompletesAsSoonAsTheLastConnectionCloses() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("quickstop",
                     Listener.tcp(0).backendService(service("echo", a))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            Socket s = connect(lb.listener(0));
            assertEchoes(s, "hello");
            CompletableFuture<Void> stopped = lb.stop(Duration.ofSeconds(60)).toFuture();
            assertEchoes(s, "still");
            assertThat(stopped).isNotDone();
            s.close();
            stopped.get(10, TimeUnit.SECONDS); // well before the 60 s drain timeout
            assertThat(events.of(Stopped.class)).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(StopOutcome.DRAINED));
            await().untilAsserted(() -> assertThat(threadsOf("quickstop")).isEmpty());
        }
    }
}
