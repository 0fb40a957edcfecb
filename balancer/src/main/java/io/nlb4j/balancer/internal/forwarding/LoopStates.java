package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
     * Forwarding loops: a connection to a server that comes back to one of this load balancer's listeners. It is
     * the same TCP connection seen from both ends: our connection from L to R is accepted as a client at L by the
     * listener at R. Only the whole pair of addresses identifies it: the kernel gives one local port to several
     * connections with different destinations, so a client may well share L with one of ours. Each side records
     * itself, then looks for the other — the connecting side in `sameHostClients`, the accepting side in
     * `outbound` — so that whichever comes second sees the first, however the event loops interleave.
     */
    /** This load balancer's connections to servers, open or opening, from every loop. */
    private final Set<Flow> outbound = ConcurrentHashMap.newKeySet();
    /** Accepted pairs whose client is on this host, by their connection's addresses. */
    private final Map<Flow, ProxyConnection> sameHostClients = new ConcurrentHashMap<>();

    /** A TCP connection's addresses, as seen by the side that connected. */
    record Flow(InetSocketAddress from, InetSocketAddress to) {

        /**
         * Where a connection to {@code server} arrives: a connection to the wildcard address goes to this host's
         * loopback address, which is then the accepting side's local address.
         */
        static InetSocketAddress destination(InetSocketAddress server) {
            InetAddress a = server.getAddress();
            if (a == null || !a.isAnyLocalAddress()) {
                return server;
            }
            return new InetSocketAddress(a instanceof Inet6Address ? LOOPBACK6 : LOOPBACK4, server.getPort());
        }
    }

    private static final InetAddress LOOPBACK4 = loopback(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK6 = loopback(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private static InetAddress loopback(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a literal of the right length cannot fail
        }
    }

    LoopStates(EventLoopGroup group, LongSupplier clock) {
        for (EventExecutor loop : group) {
            states.put(loop, new LoopState(clock));
        }
    }

    /**
     * A connection to a server is opening.
     *
     * @return a pair that accepted this very connection — it came back — or null
     */
    ProxyConnection outboundOpened(Flow flow) {
        outbound.add(flow);
        return sameHostClients.get(flow);
    }

    void outboundClosed(Flow flow) {
        outbound.remove(flow);
    }

    /**
     * A pair was accepted from a client on this host.
     *
     * @return whether the client is one of this load balancer's own connections to a server: a loop
     */
    boolean sameHostClient(Flow flow, ProxyConnection pair) {
        sameHostClients.put(flow, pair);
        return outbound.contains(flow);
    }

    void sameHostClientClosed(Flow flow, ProxyConnection pair) {
        sameHostClients.remove(flow, pair);
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
    public CompletableFuture<Integer> closeConnectionsOf(ListenerPath listener) {
        return onEach(s -> s.closeOf((ListenerPipe) listener));
    }

    @Override
    public CompletableFuture<Integer> applyToOpen(FaultScope scope, Runnable fault) {
        Faults.Active active = ((Faults.Removal) fault).active;
        return onEach(s -> s.applyFault((Faults) scope, active));
    }

    @Override
    public boolean inLoop() {
        for (EventExecutor e : states.keySet()) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
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
