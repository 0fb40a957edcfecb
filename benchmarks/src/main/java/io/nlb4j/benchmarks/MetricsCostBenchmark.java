package io.nlb4j.benchmarks;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the meters cost a connection, measured side by side in one run: two load balancers in one JVM in front of one
 * echo server, the same but for the meters. One is bare; the other serves its admin endpoint, so every meter is
 * bound to a Prometheus registry, the connect timer records each connection, and a scraper reads {@code /metrics}
 * once a second. Rounds alternate between them (the first of each pair alternating too); each round is one client
 * making connections back to back (connect, a byte each way, close) for a fixed time. Printed per load balancer:
 * connections a second, the CPU its threads spent per connection, and the bytes they allocated per connection, with
 * the ratio metered / bare of the medians, and the median and quartiles of the ratio of each pair of rounds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.nlb4j.benchmarks.MetricsCostBenchmark [rounds] [seconds]</pre>
 */
public final class MetricsCostBenchmark {

    private static final byte[] ONE = {42};

    private MetricsCostBenchmark() {
    }

    /** One side of the comparison. */
    private static final class Side {
        final String name;
        final RunningLoadBalancer lb;
        final InetSocketAddress address;
        final long[] threads;
        final List<double[]> rounds = new ArrayList<>(); // {connections/s, CPU µs/connection, bytes/connection}

        Side(String name, RunningLoadBalancer lb) {
            this.name = name;
            this.lb = lb;
            this.address = lb.listeners().get(0).boundAddress();
            // its forwarding and control threads; not the admin endpoint's, which works for the scrapes
            this.threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("nlb4j-" + name + '-')
                            || t.getName().startsWith("nlb4j-control-" + name + '-'))
                    .mapToLong(Thread::getId).toArray();
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args the rounds per side (default 10) and the seconds per round (default 3)
     * @throws Exception if a server or a load balancer cannot start
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        try (ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> ConnectionSetupBenchmark.serveOneByte(server), "bench-server");
            serving.setDaemon(true);
            serving.start();
            Side bare = new Side("bare", start("bare", server.getLocalPort(), false));
            Side metered = new Side("metered", start("metered", server.getLocalPort(), true));
            AtomicInteger scrapes = new AtomicInteger();
            Thread scraper = new Thread(() -> scrape(metered.lb.adminAddress().orElseThrow(), scrapes),
                    "bench-scraper");
            scraper.setDaemon(true);
            scraper.start();
            try {
                run(bare, seconds); // warm-up, not counted
                run(metered, seconds);
                bare.rounds.clear();
                metered.rounds.clear();
                for (int r = 0; r < rounds; r++) {
                    Side first = r % 2 == 0 ? bare : metered;
                    Side second = first == bare ? metered : bare;
                    run(first, seconds);
                    run(second, seconds);
                    System.out.printf(Locale.ROOT, "round %2d  bare %8.0f conn/s %6.1f us CPU %6.0f B   "
                                    + "metered %8.0f conn/s %6.1f us CPU %6.0f B%n", r + 1,
                            last(bare)[0], last(bare)[1], last(bare)[2],
                            last(metered)[0], last(metered)[1], last(metered)[2]);
                }
            } finally {
                scraper.interrupt();
                bare.lb.close();
                metered.lb.close();
            }
            double[] b = medians(bare);
            double[] m = medians(metered);
            System.out.printf(Locale.ROOT, "%nmedians over %d rounds of %.1f s each (%d scrapes of /metrics)%n",
                    rounds, seconds, scrapes.get());
            System.out.printf(Locale.ROOT, "%-8s %12s %22s %20s%n", "", "conn/s", "LB CPU us/connection",
                    "LB bytes/connection");
            System.out.printf(Locale.ROOT, "%-8s %12.0f %22.1f %20.0f%n", "bare", b[0], b[1], b[2]);
            System.out.printf(Locale.ROOT, "%-8s %12.0f %22.1f %20.0f%n", "metered", m[0], m[1], m[2]);
            System.out.printf(Locale.ROOT, "%-8s %12.3f %22.3f %20.3f%n", "ratio", m[0] / b[0], m[1] / b[1],
                    m[2] / b[2]);
            // Rounds next to each other share the machine's state: their ratios, paired, spread less than the sides.
            double[] paired = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                paired[r] = metered.rounds.get(r)[1] / bare.rounds.get(r)[1];
            }
            Arrays.sort(paired);
            System.out.printf(Locale.ROOT, "paired rounds, LB CPU per connection metered / bare: median %.3f,"
                    + " quartiles %.3f to %.3f%n", quantile(paired, 0.5), quantile(paired, 0.25),
                    quantile(paired, 0.75));
            if (scrapes.get() == 0) {
                throw new IllegalStateException("the metered load balancer's /metrics was never scraped");
            }
        }
    }

    private static RunningLoadBalancer start(String name, int serverPort, boolean metered) {
        LoadBalancerSpec spec = LoadBalancerSpec.builder(name).region("local").vpc("lo").zones("z")
                .securityGroup(SecurityGroup.allowAll())
                .listener(Listener.tcp(0).backendService(BackendService.builder("echo")
                        .healthCheck(HealthCheck.none())
                        .staticServers(StaticServer.of("127.0.0.1", serverPort))))
                .build();
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().bindAddress("127.0.0.1")
                .eventLoopThreads(1);
        if (metered) {
            options.admin(0);
        }
        return NetworkLoadBalancer.startNow(spec, options.build());
    }

    /** A quantile of sorted values, interpolated. */
    private static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }

    private static double[] last(Side s) {
        return s.rounds.get(s.rounds.size() - 1);
    }

    private static double[] medians(Side s) {
        double[] out = new double[3];
        for (int k = 0; k < 3; k++) {
            final int column = k;
            double[] v = s.rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
            out[k] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return out;
    }

    /** One round: connections back to back through a side for the given time. */
    private static void run(Side side, double seconds) throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu0 = sum(mx.getThreadCpuTime(side.threads));
        long bytes0 = sum(mx.getThreadAllocatedBytes(side.threads));
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long n = 0;
        byte[] b = new byte[1];
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(side.address.getAddress(), side.address.getPort())) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                out.write(ONE);
                InputStream in = s.getInputStream();
                if (in.read(b) != 1 || b[0] != 42 || in.read() != -1) {
                    throw new IllegalStateException(side.name + ": the echo was not one byte then the end");
                }
            }
            n++;
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = sum(mx.getThreadCpuTime(side.threads)) - cpu0;
        long bytes = sum(mx.getThreadAllocatedBytes(side.threads)) - bytes0;
        side.rounds.add(new double[] {n * 1e9 / elapsed, cpu / 1e3 / n, (double) bytes / n});
    }

    private static long sum(long[] values) {
        return Arrays.stream(values).filter(v -> v > 0).sum();
    }

    /** Reads /metrics once a second, as Prometheus would. */
    private static void scrape(InetSocketAddress admin, AtomicInteger scrapes) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                .build();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String text = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                if (text.contains("nlb4j_server_connect_time_seconds_count")) {
                    scrapes.incrementAndGet();
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }
}
