package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.Scheduling;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow start: the share of new connections a joining server gets rises over the window, for round robin and for
 * least connections. Time is the control clock, driven by the test; shares are counted in buckets across the window,
 * with bounds wide enough for the randomness of the ramp.
 */
class SlowStartTest {

    private static final Duration WINDOW = Duration.ofSeconds(100);
    private static final int PER_BUCKET = 300;

    private final SerialVirtualTime clock = SerialVirtualTime.create();

    @AfterEach
    void disposeClock() {
        clock.dispose();
    }

    private RunningLoadBalancer start(String name, Scheduling scheduling, TestBackend... servers) {
        return NetworkLoadBalancer.startNow(Fixtures.spec(name, Listener.tcp(0).backendService(service("web", servers)
                        .scheduling(scheduling).healthCheck(HealthCheck.none()).slowStart(WINDOW)
                        .connectionDraining(Duration.ZERO))),
                optionsBuilder().controlScheduler(clock).build());
    }

    /** The share of a bucket of connections, one after another, that reached the named server. */
    private static double shareOneByOne(RunningLoadBalancer lb, String name) throws IOException {
        int hits = 0;
        for (int i = 0; i < PER_BUCKET; i++) {
            if (nameOfNextConnection(lb.listener(0)).equals(name)) {
                hits++;
            }
        }
        return (double) hits / PER_BUCKET;
    }

    /** The share of a bucket of connections, all held open until the bucket ends, that reached the named server. */
    private static double shareHeldOpen(RunningLoadBalancer lb, String name, int connections) throws IOException {
        List<Socket> open = new ArrayList<>();
        int hits = 0;
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = connect(lb.listener(0));
                open.add(s);
                if (readLine(s).equals(name)) {
                    hits++;
                }
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        await().until(() -> lb.listener(0).stats().activeConnections() == 0);
        return (double) hits / connections;
    }

    @Test
    void aJoiningServersShareRisesOverTheWindowWithRoundRobin() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = start("slow-rr", Scheduling.WEIGHTED_ROUND_ROBIN, a, b)) {
            // Servers there at the start take their full share at once.
            assertThat(shareOneByOne(lb, "a")).isBetween(0.45, 0.55);
            lb.backendService("web").addServer(c.address(), 1).block(Duration.ofSeconds(5));
            await().until(() -> lb.backendService("web").servers().size() == 3);
            double start = shareOneByOne(lb, "c"); // a tenth of its third: about 0.03
            clock.advanceTimeBy(WINDOW.dividedBy(2));
            double middle = shareOneByOne(lb, "c"); // half of it: about 0.17
            clock.advanceTimeBy(WINDOW);
            double after = shareOneByOne(lb, "c"); // all of it: a third
            assertThat(start).as("share at the start of the window").isLessThan(0.10);
            assertThat(middle).as("share half way").isBetween(0.08, 0.27);
            assertThat(after).as("share after the window").isBetween(0.28, 0.39);
            assertThat(start).isLessThan(middle);
            assertThat(middle).isLessThan(after);
        }
    }

    @Test
    void aJoiningServerRampsUpWithLeastConnections() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO);
             TestBackend c = TestBackend.start("c", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = start("slow-lc", Scheduling.WEIGHTED_LEAST_CONNECTIONS, a, b)) {
            lb.backendService("web").addServer(c.address(), 1).block(Duration.ofSeconds(5));
            await().until(() -> lb.backendService("web").servers().size() == 3);
            // Least connections sends every new connection to the server with the fewest: c, which has none,
            // keeps only its share of the moment while it ramps.
            double start = shareHeldOpen(lb, "c", 90);
            clock.advanceTimeBy(WINDOW.multipliedBy(2));
            double after = shareHeldOpen(lb, "c", 90);
            assertThat(start).as("share at the start of the window").isLessThan(0.2);
            assertThat(after).as("share after the window").isBetween(0.3, 0.37);
        }
    }
}
