package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.awaitStable;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nlb4j.balancer.Fixtures.TransportKind;
import io.nlb4j.model.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A slow reader never makes the load balancer buffer without bound: when the client stops reading, the
 * server's writes stall once the socket buffers and the proxy's small write buffer are full; when the client
 * reads again, the stream resumes and completes.
 */
class BackpressureTest {

    private static final long STREAM_BYTES = 256L << 20;
    private static final int CHUNK = 64 * 1024;
    /** The buffers of the test's own sockets, set small so that the kernel does not grow them. */
    private static final int TEST_SOCKET_BUFFER = 64 * 1024;
    /**
     * Everything that may legitimately hold bytes on the way: the proxy's receive buffer on one side and its
     * send buffer on the other (the kernel grows them up to tcp_rmem and tcp_wmem max, 32 MiB and 4 MiB here),
     * the test's own small socket buffers, the proxy's write buffer water mark and one read burst. Unbounded
     * buffering reaches the whole stream.
     */
    private static final long BOUND = Fixtures.proxySocketBufferBound() + (4L << 20);

    @BeforeAll
    static void theBoundIsMeaningful() {
        assumeThat(BOUND).as("kernel socket buffers small enough to tell bounded from unbounded buffering")
                .isLessThan(STREAM_BYTES / 2);
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aClientThatReadsNothingStallsTheServerWellBelowTheStreamSizeAndResumesLater(TransportKind transport)
            throws Exception {
        AtomicLong written = new AtomicLong();
        CompletableFuture<Long> serverChecksum = new CompletableFuture<>();
        TestBackend.Behaviour stream = (server, s) -> {
            s.setSendBufferSize(TEST_SOCKET_BUFFER);
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            CRC32 crc = new CRC32();
            for (long sent = 0; sent < STREAM_BYTES; sent += CHUNK) {
                fill(chunk, sent);
                crc.update(chunk);
                out.write(chunk);
                written.addAndGet(CHUNK);
            }
            s.shutdownOutput();
            serverChecksum.complete(crc.getValue());
        };
        try (TestBackend a = TestBackend.start("streamer", stream);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("slowreader",
                     Listener.tcp(0).backendService(service("stream", a))), options(transport));
             Socket s = connectWithSmallBuffers(lb.listener(0))) {

            // The client reads nothing: the server's written count must stop growing.
            long stalledAt = awaitStable(written);
            assertThat(stalledAt).as("bytes the server could write to a client reading nothing")
                    .isGreaterThan(0)
                    .isLessThan(BOUND);
            assertThat(serverChecksum).isNotDone();

            // Now the client reads everything: the stream resumes and completes, byte for byte.
            InputStream in = s.getInputStream();
            byte[] buf = new byte[CHUNK];
            CRC32 crc = new CRC32();
            long received = 0;
            for (int n; (n = in.readNBytes(buf, 0, CHUNK)) > 0; ) {
                assertThat(n == CHUNK || received + n == STREAM_BYTES).isTrue();
                crc.update(buf, 0, n);
                received += n;
            }
            assertThat(received).isEqualTo(STREAM_BYTES);
            assertThat(crc.getValue()).isEqualTo(serverChecksum.get(5, TimeUnit.SECONDS));
            assertThat(lb.listener(0).stats().bytesOut()).isEqualTo(STREAM_BYTES);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aServerThatReadsNothingStallsTheClientWellBelowTheStreamSizeAndResumesLater(TransportKind transport)
            throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        CompletableFuture<String> serverReceived = new CompletableFuture<>();
        TestBackend.Behaviour lateReader = (server, s) -> {
            s.setReceiveBufferSize(TEST_SOCKET_BUFFER);
            try {
                startReading.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[CHUNK];
            CRC32 crc = new CRC32();
            long received = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                crc.update(buf, 0, n);
                received += n;
            }
            serverReceived.complete(received + " " + crc.getValue());
        };
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (TestBackend a = TestBackend.start("late-reader", lateReader);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("slowserver",
                     Listener.tcp(0).backendService(service("sink", a))), options(transport));
             Socket s = connectWithSmallBuffers(lb.listener(0))) {
            AtomicLong written = new AtomicLong();
            Future<Long> sent = writer.submit(() -> {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[CHUNK];
                CRC32 crc = new CRC32();
                for (long offset = 0; offset < STREAM_BYTES; offset += CHUNK) {
                    fill(chunk, offset);
                    crc.update(chunk);
                    out.write(chunk);
                    written.addAndGet(CHUNK);
                }
                s.shutdownOutput();
                return crc.getValue();
            });

            long stalledAt = awaitStable(written);
            assertThat(stalledAt).as("bytes a client could write to a server reading nothing")
                    .isGreaterThan(0)
                    .isLessThan(BOUND);
            assertThat(sent).isNotDone();

            startReading.countDown();
            long crc = sent.get(60, TimeUnit.SECONDS);
            assertThat(serverReceived.get(60, TimeUnit.SECONDS)).isEqualTo(STREAM_BYTES + " " + crc);
            assertThat(lb.listener(0).stats().bytesIn()).isEqualTo(STREAM_BYTES);
        } finally {
            startReading.countDown();
            writer.shutdownNow();
        }
    }

    private static Socket connectWithSmallBuffers(RunningListener listener) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(TEST_SOCKET_BUFFER);
        s.setSendBufferSize(TEST_SOCKET_BUFFER);
        s.connect(listener.boundAddress(), 5000);
        s.setSoTimeout(Fixtures.READ_TIMEOUT_MILLIS);
        return s;
    }

    /** A pattern that changes with the offset, so that lost or repeated chunks change the checksum. */
    private static void fill(byte[] chunk, long offset) {
        long x = offset / CHUNK * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < chunk.length; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            for (int j = 0; j < 8; j++) {
                chunk[i + j] = (byte) (x >>> (j * 8));
            }
        }
    }
}
