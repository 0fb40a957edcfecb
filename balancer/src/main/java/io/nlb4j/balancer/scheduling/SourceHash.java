package io.nlb4j.balancer.scheduling;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The hash of a client's IP address that hashing pickers take as {@code sourceHash}.
 */
public final class SourceHash {

    /** Keeps an IPv6 address from hashing like the IPv4 address with the same JDK hash code. */
    private static final int IPV6_SEED = 0x5bd1e995;

    private SourceHash() {
    }

    /**
     * Hashes an IP address; allocates nothing.
     *
     * <p>For IPv4 the 32-bit address goes through MurmurHash3's {@code fmix32} finalizer, so that every
     * address bit affects every hash bit. For IPv6 the same finalizer mixes the JDK's hash of the 16
     * address bytes (reading the bytes themselves would copy them); that hash sums the four 32-bit words,
     * so addresses whose words differ in compensating ways collide, which does not happen for the
     * addresses clients get in practice.
     *
     * @param address the client's address
     * @return a well-mixed hash, stable for a given address
     */
    public static int of(InetAddress address) {
        Objects.requireNonNull(address, "address");
        // Inet4Address.hashCode() is the address itself; Inet6Address's is computed from its bytes.
        int h = address.hashCode();
        return Hashing.fmix32(address instanceof Inet4Address ? h : h ^ IPV6_SEED);
    }
}
