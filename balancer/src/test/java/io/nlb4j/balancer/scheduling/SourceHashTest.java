package io.nlb4j.balancer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceHashTest {

    @Test
    void sameAddressSameHash() throws UnknownHostException {
        assertThat(SourceHash.of(InetAddress.getByName("192.0.2.7")))
                .isEqualTo(SourceHash.of(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7})));
        assertThat(SourceHash.of(InetAddress.getByName("2001:db8::1")))
                .isEqualTo(SourceHash.of(InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
    }

    @Test
    void neighboringAddressesDifferInManyBits() throws UnknownHostException {
        Set<Integer> hashes = new HashSet<>();
        int[] bitCounts = new int[32];
        for (int i = 0; i < 4096; i++) {
            int h = SourceHash.of(SourceIpHashTest.ipv4(0xC0A80000 + i));
            hashes.add(h);
            for (int bit = 0; bit < 32; bit++) {
                bitCounts[bit] += (h >>> bit) & 1;
            }
        }
        assertThat(hashes).hasSize(4096); // a bijection on IPv4
        for (int count : bitCounts) {
            assertThat(count).isBetween(1800, 2300); // every bit set about half of the time
        }
    }

    @Test
    void ipv6AddressesSpread() throws UnknownHostException {
        Set<Integer> hashes = new HashSet<>();
        int[] buckets = new int[8];
        for (int i = 0; i < 4096; i++) {
            int h = SourceHash.of(InetAddress.getByName("2001:db8::" + Integer.toHexString(i)));
            hashes.add(h);
            buckets[Math.floorMod(h, 8)]++;
        }
        assertThat(hashes).hasSize(4096);
        for (int count : buckets) {
            assertThat(count).isBetween(400, 630);
        }
    }
}
