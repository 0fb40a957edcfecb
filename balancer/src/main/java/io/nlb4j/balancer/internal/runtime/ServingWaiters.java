package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.ServerStats;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.MonoSink;

/**
 * Who waits on one backend service: for a server to serve ({@code awaitServing}), or for every server's first
 * health outcome (the start). Touched in the control context only.
 */
final class ServingWaiters {

    private record Waiter(InetSocketAddress address, MonoSink<ServerStats> sink) {
    }

    private final String service;
    private final List<Waiter> serving = new ArrayList<>();
    private final List<MonoSink<Void>> decided = new ArrayList<>();

    ServingWaiters(String service) {
        this.service = service;
    }

    void awaitServing(InetSocketAddress address, MonoSink<ServerStats> sink) {
        serving.add(new Waiter(address, sink));
    }

    void awaitDecided(MonoSink<Void> sink) {
        decided.add(sink);
    }

    /** Completes the waiters of servers that now serve; {@code servingNow} gives a server's stats, or null. */
    void servingChanged(Function<InetSocketAddress, ServerStats> servingNow) {
        if (serving.isEmpty()) {
            return;
        }
        serving.removeIf(w -> {
            ServerStats stats = servingNow.apply(w.address);
            if (stats != null) {
                w.sink.success(stats);
                return true;
            }
            return false;
        });
    }

    /** Fails the waiters of one server, saying why it will not serve. */
    void fail(InetSocketAddress address, String why) {
        serving.removeIf(w -> {
            if (w.address.equals(address)) {
                w.sink.error(notServing(address, why));
                return true;
            }
            return false;
        });
    }

    IllegalStateException notServing(InetSocketAddress address, String why) {
        return new IllegalStateException("server " + address.getHostString() + ':' + address.getPort()
                + " of backend service \"" + service + "\" does not take connections: " + why);
    }

    /** Completes the start's waiters once nothing is pending. */
    void decidedIf(boolean nothingPending) {
        if (nothingPending && !decided.isEmpty()) {
            decided.forEach(MonoSink::success);
            decided.clear();
        }
    }

    /** Fails everyone still waiting. */
    void failAll(RuntimeException why) {
        serving.forEach(w -> w.sink.error(why));
        serving.clear();
        decided.forEach(s -> s.error(why));
        decided.clear();
    }
}
