package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A pair with no bytes in either direction for the listener's idle timeout is closed; a busy one is not. */
class IdleTimeoutTest {

    private static final Duration IDLE = Duration.ofMillis(300);
    private static final int TICKS = 20;
    private static final long TICK_MILLIS = 50;

    /** Sends one byte every 50 ms, 20 times, then echoes. */
    private static final TestBackend.Behaviour TICKER = (server, s) -> {
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < TICKS; i++) {
            out.write('t');
            out.flush();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        TestBackend.ECHO.serve(server, s);
    };

    @Test
    void anIdlePairIsClosedAtTheTimeout() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("idle",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("echo", a))), options());
             Socket s = connect(lb.listener(0))) {
            assertEchoes(s, "one exchange, then silence");
            long lastActivity = System.nanoTime();
            assertClosedWithoutData(s);
            assertThat(Duration.ofNanos(System.nanoTime() - lastActivity))
                    .isGreaterThanOrEqualTo(IDLE.minusMillis(50))
                    .isLessThan(Duration.ofSeconds(5));
            await().untilAsserted(() -> assertThat(a.open()).as("server side closed").isZero());
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    @Test
    void aPairWithTrafficFromTheClientStaysOpen() throws Exception {
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("busy",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("echo", a))), options());
             Socket s = connect(lb.listener(0))) {
            OutputStream out = s.getOutputStream();
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            ScheduledFuture<?> sender = clock.scheduleAtFixedRate(() -> {
                if (sent.get() < TICKS) {
                    try {
                        out.write('c');
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            InputStream in = s.getInputStream();
            for (int i = 0; i < TICKS; i++) {
                assertThat(in.read()).as("echo %d", i).isEqualTo('c');
            }
            sender.cancel(false);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(IDLE.multipliedBy(3));
            assertEchoes(s, "still open");
            assertThat(a.accepted()).isEqualTo(1);
        } finally {
            clock.shutdownNow();
        }
    }

    @Test
    void aPairWithTrafficFromTheServerOnlyStaysOpen() throws Exception {
        try (TestBackend a = TestBackend.start("ticker", TICKER);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("serverbusy",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("ticks", a))), options());
             Socket s = connect(lb.listener(0))) {
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            for (int i = 0; i < TICKS; i++) {
                assertThat(in.read()).as("tick %d", i).isEqualTo('t');
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(IDLE.multipliedBy(3));
            assertEchoes(s, "still open");
        }
    }
}
