package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** The loops' state behind {@link Loops#create}: a read-only map from each loop to its {@link LoopState}. */
final class LoopStates implements Loops {

    private final Map<EventExecutor, LoopState> states = new IdentityHashMap<>();
    /*
     * Forwarding loops: a connection to a server that comes back to one of this load balancer's listeners. Each
     * side records itself, then looks for the other — the connecting side its local address in `outbound`, the
     * accepting side a same-host client in `sameHostClients` — so that whichever comes second sees the first,
     * however the two event loops interleave.
     */
    /** The local addresses of this load balancer's connections to servers, open or opening, from every loop. */
    private final Set<InetSocketAddress> outbound = ConcurrentHashMap.newKeySet();
    /** Accepted pairs whose client is on this host, by the client's address. */
    private final Map<InetSocketAddress, ProxyConnection> sameHostClients = new ConcurrentHashMap<>();

    LoopStates(EventLoopGroup group, LongSupplier clock) {
        for (EventExecutor loop : group) {
            states.put(loop, new LoopState(clock));
        }
    }

    /**
     * A connection to a server is opening from this local address.
     *
     * @return a pair already accepted from that address — the connection came back — or null
     */
    ProxyConnection outboundOpened(InetSocketAddress local) {
        outbound.add(local);
        return sameHostClients.get(local);
    }

    void outboundClosed(InetSocketAddress local) {
        outbound.remove(local);
    }

    /**
     * A pair was accepted from a client on this host.
     *
     * @return whether the client is one of this load balancer's own connections to a server: a loop
     */
    boolean sameHostClient(InetSocketAddress remote, ProxyConnection pair) {
        sameHostClients.put(remote, pair);
        return outbound.contains(remote);
    }

    void sameHostClientClosed(InetSocketAddress remote, ProxyConnection pair) {
        sameHostClients.remove(remote, pair);
    }

    /** The state of a loop of the group; called on that loop. */
    LoopState of(EventLoop loop) {
        LoopState s = states.get(loop);
        if (s == null) {
            throw new IllegalStateException("event loop " + loop + " is not one of this load balancer's");
        }
        return s;
    }

    @Override
    public void sweepIdle(long now) {
        for (Map.Entry<EventExecutor, LoopState> e : states.entrySet()) {
            LoopState s = e.getValue();
            e.getKey().execute(() -> s.sweep(now));
        }
    }

    @Override
    public CompletableFuture<Integer> closeConnectionsTo(Endpoint endpoint) {
        return onEach(s -> s.closeTo(endpoint));
    }

    @Override
    public CompletableFuture<Integer> closeAll() {
        return onEach(LoopState::closeAll);
    }

    @Override
    public CompletableFuture<Void> barrier() {
        return onEach(s -> 0).thenApply(n -> null);
    }

    /** Runs an action on every loop for its own state; completes with the sum once every loop has run it. */
    private CompletableFuture<Integer> onEach(Function<LoopState, Integer> action) {
        List<CompletableFuture<Integer>> results = new ArrayList<>(states.size());
        for (Map.Entry<EventExecutor, LoopState> e : states.entrySet()) {
            LoopState s = e.getValue();
            CompletableFuture<Integer> result = new CompletableFuture<>();
            Future<?> submitted = e.getKey().submit(() -> result.complete(action.apply(s)));
            submitted.addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(f.cause());
                }
            });
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().mapToInt(CompletableFuture::join).sum());
    }
}
