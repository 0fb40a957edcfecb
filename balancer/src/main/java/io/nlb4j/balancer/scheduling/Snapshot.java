package io.nlb4j.balancer.scheduling;

import java.util.List;
import java.util.Objects;

/**
 * The immutable part of a picker: the candidates as given, as an array for the hot path, and their
 * weights as read when the picker was built.
 *
 * @param <C> the candidate type
 */
abstract class Snapshot<C extends Candidate> implements Picker<C> {

    final List<C> list;
    final Candidate[] servers;
    final int[] weights;

    Snapshot(List<C> list, int[] weights) {
        this.list = list;
        this.servers = list.toArray(new Candidate[0]);
        this.weights = weights;
    }

    /**
     * Copies and validates a snapshot: non-null candidates with weights 1-100.
     *
     * @return the weights, in the order of the list
     */
    static int[] weightsOf(List<? extends Candidate> inService) {
        Objects.requireNonNull(inService, "inService");
        int[] weights = new int[inService.size()];
        for (int i = 0; i < weights.length; i++) {
            Candidate c = inService.get(i);
            if (c == null) {
                throw new NullPointerException("inService[" + i + "]: null (expected: a candidate)");
            }
            int w = c.weight();
            if (w < 1 || w > 100) {
                throw new IllegalArgumentException(
                        "inService[" + i + "].weight(): " + w + " (expected: 1-100) for " + c);
            }
            weights[i] = w;
        }
        return weights;
    }

    static boolean allEqual(int[] weights) {
        for (int w : weights) {
            if (w != weights[0]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code a} is strictly less loaded than {@code b}: aConns/aWeight &lt; bConns/bWeight. */
    static boolean lessLoaded(int aConns, int aWeight, int bConns, int bWeight) {
        return (long) Math.max(aConns, 0) * bWeight < (long) Math.max(bConns, 0) * aWeight;
    }

    @SuppressWarnings("unchecked")
    final C server(int index) {
        return (C) servers[index];
    }

    @Override
    public final List<C> candidates() {
        return list;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[servers=" + servers.length + ']';
    }
}
