package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertClosedWithoutData;
import static io.nlb4j.balancer.Fixtures.assertEchoes;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.Listener;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pair with no bytes in either direction for the listener's idle timeout is closed; a busy one is not. Time is
 * the load balancer's control clock, driven by the test: the idle sweeps run when it advances.
 */
class IdleTimeoutTest {

    private static final Duration IDLE = Duration.ofSeconds(30);
    /** Well under the idle timeout, so that a pair with a byte after each step is never idle for long enough. */
    private static final Duration STEP = Duration.ofSeconds(20);

    private final SerialVirtualTime clock = SerialVirtualTime.create();

    @AfterEach
    void disposeClock() {
        clock.dispose();
    }

    @Test
    void anIdlePairIsClosedOnlyOnceItHasBeenIdleForTheWholeTimeout() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("idle",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("echo", a))), options(clock));
             Socket s = connect(lb.listener(0))) {
            assertEchoes(s, "one exchange");
            for (int i = 0; i < 3; i++) {
                clock.advanceTimeBy(IDLE.minusSeconds(1)); // idle for just under the timeout: still open
                assertEchoes(s, "exchange " + i + " after " + IDLE.minusSeconds(1));
            }
            // The sweep runs every second; after a whole timeout and two sweeps more the pair is gone.
            clock.advanceTimeBy(IDLE.plusSeconds(2));
            assertClosedWithoutData(s);
            await().untilAsserted(() -> assertThat(a.open()).as("server side closed").isZero());
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    @Test
    void aPairWithTrafficFromTheClientStaysOpen() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("busy",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("echo", a))), options(clock));
             Socket s = connect(lb.listener(0))) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 10; i++) { // 200 s of control time, more than six idle timeouts
                out.write('c');
                out.flush();
                assertThat(in.read()).as("echo %d", i).isEqualTo('c');
                clock.advanceTimeBy(STEP);
            }
            assertEchoes(s, "still open");
            assertThat(a.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aPairWithTrafficFromTheServerOnlyStaysOpen() throws Exception {
        BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
        TestBackend.Behaviour ticker = (server, s) -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 10; i++) {
                Integer tick;
                try {
                    tick = ticks.poll(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (tick == null) {
                    return;
                }
                out.write('t');
                out.flush();
            }
            TestBackend.ECHO.serve(server, s);
        };
        try (TestBackend a = TestBackend.start("ticker", ticker);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("serverbusy",
                     Listener.tcp(0).idleTimeout(IDLE).backendService(service("ticks", a))), options(clock));
             Socket s = connect(lb.listener(0))) {
            InputStream in = s.getInputStream();
            for (int i = 0; i < 10; i++) {
                ticks.add(i);
                assertThat(in.read()).as("tick %d", i).isEqualTo('t');
                clock.advanceTimeBy(STEP);
            }
            assertEchoes(s, "still open");
        }
    }
}
