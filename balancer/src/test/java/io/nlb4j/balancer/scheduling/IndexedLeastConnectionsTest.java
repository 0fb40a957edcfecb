package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Weighted least connections above {@link Algorithms#INDEX_ABOVE} servers: the tournament tree. */
class IndexedLeastConnectionsTest {

    private static final SchedulingAlgorithm WLC = SchedulingAlgorithm.of(Scheduling.WEIGHTED_LEAST_CONNECTIONS);

    @Test
    void smallSnapshotsScanLargeOnesIndex() {
        assertThat(WLC.picker(FakeServer.servers(Algorithms.INDEX_ABOVE)))
                .isInstanceOf(LeastConnectionsPicker.class);
        assertThat(WLC.picker(FakeServer.servers(Algorithms.INDEX_ABOVE + 1)))
                .isInstanceOf(IndexedLeastConnectionsPicker.class);
    }

    @Test
    void picksTheLeastBusyAfterRandomChanges() {
        List<FakeServer> servers = FakeServer.servers(1000);
        SplittableRandom random = new SplittableRandom(7);
        for (FakeServer s : servers) {
            s.connections(1 + random.nextInt(1000));
        }
        Picker<FakeServer> picker = WLC.picker(servers);
        for (int round = 0; round < 2000; round++) {
            FakeServer s = servers.get(random.nextInt(servers.size()));
            s.connections(random.nextInt(1000) - 1); // sometimes negative: counts as zero
            picker.loadChanged(s);
            FakeServer picked = picker.pick(round, 0);
            assertThat(load(picked)).as("round %d", round).isEqualTo(minLoad(servers));
        }
    }

    @Test
    void honorsWeights() {
        List<FakeServer> servers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            servers.add(new FakeServer(FakeServer.address(i), 1 + i % 10));
        }
        SplittableRandom random = new SplittableRandom(11);
        for (FakeServer s : servers) {
            s.connections(100 + random.nextInt(100));
        }
        Picker<FakeServer> picker = WLC.picker(servers);
        FakeServer heavy = servers.get(9);   // weight 10
        FakeServer light = servers.get(10);  // weight 1
        heavy.connections(50);               // 5 per weight: least loaded
        picker.loadChanged(heavy);
        light.connections(6);                // 6 per weight
        picker.loadChanged(light);
        assertThat(picker.pick(0, 0)).isSameAs(heavy);
        heavy.connections(70);               // 7 per weight now: the light one wins
        picker.loadChanged(heavy);
        assertThat(picker.pick(0, 0)).isSameAs(light);

        // simulated load follows the weights
        for (FakeServer s : servers) {
            s.connections(0);
            picker.loadChanged(s);
        }
        for (int i = 0; i < 55_000; i++) { // the weights add up to 550
            FakeServer s = picker.pick(i, 0);
            s.connections(s.activeConnections() + 1);
            picker.loadChanged(s);
        }
        for (FakeServer s : servers) {
            assertThat(s.activeConnections()).as("%s", s).isEqualTo(100 * s.weight());
        }
    }

    @Test
    void tiesSpread() {
        for (int n : new int[] {17, 100, 1000, 1025}) {
            List<FakeServer> servers = FakeServer.servers(n);
            Picker<FakeServer> picker = WLC.picker(servers);
            Set<FakeServer> picked = new HashSet<>();
            for (int i = 0; i < n; i++) {
                FakeServer s = picker.pick(i, 0);
                picked.add(s);
                s.connections(s.activeConnections() + 1);
                picker.loadChanged(s);
            }
            assertThat(picked).as("n=%d", n).hasSize(n);
        }
    }

    @Test
    void laterAttemptsTakeTheRunnerUp() {
        List<FakeServer> servers = FakeServer.servers(50);
        for (int i = 0; i < 50; i++) {
            servers.get(i).connections(100 + i);
        }
        servers.get(37).connections(3);
        servers.get(5).connections(4);
        Picker<FakeServer> picker = WLC.picker(servers);
        assertThat(picker.pick(0, 0)).isSameAs(servers.get(37));
        assertThat(picker.pick(0, 1)).isSameAs(servers.get(5));
        assertThat(picker.pick(0, 2)).isSameAs(servers.get(5));
    }

    @Test
    void ignoresStrangers() {
        List<FakeServer> servers = FakeServer.servers(20);
        Picker<FakeServer> picker = WLC.picker(servers);
        FakeServer stranger = FakeServer.of("elsewhere:1");
        picker.loadChanged(stranger);
        assertThat(picker.pick(0, 0)).isIn(servers);
    }

    @Test
    void concurrentPicksAndUpdatesKeepCountsExact() throws Exception {
        List<CountingServer> servers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            servers.add(new CountingServer(i, 1 + i % 7));
        }
        Picker<CountingServer> picker = WLC.picker(servers);
        int threads = 4;
        int iterations = 100_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        List<int[]> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int[] opened = new int[servers.size()];
            perThread.add(opened);
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
                    List<CountingServer> open = new ArrayList<>();
                    for (int i = 0; i < iterations; i++) {
                        if (open.isEmpty() || random.nextInt(3) != 0) {
                            CountingServer s = picker.pick(i, i % 4 == 3 ? 1 : 0);
                            if (s == null) {
                                throw new AssertionError("null pick");
                            }
                            s.active.incrementAndGet();
                            picker.loadChanged(s);
                            open.add(s);
                        } else {
                            CountingServer s = open.remove(random.nextInt(open.size()));
                            s.active.decrementAndGet();
                            picker.loadChanged(s);
                        }
                    }
                    for (CountingServer s : open) {
                        opened[s.index]++;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failure.get()).isNull();
        for (CountingServer s : servers) {
            int expected = 0;
            for (int[] opened : perThread) {
                expected += opened[s.index];
            }
            assertThat(s.activeConnections()).isEqualTo(expected);
        }
        // once quiet, one more change per server brings the tree back to the exact minimum
        for (CountingServer s : servers) {
            picker.loadChanged(s);
        }
        CountingServer best = picker.pick(0, 0);
        for (CountingServer s : servers) {
            assertThat((long) best.activeConnections() * s.weight())
                    .isLessThanOrEqualTo((long) s.activeConnections() * best.weight());
        }
    }

    private static double load(FakeServer s) {
        return (double) Math.max(s.activeConnections(), 0) / s.weight();
    }

    private static double minLoad(List<FakeServer> servers) {
        double min = Double.MAX_VALUE;
        for (FakeServer s : servers) {
            min = Math.min(min, load(s));
        }
        return min;
    }

    /** A candidate counting its connections as the runtime does. */
    private static final class CountingServer implements Candidate {
        final int index;
        final int weight;
        final AtomicInteger active = new AtomicInteger();

        CountingServer(int index, int weight) {
            this.index = index;
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int activeConnections() {
            return active.get();
        }
    }
}
