package io.nlb4j.balancer.soak;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Schedulers;

/**
 * The soak test of the hardening issue: thousands of connections with random sizes, half-closes and resets through
 * a load balancer while it scales, drains, loses and regains servers, and has backends killed under it.
 *
 * <p>It runs for {@code nlb4j.soak.duration} (ISO-8601; the build passes {@code PT2M}, or {@code PT30M} with
 * {@code -Psoak}). The load balancer has two listeners: one in front of a static list of the test's echo servers,
 * changed live (removed while draining with a 1.5 s timeout, added back, re-weighted, killed with every connection
 * reset, revived or replaced); one in front of an availability group of instance processes, scaled out and in, whose
 * processes are killed ({@code destroyForcibly}) and replaced. Clients check every byte both ways — the servers check
 * what arrives against the payload its header announces, the clients check the echo — and every connection's end is
 * judged: no corrupt byte, no silent truncation (a clean end of stream before every byte), no reset that neither the
 * client asked for nor a kill or a draining-timeout closure of its server explains, no refused client, no stall.
 * Netty's leak detector runs at {@code PARANOID} and must report nothing; after the load balancer has stopped, the
 * process's file descriptors and threads are back to where they were (after a warm-up run that loads classes and
 * starts the JVM-wide pools), and no instance process is left.
 *
 * <p>The generators are seeded; the seed is printed, and {@code -Dnlb4j.soak.seed=N} replays a run's plan (the
 * timing, and so the interleaving, differs).
 */
@Tag("soak")
class SoakTest {

    private static final Duration DURATION = duration();
    /** Clients at once: enough to keep two cores busy, few enough to stay responsive. */
    private static final int CLIENTS = 48;
    /** Connections started per second at most: 3 times the 10,000 in 2 minutes. */
    private static final int MAX_RATE = 250;
    /** The 10,000 connections in the 2-minute form, and as many per 12 s of any longer one. */
    private static final long MIN_CONNECTIONS = Math.max(200, DURATION.toSeconds() * 10_000 / 120);
    /** Long forms wait for the idle workers of the JVM-wide pools to end by themselves (they linger 60 s). */
    private static final boolean EXACT_THREADS = DURATION.compareTo(Duration.ofMinutes(10)) >= 0;

    private static Duration duration() {
        String value = System.getProperty("nlb4j.soak.duration", "");
        return value.isBlank() ? Duration.ofMinutes(2) : Duration.parse(value.trim());
    }

    @Test
    @Timeout(value = 3600, unit = TimeUnit.SECONDS)
    void soak() throws Exception {
        long seed = Long.getLong("nlb4j.soak.seed", System.nanoTime() ^ System.currentTimeMillis());
        System.out.printf("soak: duration %s, %d clients, at least %d connections, seed %d%n", DURATION, CLIENTS,
                MIN_CONNECTIONS, seed);
        List<String> failures = new ArrayList<>();
        try (LeakRecorder leaks = LeakRecorder.install()) {
            leaks.proveItReports();
            List<String> earlier = leaks.forgetEarlierLeaks();
            if (!earlier.isEmpty()) {
                System.out.println("soak: leaks reported before this test began (not counted): " + earlier);
            }
            startSharedPools();
            Resources beforeWarmUp = Resources.now();
            // The warm-up: the same run, short and without chaos, to load the classes and start the JVM-wide pools.
            SoakRun.Report warmUp = new SoakRun(new SoakRun.Settings("warmup", Duration.ofSeconds(3), 0, 8, MAX_RATE,
                    false, seed ^ 0xABCDEFL)).run();
            warmUp.failures.forEach(f -> failures.add("warm-up: " + f));

            Resources before = settledBaseline();
            SoakRun.Report run = new SoakRun(new SoakRun.Settings("run", DURATION, MIN_CONNECTIONS, CLIENTS, MAX_RATE,
                    true, seed)).run();
            failures.addAll(run.failures);
            if (run.connections < MIN_CONNECTIONS) {
                failures.add(run.connections + " connections in " + TimeUnit.NANOSECONDS.toSeconds(run.loadNanos)
                        + " s (expected: at least " + MIN_CONNECTIONS + ')');
            }
            if (DURATION.compareTo(Duration.ofMinutes(1)) >= 0 && (run.killCount == 0
                    || run.chaos.values().stream().mapToInt(Integer::intValue).sum() < 10)) {
                failures.add("the chaos did too little to mean anything: " + run.chaos);
            }

            long checks = System.nanoTime();
            ResourceCheck resources = checkResources(before);
            failures.addAll(resources.failures());
            List<String> leaked = leaks.collect();
            leaked.forEach(l -> failures.add("Netty " + l));
            checks = System.nanoTime() - checks;
            printSummary(seed, run, warmUp, beforeWarmUp, before, resources, leaked, checks, failures);
        }
        if (!failures.isEmpty()) {
            int shown = Math.min(30, failures.size());
            fail(failures.size() + " soak failures (seed " + seed + "; the summary in the test output has them all),"
                    + " the first " + shown + ":\n  " + String.join("\n  ", failures.subList(0, shown)));
        }
    }

    /**
     * Starts every worker of Reactor's parallel scheduler, which the load balancer's start borrows (its timeout): its
     * workers start one by one as tasks reach them, and never end, so the ones a run happened to reach first would
     * look like the run's threads.
     */
    private static void startSharedPools() throws InterruptedException {
        int n = 4 * Runtime.getRuntime().availableProcessors();
        CountDownLatch ran = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Schedulers.parallel().schedule(ran::countDown);
        }
        ran.await(10, TimeUnit.SECONDS);
    }

    /**
     * The baseline: threads that the warm-up's load balancer was still ending a moment ago are given a few seconds
     * to go, so that they are not counted as the run's.
     */
    private static Resources settledBaseline() {
        Resources[] last = {Resources.now()};
        try {
            await().atMost(Duration.ofSeconds(10)).pollInSameThread().pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Resources now = Resources.now();
                        boolean stable = now.liveThreads() == last[0].liveThreads()
                                && now.fds.size() == last[0].fds.size();
                        last[0] = now;
                        return stable && now.threads.stream().noneMatch(t -> t.getName().startsWith("nlb4j-")
                                && !Resources.isIdleSharedPoolWorker(t));
                    });
        } catch (RuntimeException e) {
            // the check at the end reports what remains
        }
        return Resources.now();
    }

    private record ResourceCheck(Resources after, List<Thread> lingering, Map<Integer, String> classPathFds,
                                 List<String> failures) {
    }

    /**
     * Waits for the descriptors and threads to come back to the baseline: every new descriptor closed (but jar
     * files the class loader opened), every new thread gone (but idle workers of the JVM-wide pools, which end by
     * themselves within a minute; the long forms wait for those too). Some threads end by themselves a little after
     * the stop, and are simply waited for: Netty's {@code globalEventExecutor} (1 s after its last task) and the
     * pool Reactor disposes schedulers with ({@code pool-N-thread-M}, 10 s after its last task).
     */
    private static ResourceCheck checkResources(Resources before) {
        List<String> failures = new ArrayList<>();
        Resources[] after = {Resources.now()};
        try {
            await().atMost(Duration.ofSeconds(EXACT_THREADS ? 150 : 30)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Resources now = Resources.now();
                        after[0] = now;
                        boolean fds = now.newFds(before).values().stream().allMatch(Resources::isClassPathFile)
                                && now.fds.size() - classPath(now.newFds(before)).size() <= before.fds.size();
                        List<Thread> threads = now.newThreads(before);
                        boolean threadsBack = EXACT_THREADS ? threads.isEmpty()
                                : threads.stream().allMatch(Resources::isIdleSharedPoolWorker);
                        return fds && threadsBack && before.processes.keySet().containsAll(now.processes.keySet());
                    });
        } catch (RuntimeException e) {
            // reported below, with what is left
        }
        Resources now = after[0];
        Map<Integer, String> newFds = now.newFds(before);
        Map<Integer, String> leakedFds = newFds.entrySet().stream()
                .filter(e -> !Resources.isClassPathFile(e.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        int classPathFds = newFds.size() - leakedFds.size();
        if (!leakedFds.isEmpty() || now.fds.size() - classPathFds > before.fds.size()) {
            failures.add("file descriptors not back to the " + before.fds.size() + " before: " + now.fds.size()
                    + " now; opened since and still open: " + leakedFds);
        }
        List<Thread> newThreads = now.newThreads(before);
        List<Thread> lingering = newThreads.stream().filter(Resources::isIdleSharedPoolWorker).toList();
        List<Thread> leakedThreads = EXACT_THREADS ? newThreads
                : newThreads.stream().filter(t -> !Resources.isIdleSharedPoolWorker(t)).toList();
        if (!leakedThreads.isEmpty()) {
            failures.add("threads not back to the " + before.liveThreads() + " before: " + now.liveThreads()
                    + " now; started since and still alive: " + Resources.describe(leakedThreads) + "\n"
                    + leakedThreads.stream().map(t -> t.getName() + ":\n" + Resources.stackOf(t))
                    .collect(Collectors.joining("\n")));
        }
        if (!before.processes.keySet().containsAll(now.processes.keySet())) {
            failures.add("descendant processes not back to " + before.processes + ": " + now.processes);
        }
        return new ResourceCheck(now, lingering, classPath(newFds), failures);
    }

    private static Map<Integer, String> classPath(Map<Integer, String> fds) {
        return fds.entrySet().stream().filter(e -> Resources.isClassPathFile(e.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static void printSummary(long seed, SoakRun.Report run, SoakRun.Report warmUp, Resources beforeWarmUp,
                                     Resources before, ResourceCheck resources, List<String> leaked,
                                     long checkNanos, List<String> failures) {
        double seconds = run.loadNanos / 1e9;
        StringBuilder s = new StringBuilder();
        s.append("\n================ nlb4j soak summary ================\n");
        s.append(String.format("seed %d, duration %s (load ran %.1f s), %d clients%n", seed, DURATION, seconds,
                CLIENTS));
        s.append(String.format("phases: warm-up %.1f s; run %.1f s (start %.1f s, load %.1f s, stop %.1f s); checks"
                        + " after %.1f s%n", warmUp.totalNanos / 1e9, run.totalNanos / 1e9, run.startNanos / 1e9,
                seconds, run.stopNanos / 1e9, checkNanos / 1e9));
        s.append(String.format("connections: %d (%.0f/s), modes %s%n", run.connections, run.connections / seconds,
                run.modes));
        s.append(String.format("bytes: %,d sent by clients, %,d echoed back to them; servers received %,d (in-JVM)%n",
                run.bytesSent, run.bytesReceived, run.serverBytes));
        s.append("outcomes: ").append(SoakRun.describeOutcomes(run)).append('\n');
        s.append("resets by cause: ").append(run.resetsByCause).append('\n');
        s.append(String.format("silent truncations: %d, corrupt connections: %d, unexplained resets: %d, server-side"
                + " anomalies: %d%n", run.truncations, run.corruptions, run.unexplainedResets, run.serverAnomalies));
        s.append("in-JVM servers saw ").append(run.serverConnections).append(" connections: ").append(run.serverEnds)
                .append('\n');
        s.append("instance processes stopped gracefully reported: ").append(run.processSummaries).append('\n');
        s.append("chaos: ").append(run.chaos).append(String.format(" (kills %d, draining-timeout closures %d)%n",
                run.killCount, run.drainCloseCount));
        s.append("events: ").append(run.events).append('\n');
        run.listenerStats.forEach(l -> s.append("listener ").append(l).append('\n'));
        s.append("stop: ").append(run.stopOutcome).append('\n');
        s.append("Netty leaks (PARANOID): ").append(leaked.size()).append('\n');
        s.append(String.format("file descriptors: %d before the warm-up, %d before the run, %d after (%d of them jar"
                        + " files first opened during the run)%n", beforeWarmUp.fds.size(), before.fds.size(),
                resources.after().fds.size(), resources.classPathFds().size()));
        s.append(String.format("threads: %d before the warm-up, %d before the run, %d after%s%n",
                beforeWarmUp.liveThreads(), before.liveThreads(), resources.after().liveThreads(),
                resources.lingering().isEmpty() ? "" : ", of which " + resources.lingering().size()
                        + " idle JVM-wide pool workers that end by themselves: "
                        + Resources.describe(resources.lingering())));
        s.append(String.format("instance processes: %d before, at most %d during the run, %d after the stop;"
                + " descendants after: %s%n", before.processes.size(), run.maxProcesses, run.processesAfter,
                resources.after().processes.keySet()));
        s.append("warm-up: ").append(warmUp.connections).append(" connections, ").append(SoakRun.describeOutcomes(
                warmUp)).append('\n');
        s.append("failures: ").append(failures.size()).append('\n');
        failures.stream().limit(200).forEach(f -> s.append("  - ").append(f).append('\n'));
        if (failures.size() > 200) {
            s.append("  ... and ").append(failures.size() - 200).append(" more\n");
        }
        s.append("====================================================\n");
        run.notes.forEach(n -> s.append(n).append('\n'));
        System.out.println(s);
    }
}
