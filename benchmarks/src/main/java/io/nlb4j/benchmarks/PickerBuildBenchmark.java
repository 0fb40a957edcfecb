package io.nlb4j.benchmarks;

import io.nlb4j.balancer.scheduling.Picker;
import io.nlb4j.balancer.scheduling.SchedulingAlgorithm;
import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The cost of one membership change: building the picker of a new snapshot of a service's servers, which the
 * runtime does on its control thread (never on an event loop) before it publishes the snapshot. Each operation
 * builds the picker of all the servers; the servers are made once.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PickerBuildBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickerBuildBenchmark {

    /** The algorithm under test. */
    @Param({"WEIGHTED_ROUND_ROBIN", "WEIGHTED_LEAST_CONNECTIONS", "SOURCE_IP_HASH", "MAGLEV",
            "POWER_OF_TWO_CHOICES"})
    public Scheduling algorithm;

    /** The number of servers in the snapshot. */
    @Param({"100", "10000"})
    public int servers;

    private SchedulingAlgorithm scheduling;
    private List<PickerBenchmark.Server> list;

    /** Makes the servers once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20_240_601L);
        list = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            list.add(new PickerBenchmark.Server("10.0." + (i >> 8) + '.' + (i & 0xFF) + ":9000",
                    1 + random.nextInt(10), 1 + random.nextInt(1000)));
        }
        scheduling = SchedulingAlgorithm.of(algorithm);
    }

    /**
     * Builds the picker of a snapshot.
     *
     * @return the picker, consumed by JMH
     */
    @Benchmark
    public Picker<PickerBenchmark.Server> build() {
        return scheduling.picker(list);
    }
}
