package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

    private static final SchedulingAlgorithm WLC = SchedulingAlgorithm.of(Scheduling.WEIGHTED_LEAST_CONNECTIONS);

    @Test
    void picksTheLeastBusy() {
        List<FakeServer> servers = FakeServer.servers(5);
        int[] connections = {7, 3, 9, 4, 5};
        for (int i = 0; i < 5; i++) {
            servers.get(i).connections(connections[i]);
        }
        Picker<FakeServer> picker = WLC.picker(servers);
        for (int i = 0; i < 20; i++) {
            assertThat(picker.pick(i, 0)).isSameAs(servers.get(1));
        }
        servers.get(1).connections(10);
        assertThat(picker.pick(0, 0)).as("reads connections live").isSameAs(servers.get(3));
    }

    @Test
    void serverWithoutConnectionsWinsWherever() {
        List<FakeServer> servers = FakeServer.servers(100);
        for (FakeServer s : servers) {
            s.connections(50);
        }
        servers.get(0).connections(0);
        servers.get(99).connections(-1); // a negative count counts as zero
        Picker<FakeServer> picker = WLC.picker(servers);
        Set<FakeServer> picked = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            // as the runtime does: count the connection and tell the picker
            FakeServer s = picker.pick(0, 0);
            picked.add(s);
            s.connections(s.activeConnections() + 1);
            picker.loadChanged(s);
        }
        assertThat(picked).containsExactlyInAnyOrder(servers.get(0), servers.get(99));
    }

    @Test
    void honorsWeights() {
        List<FakeServer> servers = FakeServer.withWeights(1, 4, 2);
        servers.get(0).connections(3);  // 3 per weight
        servers.get(1).connections(8);  // 2 per weight: least loaded
        servers.get(2).connections(5);  // 2.5 per weight
        Picker<FakeServer> picker = WLC.picker(servers);
        for (int i = 0; i < 10; i++) {
            assertThat(picker.pick(i, 0)).isSameAs(servers.get(1));
        }
        servers.get(1).connections(12);  // 3 per weight now; 2.5 wins
        assertThat(picker.pick(0, 0)).isSameAs(servers.get(2));
    }

    @Test
    void simulatedLoadFollowsWeights() {
        List<FakeServer> servers = FakeServer.withWeights(1, 2, 3, 4);
        Picker<FakeServer> picker = WLC.picker(servers);
        for (int i = 0; i < 1000; i++) {
            FakeServer s = picker.pick(i, 0);
            s.connections(s.activeConnections() + 1);
        }
        assertThat(servers).extracting(FakeServer::activeConnections).containsExactly(100, 200, 300, 400);
    }

    @Test
    void rotatesAmongTies() {
        List<FakeServer> servers = FakeServer.servers(4);
        for (FakeServer s : servers) {
            s.connections(3);
        }
        servers.get(2).connections(5);
        Picker<FakeServer> picker = WLC.picker(servers);
        int[] counts = Picks.count(picker, 1200);
        assertThat(counts[2]).isZero();
        assertThat(counts[0] + counts[1] + counts[3]).isEqualTo(1200);
        assertThat(counts[0]).isPositive();
        assertThat(counts[1]).isPositive();
        assertThat(counts[3]).isPositive();

        for (FakeServer s : servers) {
            s.connections(2);
        }
        assertThat(Picks.count(picker, 1200)).containsExactly(300, 300, 300, 300);
    }

    @Test
    void rotatesAmongWeightedTies() {
        List<FakeServer> servers = FakeServer.withWeights(2, 1, 2);
        servers.get(0).connections(4);
        servers.get(1).connections(2);
        servers.get(2).connections(4);
        assertThat(Picks.count(WLC.picker(servers), 900)).containsExactly(300, 300, 300);
    }
}
