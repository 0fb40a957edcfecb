package io.nlb4j.balancer;

import io.nlb4j.model.StaticServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server that answers HTTP health probes ({@code GET /health}) with 200 or 503 as its flag says (optionally
 * after a delay, or 503 for its first probes), and serves clients (who send a line first) by sending its name and
 * echoing.
 */
final class HealthServer implements AutoCloseable {
    final AtomicBoolean healthy = new AtomicBoolean(true);
    /** Probes still to be answered 503 before the flag decides. */
    final AtomicInteger failFirst = new AtomicInteger();
    /** How long each probe's answer is held back. */
    final AtomicReference<Duration> probeDelay = new AtomicReference<>(Duration.ZERO);
    final AtomicInteger probes = new AtomicInteger();
    final AtomicInteger clients = new AtomicInteger();
    final TestBackend backend;

    HealthServer(String name) throws IOException {
        backend = TestBackend.start(name, (server, s) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String first = line(in);
            if (first.startsWith("GET /health")) {
                probes.incrementAndGet();
                while (!line(in).isEmpty()) {
                    // headers
                }
                Duration delay = probeDelay.get();
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis()); // a slow server, not a test waiting
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                boolean ok = healthy.get() && failFirst.getAndUpdate(n -> Math.max(0, n - 1)) == 0;
                out.write((ok ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 503 Busy\r\n")
                        .concat("Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            clients.incrementAndGet();
            out.write((server.name() + "\n").getBytes(StandardCharsets.UTF_8));
            TestBackend.ECHO.serve(server, s);
        });
    }

    StaticServer staticServer() {
        return StaticServer.of("127.0.0.1", backend.port());
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
