package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.echoInstances;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ConnectionRejected;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-server connection limits: never exceeded, a full server skipped by every algorithm, refusals counted. */
class ServerLimitTest {

    private static final int CLIENTS = 200;

    /** An echo server that records how many connections it has open at once, at most. */
    private static final class Counting {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final TestBackend backend;

        Counting(String name) throws IOException {
            backend = TestBackend.start(name, (server, s) -> {
                max.accumulateAndGet(open.incrementAndGet(), Math::max);
                try {
                    TestBackend.ECHO.serve(server, s);
                } finally {
                    open.decrementAndGet();
                }
            });
        }
    }

    /** Connects, sends a byte and waits for its echo: the client is in (true) or refused (false); kept open. */
    private static boolean admitted(InetSocketAddress address, List<Socket> keep) throws IOException {
        Socket s = new Socket();
        synchronized (keep) {
            keep.add(s);
        }
        try {
            s.connect(address, 5000); // a refusal's reset can come before connect returns
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write('x');
            out.flush();
            InputStream in = s.getInputStream();
            return in.read() == 'x';
        } catch (IOException reset) {
            return false;
        }
    }

    /** Opens clients at once, each kept open; returns how many were admitted. */
    private static int openAtOnce(InetSocketAddress address, int clients, List<Socket> keep) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tasks.add(() -> admitted(address, keep));
            }
            int in = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                if (f.get()) {
                    in++;
                }
            }
            return in;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        sockets.clear();
    }

    @Test
    void theLimitIsNeverExceededUnder200ClientsAndTheRestAreRefusedAndCounted() throws Exception {
        Counting a = new Counting("a");
        Counting b = new Counting("b");
        List<Socket> keep = new ArrayList<>();
        LoadBalancerSpec spec = Fixtures.specBuilder("limited").listener(Listener.tcp(0).backendService(
                BackendService.builder("web").healthCheck(HealthCheck.none()).connectionDraining(Duration.ZERO)
                        .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                        .staticServers(List.of(StaticServer.builder("127.0.0.1").port(a.backend.port())
                                        .maxConnections(5).build(),
                                StaticServer.builder("127.0.0.1").port(b.backend.port()).maxConnections(7)
                                        .build())))).build();
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, optionsBuilder().build());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            int in = openAtOnce(lb.listener(0).boundAddress(), CLIENTS, keep);
            assertThat(in).isEqualTo(12);
            assertThat(a.max.get()).as("server a at most at once").isEqualTo(5);
            assertThat(b.max.get()).as("server b at most at once").isEqualTo(7);
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().serversFullConnections())
                    .isEqualTo(CLIENTS - 12));
            assertThat(lb.listener(0).stats().noServerConnections()).isZero();
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).hasSize(CLIENTS - 12)
                    .allSatisfy(e -> assertThat(e.reason()).isEqualTo(RejectReason.SERVERS_FULL)));

            // Once clients leave, the servers take new ones again, up to the limit.
            closeAll(keep);
            await().until(() -> a.open.get() == 0 && b.open.get() == 0);
            assertThat(openAtOnce(lb.listener(0).boundAddress(), 20, keep)).isEqualTo(12);
            assertThat(a.max.get()).isEqualTo(5);
            assertThat(b.max.get()).isEqualTo(7);
        } finally {
            closeAll(keep);
            a.backend.close();
            b.backend.close();
        }
    }

    @Test
    void aFullServerIsSkippedByEveryAlgorithm() throws Exception {
        for (Scheduling scheduling : Scheduling.values()) {
            Counting small = new Counting("small");
            Counting big = new Counting("big");
            List<Socket> keep = new ArrayList<>();
            LoadBalancerSpec spec = Fixtures.specBuilder("skip-" + scheduling.name().toLowerCase())
                    .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                            .healthCheck(HealthCheck.none()).scheduling(scheduling).connectionDraining(Duration.ZERO)
                            .staticServers(List.of(StaticServer.builder("127.0.0.1").port(small.backend.port())
                                            .maxConnections(2).build(),
                                    StaticServer.of("127.0.0.1", big.backend.port()))))).build();
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, optionsBuilder().build())) {
                // one at a time: each algorithm's own choice, turned elsewhere once the small server is full
                for (int i = 0; i < 12; i++) {
                    assertThat(admitted(lb.listener(0).boundAddress(), keep)).as("%s connection %d", scheduling, i)
                            .isTrue();
                }
                assertThat(small.max.get()).as(scheduling.name()).isLessThanOrEqualTo(2);
                assertThat(small.open.get() + big.open.get()).isEqualTo(12);
                assertThat(lb.listener(0).stats().serversFullConnections()).isZero();
            } finally {
                closeAll(keep);
                small.backend.close();
                big.backend.close();
            }
        }
    }

    @Test
    void anInstanceTemplatesLimitAppliesToEachInstance() throws Exception {
        List<Socket> keep = new ArrayList<>();
        LoadBalancerSpec spec = Fixtures.specBuilder("group-limited").listener(Listener.tcp(0).backendService(
                BackendService.builder("web").healthCheck(HealthCheck.none()).connectionDraining(Duration.ZERO)
                        .availabilityGroup(AvailabilityGroup.builder("ag").region("local").vpc("lo").zones("z1")
                                .template(InstanceTemplate.builder("t").port(0).maxConnections(3)
                                        .launcher(echoInstances()))
                                .capacity(Capacity.of(2, 2, 2))))).build();
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, optionsBuilder().build())) {
            assertThat(openAtOnce(lb.listener(0).boundAddress(), 20, keep)).isEqualTo(6);
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().serversFullConnections()).isEqualTo(14));
            assertThat(lb.backendService("web").servers()).allSatisfy(s ->
                    assertThat(s.activeConnections()).isEqualTo(3));
        } finally {
            closeAll(keep);
        }
    }
}
