package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.hex;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.sha256;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.Listener;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Byte-for-byte integrity under concurrency: many connections, each sending random bytes to an echo server
 * through the load balancer while reading the echo back, hashed with SHA-256 at both ends.
 */
class IntegrityTest {

    private static final int CONNECTIONS = 200;
    private static final int BYTES_PER_CONNECTION = 1 << 20;
    private static final int CHUNK = 16 * 1024;

    /** What each echo server received, hashed; both directions are then checked independently. */
    private final Set<String> receivedByServers = ConcurrentHashMap.newKeySet();
    private final Set<String> sentByServers = ConcurrentHashMap.newKeySet();

    private final TestBackend.Behaviour hashingEcho = (server, s) -> {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        MessageDigest received = sha256();
        MessageDigest sent = sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            received.update(buf, 0, n);
            total += n;
            out.write(buf, 0, n);
            sent.update(buf, 0, n);
        }
        s.shutdownOutput();
        if (total == BYTES_PER_CONNECTION) {
            receivedByServers.add(hex(received.digest()));
            sentByServers.add(hex(sent.digest()));
        }
    };

    @Test
    void everyByteArrivesIntactInBothDirectionsOnManyConcurrentConnections() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (TestBackend a = TestBackend.start("a", hashingEcho);
             TestBackend b = TestBackend.start("b", hashingEcho);
             TestBackend c = TestBackend.start("c", hashingEcho);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("integrity",
                     Listener.tcp(0).backendService(service("echo", a, b, c))), options())) {
            RunningListener listener = lb.listener(0);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    sockets.add(connect(listener));
                }
                // Every pair is established before a byte is sent: the connections are truly concurrent.
                await().atMost(Duration.ofSeconds(15)).until(() -> listener.stats().totalConnections() == CONNECTIONS);
                assertThat(listener.stats().activeConnections()).isEqualTo(CONNECTIONS);

                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<String>> sent = new ArrayList<>();
                List<CompletableFuture<String>> received = new ArrayList<>();
                for (Socket s : sockets) {
                    sent.add(CompletableFuture.supplyAsync(() -> send(s, go), pool));
                    received.add(CompletableFuture.supplyAsync(() -> receive(s), pool));
                }
                go.countDown();
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                CompletableFuture.allOf(received.toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);

                Set<String> sentByClients = new HashSet<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    String out = sent.get(i).get();
                    sentByClients.add(out);
                    // backend -> client: what came back is what was sent
                    assertThat(received.get(i).get()).as("echo hash of connection %d", i).isEqualTo(out);
                }
                assertThat(sentByClients).hasSize(CONNECTIONS);
                // client -> backend, checked at the servers on their own
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receivedByServers)
                        .as("hashes of what the servers received").isEqualTo(sentByClients));
                assertThat(sentByServers).isEqualTo(sentByClients);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            await().untilAsserted(() -> assertThat(listener.stats().activeConnections()).isZero());
            ListenerStats stats = listener.stats();
            assertThat(stats.totalConnections()).isEqualTo(CONNECTIONS);
            assertThat(stats.bytesIn()).isEqualTo((long) CONNECTIONS * BYTES_PER_CONNECTION);
            assertThat(stats.bytesOut()).isEqualTo((long) CONNECTIONS * BYTES_PER_CONNECTION);
            assertThat(lb.backendService("echo").servers()).allSatisfy(s -> {
                assertThat(s.totalConnections()).isBetween(66L, 67L);
                assertThat(s.bytesToServer()).isEqualTo(s.totalConnections() * BYTES_PER_CONNECTION);
                assertThat(s.bytesFromServer()).isEqualTo(s.totalConnections() * BYTES_PER_CONNECTION);
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends random bytes, then shuts the output; returns the SHA-256 of what was sent. */
    private static String send(Socket s, CountDownLatch go) {
        try {
            go.await();
            MessageDigest d = sha256();
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            for (int left = BYTES_PER_CONNECTION; left > 0; left -= CHUNK) {
                ThreadLocalRandom.current().nextBytes(chunk);
                d.update(chunk);
                out.write(chunk);
            }
            s.shutdownOutput();
            return hex(d.digest());
        } catch (Exception e) {
            throw new IllegalStateException("sending failed on " + s, e);
        }
    }

    /** Reads until EOF; returns the SHA-256 of what was received (only if the byte count is right). */
    private static String receive(Socket s) {
        try {
            MessageDigest d = sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                d.update(buf, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(BYTES_PER_CONNECTION);
            return hex(d.digest());
        } catch (Exception e) {
            throw new IllegalStateException("receiving failed on " + s, e);
        }
    }
}
