package io.nlb4j.balancer.soak;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The moments at which the soak test, or the load balancer on its behalf, cut connections off: a backend killed,
 * or a leaving server's connections closed at the end of its draining timeout. A reset that a client did not ask
 * for is explained only by one of these, on its server, while the connection was open.
 */
final class Disruptions {

    enum Kind {
        /** The test killed a backend: its connections are reset. */
        KILL,
        /** The load balancer closed a leaving server's connections at its draining timeout. */
        DRAIN_CLOSE
    }

    record Disruption(String service, InetSocketAddress server, Kind kind, long nanos, String what) {
    }

    private final ConcurrentLinkedQueue<Disruption> all = new ConcurrentLinkedQueue<>();

    void add(String service, InetSocketAddress server, Kind kind, String what) {
        all.add(new Disruption(service, server, kind, System.nanoTime(), what));
    }

    /**
     * Finds a disruption of a service's server (any server when {@code server} is null) between two moments.
     */
    Optional<Disruption> find(String service, InetSocketAddress server, long fromNanos, long toNanos) {
        for (Disruption d : all) {
            if (d.service().equals(service) && (server == null || Objects.equals(d.server(), server))
                    && d.nanos() - fromNanos >= 0 && toNanos - d.nanos() >= 0) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    List<Disruption> all() {
        return List.copyOf(all);
    }

    long count(Kind kind) {
        return all.stream().filter(d -> d.kind() == kind).count();
    }
}
