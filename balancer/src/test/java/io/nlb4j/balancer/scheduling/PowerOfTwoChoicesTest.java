package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

    private static final SchedulingAlgorithm P2C = SchedulingAlgorithm.of(Scheduling.POWER_OF_TWO_CHOICES);

    @Test
    void neverPicksTheStrictlyBusiest() {
        List<FakeServer> servers = FakeServer.servers(10);
        servers.get(4).connections(100);
        int[] counts = Picks.count(P2C.picker(servers), 100_000);
        // It can only be picked when it is drawn against a less busy server, and then it loses.
        assertThat(counts[4]).isZero();
        for (int i = 0; i < 10; i++) {
            if (i != 4) {
                assertThat(counts[i]).isBetween(100_000 / 9 - 1500, 100_000 / 9 + 1500);
            }
        }
    }

    @Test
    void favorsLessLoadedServers() {
        List<FakeServer> servers = FakeServer.servers(10);
        for (int i = 0; i < 10; i++) {
            servers.get(i).connections(i); // server i is beaten by every server before it
        }
        int[] counts = Picks.count(P2C.picker(servers), 90_000);
        // Server i wins when drawn with one of the 9-i busier servers: 2*(9-i)/90 of picks.
        for (int i = 0; i < 10; i++) {
            assertThat(counts[i]).as("server %d", i).isCloseTo(2 * (9 - i) * 1000, org.assertj.core.data.Offset.offset(600));
        }
        assertThat(counts[0]).isGreaterThan(counts[5]);
    }

    @Test
    void honorsWeights() {
        List<FakeServer> servers = FakeServer.withWeights(10, 1);
        servers.get(0).connections(50); // 5 per weight
        servers.get(1).connections(6);  // 6 per weight
        Picker<FakeServer> picker = P2C.picker(servers);
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(i, 0)).isSameAs(servers.get(0));
        }
    }

    @Test
    void twoDistinctDraws() {
        List<FakeServer> servers = FakeServer.servers(2);
        servers.get(1).connections(1);
        Picker<FakeServer> picker = P2C.picker(servers);
        for (int i = 0; i < 1000; i++) {
            assertThat(picker.pick(i, 0)).isSameAs(servers.get(0));
        }
    }
}
