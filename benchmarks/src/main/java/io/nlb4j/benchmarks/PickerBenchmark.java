package io.nlb4j.benchmarks;

import io.nlb4j.balancer.scheduling.Candidate;
import io.nlb4j.balancer.scheduling.Picker;
import io.nlb4j.balancer.scheduling.SchedulingAlgorithm;
import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one pick, per algorithm and number of servers: what every new connection pays.
 *
 * <p>Servers have random but fixed weights (1-10) and connection counts (1-1000, never 0, so that
 * least connections scans every server rather than stopping at an idle one: its worst case).
 * {@link #pick} measures a pick alone; {@link #pickAndUpdate} adds what the runtime does around each
 * connection (increment, {@code loadChanged}, decrement, {@code loadChanged}), which is where the indexed
 * least-connections picker pays its O(log N) updates. Source
 * hashes come from a precomputed array walked by index. Run with {@code -prof gc} to see the bytes
 * allocated per pick ({@code gc.alloc.rate.norm}), which should be 0.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PickerBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickerBenchmark {

    private static final int HASHES = 1 << 12;

    /** The algorithm under test. */
    @Param({"WEIGHTED_ROUND_ROBIN", "WEIGHTED_LEAST_CONNECTIONS", "SOURCE_IP_HASH", "MAGLEV",
            "POWER_OF_TWO_CHOICES"})
    public Scheduling algorithm;

    /** The number of servers in service. */
    @Param({"3", "100", "10000"})
    public int servers;

    private Picker<Server> picker;
    private int[] sourceHashes;

    /** Builds the snapshot and its picker once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20_240_601L);
        List<Server> list = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            list.add(new Server("10.0." + (i >> 8) + '.' + (i & 0xFF) + ":9000", 1 + random.nextInt(10),
                    1 + random.nextInt(1000)));
        }
        picker = SchedulingAlgorithm.of(algorithm).picker(list);
        sourceHashes = new int[HASHES];
        for (int i = 0; i < HASHES; i++) {
            sourceHashes[i] = random.nextInt();
        }
    }

    /** A cursor over the source hashes, one per benchmark thread. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /**
     * One first-attempt pick.
     *
     * @param cursor this thread's position in the source hashes
     * @return the picked server, consumed by JMH
     */
    @Benchmark
    public Candidate pick(Cursor cursor) {
        return picker.pick(sourceHashes[cursor.next++ & (HASHES - 1)], 0);
    }

    /**
     * One first-attempt pick with the updates the runtime makes around a connection: increment the picked
     * server's count and tell the picker ({@code ProxyConnection.connect()}), then decrement it and tell
     * the picker again ({@code ServiceRuntime.released}). The decrement stands for the connection's end,
     * so the counts stay as set up. For pickers that do not index load, {@code loadChanged} is a no-op and
     * this measures the pick plus two atomic updates.
     *
     * @param cursor this thread's position in the source hashes
     * @return the picked server, consumed by JMH
     */
    @Benchmark
    public Candidate pickAndUpdate(Cursor cursor) {
        Picker<Server> p = picker;
        Server s = p.pick(sourceHashes[cursor.next++ & (HASHES - 1)], 0);
        s.connections.incrementAndGet();
        p.loadChanged(s);
        s.connections.decrementAndGet();
        p.loadChanged(s);
        return s;
    }

    /** A server as the runtime keeps it: fixed weight and key, an atomic connection count. */
    static final class Server implements Candidate {
        private final String key;
        private final int weight;
        private final AtomicInteger connections;

        Server(String key, int weight, int connections) {
            this.key = key;
            this.weight = weight;
            this.connections = new AtomicInteger(connections);
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int activeConnections() {
            return connections.get();
        }

        @Override
        public String key() {
            return key;
        }
    }
}
