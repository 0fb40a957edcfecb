package io.nlb4j.benchmarks;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.SocketTransport;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one proxied connection costs the load balancer: accept, pick, connect to the server, one byte each way,
 * close on both sides. Each operation is one connection from a blocking client through the load balancer to a
 * blocking echo server on 127.0.0.1 that answers one byte and closes.
 *
 * <p>Besides the time per connection, the {@code lbBytes} and {@code lbConnections} counters give the bytes the load
 * balancer's own threads (its event loop and control thread, named {@code nlb4j-}) allocated per connection
 * ({@code lbBytes / lbConnections}): the per-connection allocation the forwarding path must keep small, without the
 * client's and the server's.
 * {@code -prof gc} adds the allocation of every thread ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code observed} runs it bare and with the meters bound and scraped, side by side: what updating the meters
 * costs a connection.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConnectionSetupBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:ActiveProcessorCount=2"})
public class ConnectionSetupBenchmark {

    /** The load balancer's socket transport. */
    @Param({"IO_URING", "EPOLL", "NIO"})
    public SocketTransport transport;

    /**
     * What watches the load balancer: {@code NONE}, or {@code METERS}, its admin endpoint with every meter bound to
     * a Prometheus registry (the connect timer recording each connection) and scraped once a second, as a monitoring
     * system would. The difference between the two is what the meters cost a connection.
     */
    @Param({"NONE", "METERS"})
    public String observed;

    private Thread scraper;
    private volatile int scrapes;

    private ServerSocket server;
    private Thread serverThread;
    private RunningLoadBalancer lb;
    private InetSocketAddress address;
    /** The load balancer's threads (its event loop and control thread, named {@code nlb4j-}). */
    long[] lbThreads;
    private final byte[] one = {42};

    /** Starts the echo server and the load balancer in front of it. */
    @Setup(Level.Trial)
    public void start() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> serveOneByte(server), "bench-server");
        serverThread.setDaemon(true);
        serverThread.start();
        LoadBalancerSpec spec = LoadBalancerSpec.builder("bench").region("local").vpc("lo").zones("z")
                .securityGroup(SecurityGroup.allowAll())
                .listener(Listener.tcp(0).backendService(BackendService.builder("echo")
                        .healthCheck(HealthCheck.none())
                        .staticServers(StaticServer.of("127.0.0.1", server.getLocalPort()))))
                .build();
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().bindAddress("127.0.0.1")
                .eventLoopThreads(1).transport(transport);
        if (observed.equals("METERS")) {
            options.admin(0);
        }
        lb = NetworkLoadBalancer.startNow(spec, options.build());
        address = lb.listeners().get(0).boundAddress();
        // The forwarding threads only: the admin endpoint's thread allocates for the scrapes, not for connections.
        lbThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("nlb4j-") && !t.getName().startsWith("nlb4j-admin-"))
                .mapToLong(Thread::getId).toArray();
        lb.adminAddress().ifPresent(admin -> {
            scraper = new Thread(() -> scrape(admin), "bench-scraper");
            scraper.setDaemon(true);
            scraper.start();
        });
    }

    /** Reads /metrics once a second, as Prometheus would, until the trial ends. */
    private void scrape(InetSocketAddress admin) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + admin.getPort() + "/metrics")).build();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String text = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                if (!text.contains("nlb4j_server_connect_time_seconds_count")) {
                    throw new IllegalStateException("a scrape without the connect timer: " + text);
                }
                scrapes++;
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                return; // stopped
            }
        }
    }

    /** Stops both. */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (scraper != null) {
            scraper.interrupt();
            if (scrapes == 0) {
                throw new IllegalStateException("the metrics were never scraped");
            }
        }
        lb.close();
        server.close();
    }

    /** The echo server: one byte back, then close, for each connection in turn (until the socket closes). */
    static void serveOneByte(ServerSocket server) {
        byte[] b = new byte[1];
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                if (in.read(b) == 1) {
                    s.getOutputStream().write(b);
                }
            } catch (IOException e) {
                // the server closed, or one connection failed: the benchmark's own read sees it
            }
        }
    }

    /**
     * The load balancer's allocation, sampled every {@value #SAMPLE_EVERY} connections. JMH sums these counters over
     * the measured iterations: {@code lbBytes / lbConnections} is the bytes per connection.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Allocation {
        static final int SAMPLE_EVERY = 64;
        /** Bytes the load balancer's threads allocated in the iteration, up to its last sample. */
        public long lbBytes;
        /** Connections made in the iteration up to its last sample. */
        public long lbConnections;
        private long[] threads;
        private long connections;
        private long before;

        /** Reads the counters at the start of an iteration. */
        @Setup(Level.Iteration)
        public void before(ConnectionSetupBenchmark b) {
            threads = b.lbThreads;
            connections = 0;
            lbBytes = 0;
            lbConnections = 0;
            before = allocated(threads);
        }

        void count() {
            if (++connections % SAMPLE_EVERY == 0) {
                lbBytes = allocated(threads) - before;
                lbConnections = connections;
            }
        }
    }

    /**
     * One connection through the load balancer: connect, send a byte, read it back, read the end of stream.
     *
     * @param a the allocation counters
     * @return the byte read, so that nothing is optimised away
     */
    @Benchmark
    public int connection(Allocation a) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(one);
            InputStream in = s.getInputStream();
            int b = in.read();
            if (b != 42 || in.read() != -1) {
                throw new IllegalStateException("the echo was " + b + ", expected 42 then the end of stream");
            }
            a.count();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes allocated so far by the given threads. */
    static long allocated(long[] threads) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(mx.getThreadAllocatedBytes(threads)).filter(n -> n > 0).sum();
    }
}
