package io.nlb4j.balancer.scheduling;

import java.util.List;

/** The picker over no server: every pick returns {@code null}. */
final class EmptyPicker implements Picker<Candidate> {

    private static final EmptyPicker INSTANCE = new EmptyPicker();

    private EmptyPicker() {
    }

    @SuppressWarnings("unchecked")
    static <C extends Candidate> Picker<C> instance() {
        return (Picker<C>) (Picker<?>) INSTANCE;
    }

    @Override
    public Candidate pick(int sourceHash, int attempt) {
        return null;
    }

    @Override
    public List<Candidate> candidates() {
        return List.of();
    }

    @Override
    public String toString() {
        return "EmptyPicker";
    }
}
