package io.nlb4j.balancer.soak;

import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.ListenerStats;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.ProcessLauncher;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One soak run, start to finish: the test's echo servers, a load balancer with two listeners — one in front of a
 * static list of in-JVM servers, one in front of an availability group of instance processes — clients through both,
 * chaos, then a graceful stop; and the verdict on every connection. Used twice by {@link SoakTest}: a short warm-up,
 * then the run that counts.
 */
final class SoakRun {

    static final String STATIC_SERVICE = "static-svc";
    static final String GROUP_SERVICE = "group-svc";
    static final String GROUP = "soak-ag";
    private static final String REGION = "local";
    private static final String VPC = "loopback";
    /** Short, so that the chaos often cuts slow connections off at the timeout. */
    static final Duration DRAINING = Duration.ofMillis(1500);
    private static final Duration PROCESS_START = Duration.ofSeconds(90);
    /** How far around a connection's life a disruption may be to explain its reset. */
    private static final long EXPLAIN_BEFORE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long EXPLAIN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final int STATIC_SERVERS = 5;
    private static final int STATIC_IN_SERVICE = 4;

    /**
     * @param minConnections the run goes on past its duration until this many connections have completed, up to
     *        half its duration more
     */
    record Settings(String name, Duration duration, long minConnections, int clients, int maxRate, boolean chaos,
                    long seed) {
    }

    /** What a run found. */
    static final class Report {
        final Settings settings;
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final List<String> notes = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Long> resetsByCause = Collections.synchronizedMap(new java.util.TreeMap<>());
        long loadNanos;
        /** From the run's start until the load balancer served, with its group's first instances. */
        long startNanos;
        /** How long the graceful stop took (draining, terminating the instances, releasing the threads). */
        long stopNanos;
        long totalNanos;
        long connections;
        long bytesSent;
        long bytesReceived;
        Map<LoadGenerator.Outcome, Long> outcomes = Map.of();
        Map<LoadGenerator.Mode, Long> modes = Map.of();
        long truncations;
        long corruptions;
        long unexplainedResets;
        long serverAnomalies;
        long serverConnections;
        long serverBytes;
        Map<EchoServer.End, Long> serverEnds = Map.of();
        List<String> processSummaries = List.of();
        Map<String, Integer> chaos = Map.of();
        Map<String, Long> events = Map.of();
        long killCount;
        long drainCloseCount;
        int maxProcesses;
        List<String> listenerStats = List.of();
        String stopOutcome = "?";
        int processesAfter;

        Report(Settings settings) {
            this.settings = settings;
        }

        void fail(String what) {
            failures.add(what);
        }
    }

    private final Settings settings;
    private final Report report;
    private final ServerLog serverLog = new ServerLog();
    private final Disruptions disruptions = new Disruptions();
    private final List<EchoServer> allServers = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<String> chaosLog = new ConcurrentLinkedQueue<>();
    private ExecutorService handlers;
    private volatile boolean stopRequested;
    /** When the load started. */
    private long startNanos = System.nanoTime();

    SoakRun(Settings settings) {
        this.settings = settings;
        this.report = new Report(settings);
    }

    Report run() throws Exception {
        long runStart = System.nanoTime();
        AtomicInteger handlerThreads = new AtomicInteger();
        handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "soak-echo-" + handlerThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Path reports = Files.createTempDirectory("nlb4j-soak-");
        RunningLoadBalancer lb = null;
        EventLog events = null;
        LoadGenerator load = null;
        Thread chaosThread = null;
        try {
            List<Chaos.Backend> backends = new ArrayList<>();
            for (int i = 1; i <= STATIC_SERVERS; i++) {
                EchoServer s = startServer("s" + i, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                backends.add(new Chaos.Backend(s, i <= STATIC_IN_SERVICE ? Chaos.State.IN_SERVICE : Chaos.State.SPARE,
                        i));
            }
            lb = NetworkLoadBalancer.startNow(spec(backends.subList(0, STATIC_IN_SERVICE), reports),
                    LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(2)
                            .startTimeout(PROCESS_START).build());
            events = new EventLog(lb, lb.availabilityGroup(GROUP), disruptions);
            lb.availabilityGroup(GROUP).awaitServing(3).block(PROCESS_START);
            report.startNanos = System.nanoTime() - runStart;

            load = new LoadGenerator(List.of(
                    new LoadGenerator.Target("static", lb.listener("static").boundAddress()),
                    new LoadGenerator.Target("group", lb.listener("group").boundAddress())),
                    settings.clients(), settings.seed(), settings.maxRate());
            RunningLoadBalancer running = lb;
            Chaos chaos = new Chaos(lb, STATIC_SERVICE, GROUP_SERVICE, GROUP, backends, this::startServer, disruptions,
                    DRAINING, settings.seed() ^ 0x5DEECE66DL, report::fail, line -> chaosLog.add(
                    String.format("%8.3f s  %s", (System.nanoTime() - startNanos) / 1e9, line)));
            chaosThread = new Thread(() -> {
                try {
                    chaos.run(() -> !stopRequested);
                } catch (RuntimeException e) {
                    report.fail("chaos thread failed: " + e);
                }
            }, "soak-chaos");
            chaosThread.setDaemon(true);

            startNanos = System.nanoTime();
            load.start();
            if (settings.chaos()) {
                chaosThread.start();
            }
            LoadGenerator clients = load;
            long durationNanos = settings.duration().toNanos();
            long capNanos = durationNanos + durationNanos / 2;
            long nextProgress = TimeUnit.SECONDS.toNanos(15);
            while (true) {
                long elapsed = System.nanoTime() - startNanos;
                if (elapsed >= durationNanos && clients.connections() >= settings.minConnections()) {
                    break;
                }
                if (elapsed >= capNanos) {
                    break;
                }
                if (elapsed >= nextProgress) {
                    System.out.printf("soak %s: %d s, %d connections, %d resets, %d truncated, %d corrupt%n",
                            settings.name(), TimeUnit.NANOSECONDS.toSeconds(elapsed), clients.connections(),
                            clients.count(LoadGenerator.Outcome.RESET), clients.count(LoadGenerator.Outcome.TRUNCATED),
                            clients.count(LoadGenerator.Outcome.CORRUPT));
                    nextProgress += TimeUnit.SECONDS.toNanos(15);
                }
                Thread.sleep(100); // pacing the wait for the run's end
            }
            stopLoad(chaosThread, load);
            report.loadNanos = System.nanoTime() - startNanos;
            report.chaos = chaos.done();
            report.maxProcesses = chaos.maxProcesses();

            // Every client has finished: the load balancer must get back to no connection at all.
            try {
                await("no connection left").atMost(Duration.ofSeconds(30)).pollInSameThread()
                        .until(() -> running.listeners().stream().allMatch(l -> l.stats().activeConnections() == 0));
            } catch (RuntimeException e) {
                report.fail("connections still open after every client finished: " + listenerStats(lb));
            }
            report.listenerStats = listenerStats(lb);
            summarizeLoad(load);

            long stopStart = System.nanoTime();
            lb.stop(Duration.ofSeconds(10)).block(Duration.ofSeconds(120));
            report.stopNanos = System.nanoTime() - stopStart;
            report.stopOutcome = events.stops().stream().filter(e -> e instanceof LoadBalancerEvent.Stopped)
                    .map(e -> ((LoadBalancerEvent.Stopped) e).outcome().name()).findFirst().orElse("none");
            if (!"DRAINED".equals(report.stopOutcome)) {
                report.fail("stop with no client left ended " + report.stopOutcome + " (expected: DRAINED)");
            }
        } finally {
            stopLoad(chaosThread, load);
            if (lb != null && !lb.isDisposed()) {
                lb.dispose();
            }
            if (lb != null) {
                try {
                    lb.onStopped().block(Duration.ofSeconds(120));
                } catch (RuntimeException e) {
                    report.fail("load balancer not stopped within 120 s: " + e);
                }
            }
            if (events != null) {
                events.close();
            }
            // No instance process outlives its group: once the load balancer has stopped, none may be left.
            try {
                await("instance processes gone").atMost(Duration.ofSeconds(15)).pollInSameThread()
                        .until(() -> Chaos.processes().findAny().isEmpty());
            } catch (RuntimeException e) {
                List<ProcessHandle> left = Chaos.processes().toList();
                report.processesAfter = left.size();
                report.fail("instance processes outlived their group: " + left.stream().map(Chaos::describe).toList());
                left.forEach(ProcessHandle::destroyForcibly);
            }
            closeServers();
            readProcessReports(reports);
            deleteQuietly(reports);
        }
        if (events != null) {
            report.events = events.counts();
            rejections = events.rejections();
            rejections.forEach(r -> report.fail("client refused: " + r.description()));
            events.groupProblems().forEach(p -> report.fail("group: " + p));
        }
        report.killCount = disruptions.count(Disruptions.Kind.KILL);
        report.drainCloseCount = disruptions.count(Disruptions.Kind.DRAIN_CLOSE);
        judgeServers();
        report.totalNanos = System.nanoTime() - runStart;
        if (!chaosLog.isEmpty()) {
            report.notes.add("chaos log:\n    " + String.join("\n    ", chaosLog));
        }
        return report;
    }

    /** Stops the chaos, then the clients (each after its current connection); does nothing the second time. */
    private void stopLoad(Thread chaosThread, LoadGenerator load) throws InterruptedException {
        stopRequested = true;
        if (chaosThread != null && chaosThread.isAlive()) {
            chaosThread.join(TimeUnit.SECONDS.toMillis(300));
            if (chaosThread.isAlive()) {
                report.fail("the chaos thread did not stop within 300 s");
            }
        }
        if (load != null) {
            load.stop();
        }
    }

    private LoadBalancerSpec spec(List<Chaos.Backend> initial, Path reports) throws Exception {
        HealthCheck.Tcp.Builder health = HealthCheck.tcp().interval(Duration.ofMillis(300))
                .timeout(Duration.ofMillis(250)).healthyThreshold(1).unhealthyThreshold(3)
                .outlierDetection(OutlierDetection.builder().consecutiveFailures(5)
                        .baseEjectionTime(Duration.ofSeconds(2)).maxEjectionPercent(10));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classes = Path.of(SoakInstanceMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        ProcessLauncher launcher = ProcessLauncher.builder(java, "-Xmx64m", "-Xss256k", "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", classes, SoakInstanceMain.class.getName(),
                        "{port}", "{instanceId}", reports.resolve("{instanceId}.txt").toString())
                .readyTimeout(PROCESS_START).stopGracePeriod(Duration.ofSeconds(5)).build();
        AvailabilityGroup group = AvailabilityGroup.builder(GROUP).region(REGION).vpc(VPC).zones("az-a", "az-b")
                .template(InstanceTemplate.builder("soak-instance").launcher(launcher).port(0))
                .capacity(2, 3, 4)
                .replaceUnhealthyAfter(Duration.ofSeconds(1))
                .build();
        List<StaticServer> servers = initial.stream().map(b -> StaticServer.builder("127.0.0.1")
                .port(b.address.getPort()).weight(b.weight).build()).toList();
        return LoadBalancerSpec.builder("soak-" + settings.name()).region(REGION).vpc(VPC).zones("az-a", "az-b")
                .listener(Listener.tcp(0).name("static").backendService(BackendService.builder(STATIC_SERVICE)
                        .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                        .connectionDraining(DRAINING)
                        .healthCheck(health)
                        .staticServers(servers)))
                .listener(Listener.tcp(0).name("group").backendService(BackendService.builder(GROUP_SERVICE)
                        .connectionDraining(DRAINING)
                        .healthCheck(health)
                        .availabilityGroup(group)))
                .build();
    }

    private EchoServer startServer(String name, InetSocketAddress address) throws IOException {
        EchoServer s = EchoServer.start(name, address, serverLog, handlers);
        serverLog.named(s);
        allServers.add(s);
        return s;
    }

    private void closeServers() throws InterruptedException {
        List<EchoServer> servers;
        synchronized (allServers) {
            servers = List.copyOf(allServers);
        }
        for (EchoServer s : servers) {
            s.close();
        }
        handlers.shutdown();
        if (!handlers.awaitTermination(30, TimeUnit.SECONDS)) {
            report.fail("echo server connections still open 30 s after the load balancer stopped");
            for (EchoServer s : servers) {
                s.kill();
            }
            handlers.shutdownNow();
            handlers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> listenerStats(RunningLoadBalancer lb) {
        List<String> out = new ArrayList<>();
        for (RunningListener l : lb.listeners()) {
            ListenerStats s = l.stats();
            out.add(String.format("%s: %d connections (%d open), %d bytes in, %d bytes out, %d refused (no server)",
                    l.id().name().orElse("?"), s.totalConnections(), s.activeConnections(), s.bytesIn(),
                    s.bytesOut(), s.noServerConnections()));
        }
        return out;
    }

    // ---- the verdict ----

    private void summarizeLoad(LoadGenerator load) {
        report.connections = load.connections();
        report.bytesSent = load.bytesSent();
        report.bytesReceived = load.bytesReceived();
        Map<LoadGenerator.Outcome, Long> outcomes = new java.util.EnumMap<>(LoadGenerator.Outcome.class);
        for (LoadGenerator.Outcome o : LoadGenerator.Outcome.values()) {
            outcomes.put(o, load.count(o));
        }
        report.outcomes = outcomes;
        Map<LoadGenerator.Mode, Long> modes = new java.util.EnumMap<>(LoadGenerator.Mode.class);
        for (LoadGenerator.Mode m : LoadGenerator.Mode.values()) {
            modes.put(m, load.count(m));
        }
        report.modes = modes;
        load.crashes().forEach(t -> report.fail("client slot crashed: " + t));
        pendingResults.addAll(load.unusual());
    }

    private final List<LoadGenerator.Result> pendingResults = new ArrayList<>();
    private List<EventLog.Rejection> rejections = List.of();

    /** Judges every unusual connection, once the servers (and their logs) are closed. */
    private void judgeServers() {
        for (LoadGenerator.Result r : pendingResults) {
            judge(r);
        }
        List<ServerLog.Entry> anomalies = serverLog.anomalies();
        report.serverAnomalies = anomalies.size();
        for (ServerLog.Entry e : anomalies) {
            report.fail("server side: " + e.describe() + coincidence(STATIC_SERVICE, e.address(), e.endNanos(),
                    e.endNanos()));
        }
        Map<EchoServer.End, Long> ends = new java.util.EnumMap<>(EchoServer.End.class);
        long total = 0;
        for (EchoServer.End end : EchoServer.End.values()) {
            ends.put(end, serverLog.count(end));
            total += serverLog.count(end);
        }
        report.serverEnds = ends;
        report.serverConnections = total;
        report.serverBytes = serverLog.bytes();
    }

    private void judge(LoadGenerator.Result r) {
        switch (r.outcome()) {
            case OK -> {
            }
            case CLIENT_RESET -> report.resetsByCause.merge("reset by the client", 1L, Long::sum);
            case RESET -> {
                Optional<EventLog.Rejection> refused = refusal(r);
                Optional<String> cause = refused.isPresent() ? Optional.empty() : explain(r);
                if (cause.isPresent()) {
                    report.resetsByCause.merge(cause.get(), 1L, Long::sum);
                } else {
                    report.unexplainedResets++;
                    report.resetsByCause.merge(refused.map(x -> "client refused (" + x.reason() + ")")
                            .orElse("unexplained"), 1L, Long::sum);
                    report.fail("unexplained reset: " + r.describe() + serverSide(r) + refused.map(
                            x -> " [refused by the load balancer: " + x.description() + ']').orElse(""));
                }
            }
            case TRUNCATED -> {
                report.truncations++;
                report.fail("silent truncation: " + r.describe() + serverSide(r) + refusal(r)
                        .map(x -> " [refused by the load balancer: " + x.description() + ']')
                        .orElseGet(() -> coincidence(r)));
            }
            case CORRUPT -> {
                report.corruptions++;
                report.fail("corruption: " + r.describe() + serverSide(r));
            }
            case CONNECT_FAILED, STALLED -> report.fail(r.outcome().name().toLowerCase().replace('_', ' ') + ": "
                    + r.describe() + serverSide(r));
        }
    }

    /**
     * The load balancer's refusal of this connection, if it was refused: by its client port where the event names it
     * (a forwarding loop), else a refusal on its listener while it was open, for one that got no byte back.
     */
    private Optional<EventLog.Rejection> refusal(LoadGenerator.Result r) {
        if (r.received() > 0) {
            return Optional.empty();
        }
        String port = ":" + r.localPort() + " ";
        Optional<EventLog.Rejection> byPort = rejections.stream().filter(x -> x.listener().equals(r.target().name())
                && x.detail().contains(port) && x.nanos() - (r.startNanos() - EXPLAIN_BEFORE_NANOS) >= 0
                && r.endNanos() + EXPLAIN_AFTER_NANOS - x.nanos() >= 0).findFirst();
        if (byPort.isPresent()) {
            return byPort;
        }
        return rejections.stream().filter(x -> x.listener().equals(r.target().name())
                && !x.detail().contains("127.0.0.1:") && x.nanos() - (r.startNanos() - EXPLAIN_BEFORE_NANOS) >= 0
                && r.endNanos() + EXPLAIN_AFTER_NANOS - x.nanos() >= 0).findFirst();
    }

    private String service(LoadGenerator.Result r) {
        return r.target().name().equals("static") ? STATIC_SERVICE : GROUP_SERVICE;
    }

    /**
     * Why a connection the client did not reset was reset: its backend was killed, or its server's connections
     * were closed at the end of draining, while it was open.
     */
    private Optional<String> explain(LoadGenerator.Result r) {
        long from = r.startNanos() - EXPLAIN_BEFORE_NANOS;
        long to = r.endNanos() + EXPLAIN_AFTER_NANOS;
        String service = service(r);
        ServerLog.Entry seen = service.equals(STATIC_SERVICE) ? serverLog.get(r.id()) : null;
        if (seen != null) {
            if (seen.end() == EchoServer.End.KILLED) {
                return Optional.of("backend killed");
            }
            // The server had the connection: only something that happened to that server explains the reset.
            return disruptions.find(service, seen.address(), from, to).map(SoakRun::cause);
        }
        // The server is unknown (the group's processes, or a connection that never got its header to a server).
        return disruptions.find(service, null, from, to).map(SoakRun::cause);
    }

    private static String cause(Disruptions.Disruption d) {
        return d.kind() == Disruptions.Kind.KILL ? "backend killed" : "closed at the draining timeout";
    }

    private String serverSide(LoadGenerator.Result r) {
        ServerLog.Entry seen = service(r).equals(STATIC_SERVICE) ? serverLog.get(r.id()) : null;
        return seen == null ? "" : "; " + seen.describe();
    }

    private String coincidence(LoadGenerator.Result r) {
        ServerLog.Entry seen = service(r).equals(STATIC_SERVICE) ? serverLog.get(r.id()) : null;
        return coincidence(service(r), seen == null ? null : seen.address(), r.startNanos(), r.endNanos());
    }

    /** Names the disruption around a failure, if there was one: evidence, not an excuse. */
    private String coincidence(String service, InetSocketAddress server, long start, long end) {
        return disruptions.find(service, server, start - EXPLAIN_BEFORE_NANOS, end + EXPLAIN_AFTER_NANOS)
                .map(d -> String.format(" [around: %s, seen %+d ms from the connection's end]", d.what(),
                        TimeUnit.NANOSECONDS.toMillis(d.nanos() - end)))
                .orElse(" [no kill or draining-timeout closure of its server around it]");
    }

    private void readProcessReports(Path dir) {
        List<String> summaries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.txt")) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.startsWith("ANOMALY ")) {
                        report.serverAnomalies++;
                        report.fail("instance process side: " + line.substring("ANOMALY ".length()));
                    } else if (line.startsWith("SUMMARY ")) {
                        summaries.add(line.substring("SUMMARY ".length()));
                    }
                }
            }
        } catch (IOException e) {
            report.fail("cannot read the instance processes' reports in " + dir + ": " + e);
        }
        Collections.sort(summaries);
        report.processSummaries = summaries;
    }

    private static void deleteQuietly(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    static String describeOutcomes(Report r) {
        return r.outcomes.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
