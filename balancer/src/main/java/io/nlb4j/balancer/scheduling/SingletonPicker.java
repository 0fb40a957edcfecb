package io.nlb4j.balancer.scheduling;

import java.util.List;

/** The picker over one server, whatever the algorithm: every pick, every attempt, returns it. */
final class SingletonPicker<C extends Candidate> extends Snapshot<C> {

    private final C only;

    SingletonPicker(List<C> list, int[] weights) {
        super(list, weights);
        this.only = list.get(0);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        return only;
    }
}
