package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.awaitStable;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.hex;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.sha256;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.Fixtures.TransportKind;
import io.nlb4j.model.Listener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Half-close is forwarded in both directions, and a reset is forwarded as a reset. */
class HalfCloseAndResetTest {

    /** Reads until EOF, then answers with the byte count and the SHA-256 of all it read, and closes. */
    private static final TestBackend.Behaviour DIGEST = (server, s) -> {
        long count = 0;
        MessageDigest d = sha256();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            d.update(buf, 0, n);
            count += n;
        }
        s.getOutputStream().write((count + " " + hex(d.digest()) + "\n").getBytes(StandardCharsets.UTF_8));
    };

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void clientHalfCloseReachesTheServerAndTheWholeResponseStillComesBack(TransportKind transport) throws Exception {
        try (TestBackend a = TestBackend.start("a", DIGEST);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("halfclose",
                     Listener.tcp(0).backendService(service("digest", a))), options(transport))) {
            // Large enough to cross the write buffer water marks and the socket buffers.
            byte[] payload = new byte[3 * 1024 * 1024 + 17];
            ThreadLocalRandom.current().nextBytes(payload);
            assertThat(exchange(lb.listener(0), payload)).isEqualTo(expectedAnswer(payload));
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void dataAndFinSentRightAfterConnectingAreAllForwarded(TransportKind transport) throws Exception {
        // The client's bytes and FIN may arrive before the server connection is made: nothing may be lost.
        try (TestBackend a = TestBackend.start("a", DIGEST);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("earlyfin",
                     Listener.tcp(0).backendService(service("digest", a))), options(transport))) {
            for (int i = 0; i < 40; i++) {
                byte[] payload = new byte[1 + i * 100];
                ThreadLocalRandom.current().nextBytes(payload);
                assertThat(exchange(lb.listener(0), payload)).as("exchange %d", i).isEqualTo(expectedAnswer(payload));
            }
        }
    }

    /**
     * After the client's FIN, a response larger than the socket buffers still reaches a client that reads it
     * late: the load balancer has to wait for the client socket to become writable again, many times.
     */
    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aLargeResponseAfterTheClientHalfClosedReachesALateReader(TransportKind transport) throws Exception {
        // Larger than every buffer on the way could ever hold, however the kernel sizes them: the load balancer's
        // own sockets may grow to tcp_wmem and tcp_rmem's maximum (4 MiB and 32 MiB here); the client's and the
        // server's are held at 64 KiB.
        int responseSize = 64 << 20;
        AtomicLong written = new AtomicLong();
        CompletableFuture<String> sent = new CompletableFuture<>();
        TestBackend.Behaviour download = (server, s) -> {
            s.getInputStream().transferTo(OutputStream.nullOutputStream()); // the request, to its EOF
            s.setSendBufferSize(64 * 1024);
            MessageDigest d = sha256();
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < responseSize / chunk.length; i++) {
                ThreadLocalRandom.current().nextBytes(chunk);
                d.update(chunk);
                s.getOutputStream().write(chunk);
                written.addAndGet(chunk.length);
            }
            sent.complete(hex(d.digest()));
        };
        try (TestBackend a = TestBackend.start("download", download);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("download",
                     Listener.tcp(0).backendService(service("files", a))), options(transport));
             Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(lb.listener(0).boundAddress(), 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /big\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            // Read nothing until every buffer on the way is full.
            assertThat(awaitStable(written)).isLessThan(responseSize);
            MessageDigest d = sha256();
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                d.update(buf, 0, n);
                received += n;
            }
            assertThat(received).as("bytes of the response received").isEqualTo(responseSize);
            assertThat(hex(d.digest())).isEqualTo(sent.get(5, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void serverHalfCloseReachesTheClientWhichCanStillSend(TransportKind transport) throws Exception {
        CompletableFuture<String> serverReceived = new CompletableFuture<>();
        TestBackend.Behaviour greetThenListen = (server, s) -> {
            s.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            MessageDigest d = sha256();
            long count = 0;
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                d.update(buf, 0, n);
                count += n;
            }
            serverReceived.complete(count + " " + hex(d.digest()));
        };
        try (TestBackend a = TestBackend.start("a", greetThenListen);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("serverfin",
                     Listener.tcp(0).backendService(service("listen", a))), options(transport));
             Socket s = connect(lb.listener(0))) {
            assertThat(readAll(s.getInputStream())).isEqualTo("bye\n".getBytes(StandardCharsets.UTF_8)); // then EOF
            assertThat(s.isInputShutdown()).isFalse();
            byte[] payload = new byte[512 * 1024];
            ThreadLocalRandom.current().nextBytes(payload);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            assertThat(serverReceived.get(10, TimeUnit.SECONDS)).isEqualTo(payload.length + " " + hex(sha256().digest(payload)));
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void serverResetIsForwardedAsAReset(TransportKind transport) throws Exception {
        TestBackend.Behaviour resetAfterOneByte = (server, s) -> {
            if (s.getInputStream().read() >= 0) {
                s.setSoLinger(true, 0);
                s.close();
            }
        };
        try (TestBackend a = TestBackend.start("a", resetAfterOneByte);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("serverreset",
                     Listener.tcp(0).backendService(service("reset", a))), options(transport))) {
            for (int i = 0; i < 5; i++) {
                try (Socket s = connect(lb.listener(0))) {
                    s.getOutputStream().write('x');
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> s.getInputStream().read())
                            .as("a reset, not a clean EOF (attempt %d)", i)
                            .isInstanceOf(SocketException.class)
                            .hasMessageContaining("reset");
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                }
            }
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void clientResetIsForwardedAsAReset(TransportKind transport) throws Exception {
        CompletableFuture<String> serverSaw = new CompletableFuture<>();
        TestBackend.Behaviour recordEnd = (server, s) -> {
            try {
                TestBackend.ECHO.serve(server, s);
                serverSaw.complete("eof");
            } catch (SocketException e) {
                serverSaw.complete("reset: " + e.getMessage());
            }
        };
        try (TestBackend a = TestBackend.start("a", recordEnd);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("clientreset",
                     Listener.tcp(0).backendService(service("reset", a))), options(transport))) {
            Socket s = connect(lb.listener(0));
            assertEchoes(s, "ping");
            s.setSoLinger(true, 0);
            s.close();
            assertThat(serverSaw.get(10, TimeUnit.SECONDS)).startsWith("reset").contains("reset");
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    /** Sends the payload, shuts the output, and reads the answer to EOF. */
    private static String exchange(RunningListener listener, byte[] payload) throws Exception {
        try (Socket s = connect(listener)) {
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return readAll(s.getInputStream());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            OutputStream out = s.getOutputStream();
            out.write(payload);
            s.shutdownOutput();
            assertThat(s.isClosed()).isFalse();
            return new String(answer.get(15, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        }
    }

    private static String expectedAnswer(byte[] payload) {
        return payload.length + " " + hex(sha256().digest(payload)) + "\n";
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
