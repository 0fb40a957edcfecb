package io.nlb4j.benchmarks;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nlb4j.balancer.ConnectTimeObserver;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The work the meters add to one connection, alone: the two clock reads around the connect and what
 * {@code LoadBalancerMetrics} does with the result (find the server's timer, record into it, with its percentiles),
 * on a Prometheus registry as the admin endpoint has. {@code bare} is the clock reads alone. Compare with
 * {@link ConnectionSetupBenchmark}'s time per connection.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConnectTimerBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectTimerBenchmark {

    private PrometheusMeterRegistry registry;
    private final Map<String, Map<InetSocketAddress, Timer>> timers = new ConcurrentHashMap<>();
    private final InetSocketAddress server = new InetSocketAddress("127.0.0.1", 8081);
    private ConnectTimeObserver observer;

    /** A registry with the timers of ten servers of one service, and the observer the meters install. */
    @Setup
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<InetSocketAddress, Timer> byServer = new ConcurrentHashMap<>();
        for (int i = 0; i < 10; i++) {
            InetSocketAddress a = new InetSocketAddress("127.0.0.1", 8081 + i);
            byServer.put(a, Timer.builder("nlb4j.server.connect.time").tag("service", "web")
                    .tag("server", "127.0.0.1:" + (8081 + i)).publishPercentiles(0.5, 0.95, 0.99).register(registry));
        }
        timers.put("web", byServer);
        observer = (service, address, nanos) -> {
            Map<InetSocketAddress, Timer> m = timers.get(service);
            Timer t = m == null ? null : m.get(address);
            if (t != null) {
                t.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Closes the registry. */
    @TearDown
    public void tearDown() {
        registry.close();
    }

    /**
     * The clock reads alone.
     *
     * @return the elapsed time, so that nothing is optimised away
     */
    @Benchmark
    public long bare() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /**
     * The clock reads and the timer update.
     *
     * @return the elapsed time
     */
    @Benchmark
    public long metered() {
        long start = System.nanoTime();
        long nanos = System.nanoTime() - start + 250_000; // a connect of about a quarter of a millisecond
        observer.connected("web", server, nanos);
        return nanos;
    }
}
