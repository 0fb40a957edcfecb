package io.nlb4j.benchmarks;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * What a membership change costs a service of 10,000 servers, and whether the event loop forwarding traffic feels
 * it. The servers come from a membership provider that publishes whole snapshots, as a registry does; each change
 * adds or removes one server, so the load balancer builds the picker of 10,000 servers again. Meanwhile one
 * connection through the load balancer's single event loop plays ping-pong (one byte each way) with an echo
 * server, and every round trip is timed: a stall of the event loop shows up as a slow round trip. As a control,
 * the same is measured without changes while a thread of this benchmark burns as much CPU, in the same rhythm, as
 * the load balancer's control thread spent per change: on a machine with few processors the event loop can wait
 * for a processor the build holds, which is no stall of the load balancer's making, and the control shows how much
 * of the slowness that explains.
 *
 * <p>The figures, per scheduling algorithm: the time from a snapshot's publication to the service showing it
 * ({@code applied}: the snapshot diffed, the picker built and swapped in, on the control thread), the control
 * thread's CPU time per change, and the round trips' 99.9th percentile and maximum, and how many took over 1 ms,
 * while changing and in the control.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.nlb4j.benchmarks.MembershipChangeBenchmark [servers] [changes] [algorithms]</pre>
 *
 * Defaults: 10,000 servers, 40 changes per algorithm. The servers other than the echo server are addresses no
 * connection goes to (127.0.0.1, on ports the echo server does not use): only the one open connection carries
 * traffic.
 */
public final class MembershipChangeBenchmark {

    private static final String PROVIDER = "bench-snapshots";

    private MembershipChangeBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the number of servers (default 10,000), of changes per algorithm (default 40), and the algorithms
     *     (comma-separated; default all)
     * @throws Exception if it cannot run
     */
    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        List<Scheduling> algorithms = args.length > 2
                ? Arrays.stream(args[2].split(",")).map(String::trim).map(Scheduling::valueOf).toList()
                : List.of(Scheduling.values());
        System.out.printf(Locale.ROOT, "membership changes on a service of %,d servers, %d changes per algorithm;"
                + " ping-pong round trips through the load balancer's one event loop%n", servers, changes);
        System.out.printf(Locale.ROOT, "%-27s %10s %8s %11s | %-46s | %-46s%n", "", "applied", "applied",
                "control CPU", "while changing: round trips, loop's CPU wait", "control, CPU burnt: the same");
        System.out.printf(Locale.ROOT, "%-27s %10s %8s %11s | %7s %9s %8s %7s %10s | %7s %9s %8s %7s %10s%n",
                "algorithm", "median ms", "max ms", "ms/change", "count", "p99.9 µs", "max µs", ">1 ms", "wait ms",
                "count", "p99.9 µs", "max µs", ">1 ms", "wait ms");
        try (EchoServer echo = new EchoServer()) {
            for (Scheduling algorithm : algorithms) {
                run(algorithm, servers, changes, echo);
            }
        }
    }

    private static void run(Scheduling algorithm, int servers, int changes, EchoServer echo) throws Exception {
        Sinks.Many<Set<Member>> snapshots = Sinks.many().replay().latest();
        Member real = Member.of("127.0.0.1", echo.port());
        snapshots.tryEmitNext(Set.of(real)).orThrow();
        MembershipProviderFactory factory = new MembershipProviderFactory() {
            @Override
            public String type() {
                return PROVIDER;
            }

            @Override
            public MembershipProvider create(Map<String, String> properties) {
                Flux<Set<Member>> flux = snapshots.asFlux();
                return () -> flux;
            }
        };
        LoadBalancerSpec spec = LoadBalancerSpec.builder("members").region("local").vpc("lo").zones("z")
                .securityGroup(SecurityGroup.allowAll())
                .listener(Listener.tcp(0).backendService(BackendService.builder("big").port(echo.port())
                        .scheduling(algorithm).healthCheck(HealthCheck.none()).provider(PROVIDER, Map.of())))
                .build();
        LoadBalancerOptions options = LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1)
                .membershipProvider(factory).build();
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, options);
             Socket ping = new Socket()) {
            RunningBackendService service = lb.backendService("big");
            ping.setTcpNoDelay(true);
            ping.connect(lb.listeners().get(0).boundAddress(), 5000);
            ping.setSoTimeout(10_000);
            roundTrip(ping.getInputStream(), ping.getOutputStream()); // reaches the echo server, the only one

            // The other servers: ports other than the echo server's, from the top of the range down.
            List<Member> others = new ArrayList<>(servers - 1);
            for (int port = 65535; others.size() < servers - 1; port--) {
                if (port != echo.port()) {
                    others.add(Member.of("127.0.0.1", port));
                }
            }
            Set<Member> full = new HashSet<>(others);
            full.add(real);
            long[] applied = new long[changes];
            publish(snapshots, full, service, servers);

            ThreadCpu cpu = new ThreadCpu();
            Pinger pinger = new Pinger(ping);
            Thread t = new Thread(pinger, "bench-ping");
            t.setDaemon(true);
            t.start();
            // While changing: the last other server leaves, comes back, leaves... one snapshot at a time.
            long changing = System.nanoTime();
            cpu.mark();
            for (int i = 0; i < changes; i++) {
                Set<Member> next = new HashSet<>(full);
                if (i % 2 == 0) {
                    next.remove(others.get(others.size() - 1));
                }
                applied[i] = publish(snapshots, next, service, next.size());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            changing = System.nanoTime() - changing;
            long[] during = pinger.cut();
            long[] changeCpu = cpu.mark();
            long controlPerChange = changeCpu[0] / changes;
            // The control: no change, but a thread of this benchmark burns as much CPU as the control thread did
            // per change, in the same rhythm. Round trips as slow as while changing mean the event loop waited for
            // a processor, not for the load balancer.
            for (int i = 0; i < changes; i++) {
                burn(controlPerChange);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            long[] burning = pinger.cut();
            long[] burnCpu = cpu.mark();
            pinger.stop(t);

            Arrays.sort(applied);
            System.out.printf(Locale.ROOT, "%-27s %10.1f %8.1f %11.1f | %s %10.1f | %s %10.1f%n", algorithm,
                    applied[applied.length / 2] / 1e6, applied[applied.length - 1] / 1e6, controlPerChange / 1e6,
                    stats(during), changeCpu[2] / 1e6, stats(burning), burnCpu[2] / 1e6);
        }
    }

    /** Keeps this thread's processor busy for about this much CPU time. */
    private static void burn(long nanos) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = mx.getCurrentThreadCpuTime() + nanos;
        long x = 1;
        while (mx.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    @SuppressWarnings("unused")
    private static volatile long sink;

    /** Publishes a snapshot; returns the nanoseconds until the service shows it. */
    private static long publish(Sinks.Many<Set<Member>> snapshots, Set<Member> snapshot,
            RunningBackendService service, int expected) {
        long start = System.nanoTime();
        snapshots.tryEmitNext(Set.copyOf(snapshot)).orThrow();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        while (inService(service) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the service did not show " + expected + " servers in 60 s");
            }
            LockSupport.parkNanos(200_000);
        }
        return System.nanoTime() - start;
    }

    private static long inService(RunningBackendService service) {
        return service.servers().stream().filter(s -> s.state() == ServerStats.State.IN_SERVICE)
                .count();
    }

    private static String stats(long[] rtts) {
        if (rtts.length == 0) {
            return String.format(Locale.ROOT, "%7d %9s %8s %7s", 0, "-", "-", "-");
        }
        Arrays.sort(rtts);
        long over = Arrays.stream(rtts).filter(r -> r > 1_000_000).count();
        long p999 = rtts[Math.min(rtts.length - 1, (int) Math.ceil(rtts.length * 0.999) - 1)];
        return String.format(Locale.ROOT, "%7d %9.0f %8.0f %7d", rtts.length, p999 / 1e3, rtts[rtts.length - 1] / 1e3,
                over);
    }

    private static void roundTrip(InputStream in, OutputStream out) throws IOException {
        out.write(7);
        out.flush();
        if (in.read() != 7) {
            throw new IOException("the echo server did not answer the byte sent");
        }
    }

    /**
     * The CPU time of the load balancer's control thread and of its event loop, and the time the event loop waited
     * for a processor: {@link #mark()} returns each since the last mark, in nanoseconds
     * ({@code [control CPU, event loop CPU, event loop wait]}).
     */
    private static final class ThreadCpu {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final long control;
        private final long loop;
        /** The event loop's {@code schedstat} file, or null if there is none (not Linux). */
        private final Path loopTask = taskStat("nlb4j-members-");
        private long[] last;

        ThreadCpu() {
            long c = -1;
            long l = -1;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("nlb4j-control-members")) {
                    c = t.getId();
                } else if (t.getName().startsWith("nlb4j-members")) {
                    l = t.getId();
                }
            }
            if (c < 0 || l < 0) {
                throw new IllegalStateException("the load balancer's control thread or event loop was not found");
            }
            control = c;
            loop = l;
            last = now();
        }

        private long[] now() {
            return new long[] {mx.getThreadCpuTime(control), mx.getThreadCpuTime(loop), loopWaited()};
        }

        /**
         * How long the event loop has waited, runnable, for a processor: the second field of Linux's
         * {@code /proc/self/task/TID/schedstat}, in nanoseconds; 0 where it cannot be read.
         */
        private long loopWaited() {
            if (loopTask == null) {
                return 0;
            }
            try {
                String[] f = Files.readString(loopTask).trim().split("\\s+");
                return Long.parseLong(f[1]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        /**
         * The {@code schedstat} of the newest thread of this process whose (truncated) name starts so, or null: the
         * event loop of the load balancer started last (the earlier ones have ended).
         */
        private static Path taskStat(String prefix) {
            Path found = null;
            long newest = -1;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    long tid = Long.parseLong(t.getFileName().toString());
                    if (tid > newest && Files.readString(t.resolve("comm")).startsWith(prefix)) {
                        newest = tid;
                        found = t.resolve("schedstat");
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return found;
        }

        long[] mark() {
            long[] n = now();
            long[] used = {n[0] - last[0], n[1] - last[1], n[2] - last[2]};
            last = n;
            return used;
        }
    }

    /** One byte back and forth without end, each round trip timed; {@link #cut()} takes the times so far. */
    private static final class Pinger implements Runnable {
        private final Socket socket;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private long[] times = new long[1 << 16];
        private int count;
        private volatile Throwable failure;

        Pinger(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                while (running.get()) {
                    long t0 = System.nanoTime();
                    roundTrip(in, out);
                    long rtt = System.nanoTime() - t0;
                    synchronized (this) {
                        if (count == times.length) {
                            times = Arrays.copyOf(times, count * 2);
                        }
                        times[count++] = rtt;
                    }
                    LockSupport.parkNanos(50_000); // about 10,000 round trips a second, not a busy loop
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        synchronized long[] cut() {
            if (failure != null) {
                throw new IllegalStateException("the ping-pong connection failed", failure);
            }
            long[] out = Arrays.copyOf(times, count);
            count = 0;
            return out;
        }

        void stop(Thread t) throws InterruptedException {
            running.set(false);
            t.join(Duration.ofSeconds(15).toMillis());
        }
    }

    /** A blocking echo server on 127.0.0.1: every byte back, on a thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "bench-echo");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    Thread t = new Thread(() -> echo(s), "bench-echo-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the connection ended
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
