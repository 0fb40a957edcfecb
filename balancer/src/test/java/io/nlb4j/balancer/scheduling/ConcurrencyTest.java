package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int PICKS = 100_000;

    @Test
    void weightedRoundRobinFromFourThreads() throws Exception {
        List<FakeServer> servers = FakeServer.withWeights(5, 3, 1, 1);
        Picker<FakeServer> picker = SchedulingAlgorithm.of(Scheduling.WEIGHTED_ROUND_ROBIN).picker(servers);
        int[][] perThread = run(picker, servers);
        int[] totals = new int[servers.size()];
        for (int[] counts : perThread) {
            assertThat(counts[servers.size()]).as("null picks").isZero();
            for (int i = 0; i < servers.size(); i++) {
                totals[i] += counts[i];
            }
        }
        int all = THREADS * PICKS;
        int[] weights = {5, 3, 1, 1};
        for (int i = 0; i < servers.size(); i++) {
            assertThat((double) totals[i]).as("server %d", i)
                    .isCloseTo(all * weights[i] / 10.0, org.assertj.core.data.Offset.offset(all * 0.01));
        }
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void everyAlgorithmFromFourThreads(Scheduling algorithm) throws Exception {
        List<FakeServer> servers = FakeServer.withWeights(5, 3, 1, 1, 2);
        Picker<FakeServer> picker = SchedulingAlgorithm.of(algorithm).picker(servers);
        int total = 0;
        for (int[] counts : run(picker, servers)) {
            assertThat(counts[servers.size()]).as("null picks").isZero();
            for (int i = 0; i < servers.size(); i++) {
                total += counts[i];
            }
        }
        assertThat(total).isEqualTo(THREADS * PICKS);
    }

    @Test
    void indexedLeastConnectionsStaysBalancedWhileFourThreadsOpenAndCloseConnections() throws Exception {
        List<FakeServer> servers = FakeServer.servers(40); // above 16 servers: the tournament-tree picker
        Picker<FakeServer> picker = SchedulingAlgorithm.of(Scheduling.WEIGHTED_LEAST_CONNECTIONS).picker(servers);
        assertThat(picker.getClass().getSimpleName()).isEqualTo("IndexedLeastConnectionsPicker");
        int held = 8;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(THREADS);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    FakeServer[] open = new FakeServer[held];
                    int nulls = 0;
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < PICKS; i++) {
                        FakeServer oldest = open[i % held];
                        if (oldest != null) {
                            oldest.close();
                            picker.loadChanged(oldest);
                        }
                        FakeServer s = picker.pick(0, 0);
                        if (s == null) {
                            nulls++;
                            open[i % held] = null;
                            continue;
                        }
                        s.open();
                        picker.loadChanged(s);
                        open[i % held] = s;
                    }
                    return nulls;
                }));
            }
            for (Future<Integer> f : futures) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("null picks").isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        // 32 connections held on 40 servers: least connections leaves no server far above the others
        int max = servers.stream().mapToInt(FakeServer::activeConnections).max().orElseThrow();
        int sum = servers.stream().mapToInt(FakeServer::activeConnections).sum();
        assertThat(sum).isEqualTo(THREADS * held);
        assertThat(max).as("most connections on one server").isLessThanOrEqualTo(2);
        // and once the load is gone the index still picks correctly: every server once in 40 picks
        servers.forEach(s -> {
            s.connections(0);
            picker.loadChanged(s);
        });
        java.util.Set<FakeServer> picked = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            FakeServer s = picker.pick(0, 0);
            s.open();
            picker.loadChanged(s);
            picked.add(s);
        }
        assertThat(picked).hasSize(40);
    }

    /** Each thread's pick counts per server, plus the count of null picks last. */
    private static int[][] run(Picker<FakeServer> picker, List<FakeServer> servers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(THREADS);
            List<Future<int[]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    int[] counts = new int[servers.size() + 1];
                    int[] hashes = Picks.sourceHashes(1024, seed);
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < PICKS; i++) {
                        FakeServer s = picker.pick(hashes[i & 1023], 0);
                        if (s == null) {
                            counts[servers.size()]++;
                        } else {
                            s.connections(s.activeConnections() + 1); // load changes while others pick
                            counts[servers.indexOf(s)]++;
                        }
                    }
                    return counts;
                }));
            }
            int[][] results = new int[THREADS][];
            for (int t = 0; t < THREADS; t++) {
                results[t] = futures.get(t).get(60, TimeUnit.SECONDS);
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
