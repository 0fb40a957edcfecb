package io.nlb4j.balancer.scheduling;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Helpers to count picks. */
final class Picks {

    private Picks() {
    }

    /** How often each candidate is picked in {@code picks} first attempts with the given source hashes. */
    static <C extends Candidate> int[] count(Picker<C> picker, int picks, int[] sourceHashes) {
        List<C> candidates = picker.candidates();
        Map<C, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            index.put(candidates.get(i), i);
        }
        int[] counts = new int[candidates.size()];
        for (int i = 0; i < picks; i++) {
            counts[index.get(picker.pick(sourceHashes == null ? 0 : sourceHashes[i], 0))]++;
        }
        return counts;
    }

    static <C extends Candidate> int[] count(Picker<C> picker, int picks) {
        return count(picker, picks, null);
    }

    /** Well-mixed source hashes from a fixed seed. */
    static int[] sourceHashes(int n, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int[] hashes = new int[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = random.nextInt();
        }
        return hashes;
    }
}
