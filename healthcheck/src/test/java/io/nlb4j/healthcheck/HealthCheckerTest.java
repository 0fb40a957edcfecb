package io.nlb4j.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.HealthCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    private static EventLoopGroup group;
    private static HealthChecker checker;
    private ProbeServer server;
    private final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
    private final List<ProbeResult> probes = new CopyOnWriteArrayList<>();
    /** Probe results and transitions in the order the checker reported them. */
    private final List<Object> log = new CopyOnWriteArrayList<>();
    private final HealthChecker.Listener listener = new HealthChecker.Listener() {
        @Override
        public void onTransition(HealthTransition transition) {
            transitions.add(transition);
            log.add(transition);
        }

        @Override
        public void onProbe(ProbeResult result) {
            probes.add(result);
            log.add(result);
        }
    };

    @BeforeAll
    static void startLoops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        checker = new HealthChecker(group, NioSocketChannel::new);
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new ProbeServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private static <B extends HealthCheck.Active.Builder<B>> B fast(B b, int healthy, int unhealthy) {
        return b.interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(60))
                .healthyThreshold(healthy).unhealthyThreshold(unhealthy);
    }

    private HealthStatus lastTo() {
        return transitions.isEmpty() ? HealthStatus.PENDING : transitions.get(transitions.size() - 1).to();
    }

    @Test
    void tcpServerThatStopsIsOutAfterExactlyUnhealthyThresholdFailuresAndBackAfterHealthyThreshold() throws Exception {
        try (HealthChecker.Watch w = checker.watch(server.address(), fast(HealthCheck.tcp(), 2, 3).build(), listener)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> lastTo() == HealthStatus.HEALTHY);
            assertThat(transitions).hasSize(1);
            assertThat(transitions.get(0).from()).isEqualTo(HealthStatus.PENDING);

            server.mode.set(ProbeServer.Mode.SILENT);
            server.close(); // the port refuses connections from now on
            await().atMost(Duration.ofSeconds(5)).until(() -> lastTo() == HealthStatus.UNHEALTHY);
            HealthTransition down = transitions.get(1);
            assertThat(down.reason()).isEqualTo("refused");
            assertThat(failuresBeforeLastTransition()).isEqualTo(3);
            assertThat(w.status()).isEqualTo(HealthStatus.UNHEALTHY);
        }
    }

    @Test
    void serverComesBackAfterExactlyHealthyThresholdSuccesses() {
        server.mode.set(ProbeServer.Mode.REPLY);
        server.reply.set(ProbeServer.http(503, "busy"));
        HealthCheck.Active hc = fast(HealthCheck.http("/health"), 3, 2).build();
        try (HealthChecker.Watch w = checker.watch(server.address(), hc, listener)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> lastTo() == HealthStatus.UNHEALTHY);
            assertThat(transitions.get(0).reason()).isEqualTo("status 503");
            server.reply.set(ProbeServer.http(200, "ok"));
            await().atMost(Duration.ofSeconds(5)).until(() -> lastTo() == HealthStatus.HEALTHY);
            assertThat(successesBeforeLastTransition()).isEqualTo(3);
            assertThat(w.status()).isEqualTo(HealthStatus.HEALTHY);
        }
    }

    @Test
    void httpProbesTellOkFromErrorStatusFromTimeoutFromWrongBody() {
        HealthCheck.Active expectOk = HealthCheck.http("/health").host("svc.local").expectedStatuses("200")
                .expectBody("all good").interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(300))
                .healthyThreshold(1).unhealthyThreshold(1).build();
        server.reply.set(ProbeServer.http(200, "all good here"));
        assertThat(firstProbe(expectOk)).isEqualTo("ok");
        server.reply.set(ProbeServer.http(503, "all good here"));
        assertThat(firstProbe(expectOk)).isEqualTo("status 503");
        server.reply.set(ProbeServer.http(200, "degraded"));
        assertThat(firstProbe(expectOk)).isEqualTo("body mismatch");
        server.mode.set(ProbeServer.Mode.SILENT);
        assertThat(firstProbe(expectOk)).isEqualTo("timeout");
        server.mode.set(ProbeServer.Mode.CLOSE);
        assertThat(firstProbe(expectOk)).isEqualTo("closed without a reply");
    }

    @Test
    void httpDefaultAcceptsRedirects() {
        server.reply.set(ProbeServer.http(302, ""));
        assertThat(firstProbe(HealthCheck.http("/").build())).isEqualTo("ok");
        server.reply.set(ProbeServer.http(404, ""));
        assertThat(firstProbe(HealthCheck.http("/").build())).isEqualTo("status 404");
    }

    @Test
    void sendExpectMatchesAPrefix() {
        HealthCheck.Active hc = HealthCheck.sendExpect("PING\r\n", "+PONG").interval(Duration.ofSeconds(1))
                .timeout(Duration.ofMillis(500)).build();
        server.reply.set("+PONG and more");
        assertThat(firstProbe(hc)).isEqualTo("ok");
        server.reply.set("-ERR no");
        assertThat(firstProbe(hc)).isEqualTo("body mismatch");
        server.reply.set("+PO");
        assertThat(firstProbe(hc)).isEqualTo("body mismatch");
    }

    @Test
    void theFirstProbeRunsAtOnce() {
        HealthCheck.Active slow = HealthCheck.tcp().interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(1)).build();
        try (HealthChecker.Watch w = checker.watch(server.address(), slow, listener)) {
            await().atMost(Duration.ofSeconds(2)).until(() -> w.status() == HealthStatus.HEALTHY);
            assertThat(probes).hasSize(1);
        }
    }

    private String firstProbe(HealthCheck.Active hc) {
        probes.clear();
        try (HealthChecker.Watch ignored = checker.watch(server.address(), hc, listener)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !probes.isEmpty());
            return probes.get(0).reason();
        }
    }

    private long failuresBeforeLastTransition() {
        return countBeforeLastTransition(false);
    }

    private long successesBeforeLastTransition() {
        return countBeforeLastTransition(true);
    }

    /**
     * The run of equal probe results that ends with the probe that caused the last transition (reported
     * right after the transition).
     */
    private long countBeforeLastTransition(boolean success) {
        await().atMost(Duration.ofSeconds(2)).until(() -> !(log.get(log.size() - 1) instanceof HealthTransition));
        List<Object> snapshot = List.copyOf(log);
        int last = -1;
        for (int i = 0; i < snapshot.size(); i++) {
            if (snapshot.get(i) instanceof HealthTransition) {
                last = i;
            }
        }
        assertThat(snapshot.get(last + 1)).isInstanceOfSatisfying(ProbeResult.class,
                causing -> assertThat(causing.success()).isEqualTo(success));
        long run = 1;
        for (int i = last - 1; i >= 0 && snapshot.get(i) instanceof ProbeResult
                && ((ProbeResult) snapshot.get(i)).success() == success; i--) {
            run++;
        }
        return run;
    }
}
