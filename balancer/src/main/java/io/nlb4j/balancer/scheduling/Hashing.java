package io.nlb4j.balancer.scheduling;

/** Hash functions of the scheduling package. */
final class Hashing {

    /** The 32-bit golden ratio, added per attempt to derive a retry's hash from the source hash. */
    static final int ATTEMPT_INCREMENT = 0x9E3779B9;

    private static final long FNV_PRIME = 0x100000001B3L;

    private Hashing() {
    }

    /** MurmurHash3's 32-bit finalizer: a bijection in which every input bit affects every output bit. */
    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** MurmurHash3's 64-bit finalizer. */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** The hash of a source for a retry: a different, well-mixed value for each attempt. */
    static int attemptHash(int sourceHash, int attempt) {
        return fmix32(sourceHash + attempt * ATTEMPT_INCREMENT);
    }

    /**
     * A 64-bit hash of a string, the same in every JVM: FNV-1a over its UTF-16 code units, seeded, then
     * finalized with {@link #fmix64(long)}. Different seeds give independent hashes.
     */
    static long hash64(CharSequence s, long seed) {
        long h = seed ^ 0xCBF29CE484222325L;
        for (int i = 0, n = s.length(); i < n; i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return fmix64(h ^ s.length());
    }
}
