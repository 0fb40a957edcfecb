package io.nlb4j.balancer.scheduling;

import java.util.List;

/** The schedulers that need no configuration. */
enum Algorithms implements SchedulingAlgorithm {

    WEIGHTED_ROUND_ROBIN {
        @Override
        <C extends Candidate> Picker<C> create(List<C> servers, int[] weights) {
            return new WeightedRoundRobinPicker<>(servers, weights);
        }
    },
    WEIGHTED_LEAST_CONNECTIONS {
        @Override
        <C extends Candidate> Picker<C> create(List<C> servers, int[] weights) {
            return servers.size() > INDEX_ABOVE
                    ? new IndexedLeastConnectionsPicker<>(servers, weights)
                    : new LeastConnectionsPicker<>(servers, weights);
        }
    },
    SOURCE_IP_HASH {
        @Override
        <C extends Candidate> Picker<C> create(List<C> servers, int[] weights) {
            return new SourceIpHashPicker<>(servers, weights);
        }
    },
    POWER_OF_TWO_CHOICES {
        @Override
        <C extends Candidate> Picker<C> create(List<C> servers, int[] weights) {
            return new PowerOfTwoChoicesPicker<>(servers, weights);
        }
    };

    /**
     * Weighted least connections scans snapshots up to this size and indexes larger ones in a tournament
     * tree ({@link IndexedLeastConnectionsPicker}).
     */
    static final int INDEX_ABOVE = 16;

    /** Builds the picker over two or more validated candidates. */
    abstract <C extends Candidate> Picker<C> create(List<C> servers, int[] weights);

    @Override
    public final <C extends Candidate> Picker<C> picker(List<C> inService) {
        return build(inService, this::create);
    }

    /** What an algorithm does once the snapshot has two or more servers. */
    interface Factory {
        <C extends Candidate> Picker<C> create(List<C> servers, int[] weights);
    }

    /**
     * Validates and copies a snapshot, and handles the cases all algorithms share: no server (a picker
     * that returns null) and one server (a picker that always returns it).
     */
    static <C extends Candidate> Picker<C> build(List<C> inService, Factory factory) {
        int[] weights = Snapshot.weightsOf(inService);
        List<C> servers = List.copyOf(inService);
        switch (servers.size()) {
            case 0:
                return EmptyPicker.instance();
            case 1:
                return new SingletonPicker<>(servers, weights);
            default:
                return factory.create(servers, weights);
        }
    }
}
