package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

    private static final SchedulingAlgorithm WRR = SchedulingAlgorithm.of(Scheduling.WEIGHTED_ROUND_ROBIN);

    @Test
    void equalWeightsCycleExactly() {
        List<FakeServer> servers = FakeServer.withWeights(3, 3, 3);
        Picker<FakeServer> picker = WRR.picker(servers);
        List<FakeServer> picked = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picked.add(picker.pick(i, 0));
        }
        FakeServer a = servers.get(0);
        FakeServer b = servers.get(1);
        FakeServer c = servers.get(2);
        assertThat(picked).containsExactly(a, b, c, a, b, c, a, b, c);
        assertThat(((WeightedRoundRobinPicker<?>) picker).sequence()).containsExactly(0, 1, 2);
    }

    @Test
    void isNginxSmoothSequence() {
        List<FakeServer> servers = FakeServer.withWeights(5, 1, 1);
        Picker<FakeServer> picker = WRR.picker(servers);
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            names.append((char) ('a' + servers.indexOf(picker.pick(0, 0))));
        }
        assertThat(names).hasToString("aabacaa" + "aabacaa");
    }

    @Test
    void reducesWeightsByTheirGcd() {
        assertThat(WeightedRoundRobinPicker.sequence(new int[] {10, 2, 2}))
                .containsExactly(0, 0, 1, 0, 2, 0, 0);
        assertThat(WeightedRoundRobinPicker.sequence(new int[] {40, 40})).containsExactly(0, 1);
    }

    @Test
    void matchesNginxForRandomWeights() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 200; round++) {
            int n = 2 + random.nextInt(30);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(round % 2 == 0 ? 5 : 100);
            }
            assertThat(WeightedRoundRobinPicker.sequence(weights))
                    .as("weights %s", java.util.Arrays.toString(weights))
                    .containsExactly(nginx(weights));
        }
    }

    @Test
    void honorsWeightsWithinOnePercentAndIsSmooth() {
        List<FakeServer> servers = FakeServer.withWeights(5, 3, 1, 1);
        Picker<FakeServer> picker = WRR.picker(servers);
        int[] counts = new int[4];
        int previous = -1;
        int run = 0;
        int longestRun = 0;
        for (int i = 0; i < 10_000; i++) {
            int index = servers.indexOf(picker.pick(i, 0));
            counts[index]++;
            run = index == previous ? run + 1 : 1;
            previous = index;
            longestRun = Math.max(longestRun, run);
        }
        int[] weights = {5, 3, 1, 1};
        for (int i = 0; i < 4; i++) {
            assertThat(counts[i]).as("server %d", i).isCloseTo(10_000 * weights[i] / 10, within(100));
        }
        // Smooth: nginx spreads the heaviest server out (a b a c a b a d ... never 5 in a row).
        assertThat(longestRun).isLessThanOrEqualTo(2);
    }

    @Test
    void buildsTenThousandUnequalServersQuickly() {
        SplittableRandom random = new SplittableRandom(7);
        int[] weights = new int[10_000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + random.nextInt(100);
        }
        int[] sequence = WeightedRoundRobinPicker.sequence(weights);
        int[] counts = new int[weights.length];
        for (int s : sequence) {
            counts[s]++;
        }
        assertThat(counts).containsExactly(weights);
    }

    private static org.assertj.core.data.Offset<Integer> within(int offset) {
        return org.assertj.core.data.Offset.offset(offset);
    }

    /** nginx's loop, literally: O(N) per pick. */
    static int[] nginx(int[] weights) {
        int n = weights.length;
        int gcd = 0;
        for (int w : weights) {
            gcd = java.math.BigInteger.valueOf(gcd).gcd(java.math.BigInteger.valueOf(w)).intValue();
        }
        int total = 0;
        for (int w : weights) {
            total += w / gcd;
        }
        long[] current = new long[n];
        int[] sequence = new int[total];
        for (int t = 0; t < total; t++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i] / gcd;
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[t] = best;
        }
        return sequence;
    }
}
