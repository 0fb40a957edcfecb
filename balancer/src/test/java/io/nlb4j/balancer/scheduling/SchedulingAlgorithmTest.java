package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.Scheduling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchedulingAlgorithmTest {

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void emptySnapshotPicksNull(Scheduling algorithm) {
        Picker<FakeServer> picker = SchedulingAlgorithm.of(algorithm).picker(List.of());
        assertThat(picker.pick(42, 0)).isNull();
        assertThat(picker.pick(42, 3)).isNull();
        assertThat(picker.candidates()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void singleServerIsAlwaysPicked(Scheduling algorithm) {
        FakeServer only = FakeServer.of("10.0.0.1:80").connections(5);
        Picker<FakeServer> picker = SchedulingAlgorithm.of(algorithm).picker(List.of(only));
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(i * 7919, i % 3)).isSameAs(only);
        }
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void candidatesAreAnImmutableCopyInOrder(Scheduling algorithm) {
        List<FakeServer> servers = new ArrayList<>(FakeServer.servers(5));
        Picker<FakeServer> picker = SchedulingAlgorithm.of(algorithm).picker(servers);
        List<FakeServer> expected = List.copyOf(servers);
        servers.clear();
        assertThat(picker.candidates()).containsExactlyElementsOf(expected);
        assertThatThrownBy(() -> picker.candidates().clear()).isInstanceOf(UnsupportedOperationException.class);
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(i, 0)).isIn(expected);
            assertThat(picker.pick(i, 1)).isIn(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void refusesWeightsOutOfRange(Scheduling algorithm) {
        SchedulingAlgorithm scheduler = SchedulingAlgorithm.of(algorithm);
        assertThatThrownBy(() -> scheduler.picker(FakeServer.withWeights(1, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("inService[1].weight(): 0 (expected: 1-100)");
        assertThatThrownBy(() -> scheduler.picker(FakeServer.withWeights(101)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("inService[0].weight(): 101 (expected: 1-100)");
        assertThatThrownBy(() -> scheduler.picker(Arrays.asList(FakeServer.of("a:1"), null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("inService[1]: null (expected: a candidate)");
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void pickAllocatesNothing(Scheduling algorithm) {
        List<FakeServer> servers = FakeServer.withWeights(5, 3, 1, 1, 2, 7);
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).connections(10 + i);
        }
        Picker<FakeServer> picker = SchedulingAlgorithm.of(algorithm).picker(servers);
        int[] hashes = Picks.sourceHashes(1024, 1);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm up
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 100_000; i++) {
                sink += picker.pick(hashes[i & 1023], i & 1).weight();
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 2) {
                assertThat(allocated).as("bytes allocated by 100,000 picks").isLessThan(1024);
            }
        }
        assertThat(sink).isPositive();
    }

    @org.junit.jupiter.api.Test
    void ofReturnsOneSchedulerPerAlgorithm() {
        for (Scheduling algorithm : Scheduling.values()) {
            assertThat(SchedulingAlgorithm.of(algorithm)).isSameAs(SchedulingAlgorithm.of(algorithm));
        }
        assertThat(SchedulingAlgorithm.of(Scheduling.MAGLEV)).hasToString("MAGLEV(tableSize=65537)");
        assertThat(SchedulingAlgorithm.of(Scheduling.WEIGHTED_ROUND_ROBIN)).hasToString("WEIGHTED_ROUND_ROBIN");
    }
}
