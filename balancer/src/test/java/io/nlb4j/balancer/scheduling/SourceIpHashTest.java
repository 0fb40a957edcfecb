package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Scheduling;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceIpHashTest {

    private static final SchedulingAlgorithm HASH = SchedulingAlgorithm.of(Scheduling.SOURCE_IP_HASH);

    @Test
    void stablePerSource() throws UnknownHostException {
        List<FakeServer> servers = FakeServer.servers(7);
        Picker<FakeServer> picker = HASH.picker(servers);
        Picker<FakeServer> rebuilt = HASH.picker(List.copyOf(servers));
        for (int i = 0; i < 1000; i++) {
            int hash = SourceHash.of(ipv4(i));
            FakeServer first = picker.pick(hash, 0);
            assertThat(picker.pick(hash, 0)).isSameAs(first);
            assertThat(rebuilt.pick(hash, 0)).isSameAs(first);
        }
    }

    @Test
    void spreadsSourcesEvenly() throws UnknownHostException {
        int n = 10;
        Picker<FakeServer> picker = HASH.picker(FakeServer.servers(n));
        int[] hashes = new int[10_000];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = SourceHash.of(ipv4(0x0A000000 + i)); // 10.0.0.0, 10.0.0.1, ...: the worst case for a weak hash
        }
        int[] counts = Picks.count(picker, hashes.length, hashes);
        for (int c : counts) {
            assertThat(c).isBetween(850, 1150); // 1000 ± ~5 standard deviations
        }
    }

    @Test
    void retryMovesToAnotherServerDeterministically() {
        List<FakeServer> servers = FakeServer.servers(5);
        Picker<FakeServer> picker = HASH.picker(servers);
        int[] retries = new int[5];
        FakeServer failing = servers.get(2);
        for (int hash : Picks.sourceHashes(20_000, 1)) {
            FakeServer first = picker.pick(hash, 0);
            for (int attempt = 1; attempt <= 3; attempt++) {
                FakeServer retry = picker.pick(hash, attempt);
                assertThat(retry).isNotSameAs(first).isSameAs(picker.pick(hash, attempt));
            }
            if (first == failing) {
                retries[servers.indexOf(picker.pick(hash, 1))]++;
            }
        }
        // The clients of a failing server spread over all the others.
        assertThat(retries[2]).isZero();
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(retries[i]).isBetween(800, 1200);
        }
    }

    static InetAddress ipv4(int address) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {
            (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }
}
