package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.Listener;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Each fault's effect at the socket, its direction, its toxicity, and its removal. Bounds are generous. */
class FaultInjectionTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private RunningLoadBalancer start(TestBackend... backends) {
        RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("faults",
                Listener.tcp(0).name("front").backendService(service("svc", backends))), Fixtures.options());
        closing.add(lb);
        return lb;
    }

    private TestBackend backend(String name, TestBackend.Behaviour behaviour) throws IOException {
        TestBackend b = TestBackend.start(name, behaviour);
        closing.add(b);
        return b;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @Test
    void latencyDelaysOnlyTheDirectionItIsOn() throws IOException {
        TestBackend named = backend("a", TestBackend.NAMED_ECHO);
        RunningLoadBalancer lb = start(named);
        FaultHandle down = lb.addFault(FaultTarget.listener("front"), Fault.latency(Duration.ofMillis(400),
                Duration.ZERO));
        try (Socket s = connect(lb.listener("front"))) {
            long t0 = System.nanoTime();
            assertThat(readLine(s)).isEqualTo("a");
            assertThat(millisSince(t0)).as("the server's greeting, downstream").isGreaterThanOrEqualTo(380);
        }
        down.remove();

        lb.addFault(FaultTarget.listener("front"), Fault.latency(Duration.ofMillis(400), Duration.ZERO).upstream());
        try (Socket s = connect(lb.listener("front"))) {
            long t0 = System.nanoTime();
            assertThat(readLine(s)).isEqualTo("a");
            long greeting = millisSince(t0);
            t0 = System.nanoTime();
            Fixtures.assertEchoes(s, "ping");
            assertThat(millisSince(t0)).as("an echo, upstream").isGreaterThanOrEqualTo(380);
            assertThat(greeting).as("the greeting is not delayed upstream").isLessThan(380);
        }
    }

    @Test
    void aFaultAddedWhileAConnectionRunsActsOnItUntilRemoved() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        try (Socket s = connect(lb.listener("front"))) {
            Fixtures.assertEchoes(s, "before");
            FaultHandle slow = lb.addFault(FaultTarget.service("svc"), Fault.latency(Duration.ofMillis(400),
                    Duration.ZERO));
            long t0 = System.nanoTime();
            Fixtures.assertEchoes(s, "during");
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(380);
            slow.remove();
            t0 = System.nanoTime();
            Fixtures.assertEchoes(s, "after");
            assertThat(millisSince(t0)).isLessThan(380);

            lb.addFault(FaultTarget.listener("front"), Fault.down());
            assertThatThrownBy(() -> {
                s.getOutputStream().write('x');
                if (s.getInputStream().read() < 0) {
                    throw new SocketException("closed");
                }
            }).as("a listener taken down drops its open connections").isInstanceOf(SocketException.class);
        }
    }

    @Test
    void bandwidthThrottlesTheData() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        lb.addFault(FaultTarget.service("svc"), Fault.bandwidth(64));
        byte[] payload = data(128 * 1024);
        try (Socket s = connect(lb.listener("front"))) {
            long t0 = System.nanoTime();
            Thread writer = writeInBackground(s, payload);
            byte[] back = new byte[payload.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertThat(back).isEqualTo(payload);
            // 128 KiB at 64 KiB/s: about 2 s.
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(1500);
            join(writer);
        }
    }

    @Test
    void slicerCutsTheDataIntoSmallWrites() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        lb.addFault(FaultTarget.listener("front"), Fault.slicer(10, 0, Duration.ofMillis(5)));
        byte[] payload = data(200);
        try (Socket s = connect(lb.listener("front"))) {
            s.getOutputStream().write(payload);
            InputStream in = s.getInputStream();
            byte[] back = new byte[payload.length];
            int reads = 0;
            for (int got = 0; got < back.length; reads++) {
                int n = in.read(back, got, back.length - got);
                assertThat(n).isPositive();
                assertThat(n).as("a slice of 10 bytes, 5 ms apart, arrives on its own").isLessThanOrEqualTo(40);
                got += n;
            }
            assertThat(back).isEqualTo(payload);
            assertThat(reads).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void timeoutStopsTheDataThenClosesTheConnection() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        lb.addFault(FaultTarget.listener("front"), Fault.timeout(Duration.ofMillis(500)));
        try (Socket s = connect(lb.listener("front"))) {
            long t0 = System.nanoTime();
            s.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).as("nothing comes back, then the end").isEqualTo(-1);
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(450);
        }
    }

    @Test
    void aTimeoutOfZeroHoldsTheConnectionUntilTheFaultIsRemoved() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        FaultHandle timeout = lb.addFault(FaultTarget.listener("front"), Fault.timeout(Duration.ZERO));
        try (Socket s = connect(lb.listener("front"))) {
            s.setSoTimeout(600);
            s.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            timeout.remove();
            s.setSoTimeout(10_000);
            Fixtures.assertEchoes(s, "back again");
        }
    }

    @Test
    void resetPeerResetsTheConnectionAfterItsTimeout() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        lb.addFault(FaultTarget.listener("front"), Fault.resetPeer(Duration.ofMillis(300)));
        try (Socket s = connect(lb.listener("front"))) {
            long t0 = System.nanoTime();
            Fixtures.assertEchoes(s, "before");
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void slowCloseDelaysTheEndOfTheStream() throws IOException {
        TestBackend saysBye = backend("b", (server, s) -> {
            s.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
            s.close();
        });
        RunningLoadBalancer lb = start(saysBye);
        lb.addFault(FaultTarget.listener("front"), Fault.slowClose(Duration.ofMillis(500)));
        try (Socket s = connect(lb.listener("front"))) {
            assertThat(readLine(s)).isEqualTo("bye");
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void limitDataClosesTheConnectionAfterSoManyBytes() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        lb.addFault(FaultTarget.listener("front"), Fault.limitData(100));
        byte[] payload = data(300);
        try (Socket s = connect(lb.listener("front"))) {
            s.getOutputStream().write(payload);
            byte[] back = s.getInputStream().readAllBytes();
            assertThat(back).hasSize(100).isEqualTo(java.util.Arrays.copyOf(payload, 100));
        }
    }

    @Test
    void aServerDownRefusesItsConnectionsSoTheOthersTakeThemUntilTheFaultIsRemoved() throws IOException {
        TestBackend a = backend("a", TestBackend.NAMED_ECHO);
        TestBackend b = backend("b", TestBackend.NAMED_ECHO);
        RunningLoadBalancer lb = start(a, b);
        InetSocketAddress aAddress = new InetSocketAddress("127.0.0.1", a.port());
        FaultHandle down = lb.addFault(FaultTarget.server("svc", aAddress), Fault.down());
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            reached.add(Fixtures.nameOfNextConnection(lb.listener("front")));
        }
        assertThat(reached).containsExactly("b");
        down.remove();
        await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.nameOfNextConnection(lb.listener("front"))
                .equals("a"));
    }

    @Test
    void aListenerDownResetsNewConnectionsAndSaysWhy() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        Disposable sub = lb.events().subscribe(events::add);
        closing.add(sub::dispose);
        FaultHandle down = lb.addFault(FaultTarget.listener("front"), Fault.down());
        Fixtures.assertRefused(lb.listener("front"), null);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e ->
                e instanceof LoadBalancerEvent.ConnectionRejected r
                        && r.reason() == LoadBalancerEvent.RejectReason.FAULT_DOWN));
        down.remove();
        try (Socket s = connect(lb.listener("front"))) {
            Fixtures.assertEchoes(s, "up again");
        }
        assertThat(events).filteredOn(e -> e instanceof LoadBalancerEvent.FaultAdded
                || e instanceof LoadBalancerEvent.FaultRemoved).extracting(LoadBalancerEvent::description)
                .containsExactly("fault added on listener \"front\": down downstream",
                        "fault removed from listener \"front\": down downstream");
    }

    @Test
    void toxicityHitsAboutItsShareOfConnectionsTheSameOnesForTheSameSeed() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        List<Boolean> first = hits(lb, 42);
        List<Boolean> second = hits(lb, 42);
        long hit = first.stream().filter(h -> h).count();
        assertThat(hit).as("connections reset of 200 at toxicity 0.5").isBetween(70L, 130L);
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < first.size(); i++) {
            if (!first.get(i).equals(second.get(i))) {
                diff.append(i).append(':').append(first.get(i)).append('/').append(second.get(i)).append(' ');
            }
        }
        assertThat(second).as("differences %s", diff).isEqualTo(first);
        assertThat(hits(lb, 7)).isNotEqualTo(first);
    }

    /** 200 sequential connections under a reset at once with toxicity 0.5: which were reset. */
    private static List<Boolean> hits(RunningLoadBalancer lb, long seed) throws IOException {
        FaultHandle f = lb.addFault(FaultTarget.listener("front"), Fault.resetPeer(Duration.ZERO)
                .toxicity(0.5, seed));
        List<Boolean> reset = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                try (Socket s = connect(lb.listener("front"))) {
                    s.getOutputStream().write('x');
                    int b = s.getInputStream().read();
                    reset.add(b != 'x');
                } catch (SocketException e) {
                    reset.add(true);
                }
            }
        } finally {
            f.remove();
        }
        return reset;
    }

    @Test
    void badTargetsAreRefusedNamingWhatThereIs() throws IOException {
        RunningLoadBalancer lb = start(backend("e", TestBackend.ECHO));
        assertThatThrownBy(() -> lb.addFault(FaultTarget.listener("back"), Fault.down()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listener: \"back\" (expected: a listener name, one of [front])");
        assertThatThrownBy(() -> lb.addFault(FaultTarget.service("db"), Fault.down()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend service: \"db\" (expected: one of [svc])");
        assertThatThrownBy(() -> lb.addFault(FaultTarget.server("svc", new InetSocketAddress("127.0.0.1", 1)),
                Fault.down())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server: 127.0.0.1:1 (expected: a server of backend service \"svc\", one of [");
        assertThatThrownBy(() -> Fault.slicer(10, 10, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sizeVariation: 10 (expected: 0 to 9, less than averageSize 10)");
        assertThatThrownBy(() -> Fault.latency(Duration.ZERO, Duration.ZERO).toxicity(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("toxicity: 1.5 (expected: 0 to 1)");
    }

    private static Thread writeInBackground(Socket s, byte[] payload) {
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                // the reading side reports it
            }
        }, "fault-test-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
