package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The loops' state behind {@link Loops#create}: a read-only map from each loop to its {@link LoopState}. */
final class LoopStates implements Loops {

    private final Map<EventExecutor, LoopState> states = new IdentityHashMap<>();

    LoopStates(EventLoopGroup group, long stamp) {
        for (EventExecutor loop : group) {
            states.put(loop, new LoopState(stamp));
        }
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
    public void sweepIdle(long now, long nextStamp) {
        for (Map.Entry<EventExecutor, LoopState> e : states.entrySet()) {
            LoopState s = e.getValue();
            e.getKey().execute(() -> s.sweep(now, nextStamp));
        }
    }

    @Override
    public Mono<Integer> closeConnectionsTo(Endpoint endpoint) {
        return onEach(s -> s.closeTo(endpoint));
    }

    @Override
    public Mono<Integer> closeAll() {
        return onEach(LoopState::closeAll);
    }

    @Override
    public Mono<Void> barrier() {
        return onEach(s -> 0).then();
    }

    private Mono<Integer> onEach(Function<LoopState, Integer> action) {
        return Mono.defer(() -> {
            List<Mono<Integer>> results = new ArrayList<>(states.size());
            for (Map.Entry<EventExecutor, LoopState> e : states.entrySet()) {
                LoopState s = e.getValue();
                results.add(toMono(e.getKey().submit((Callable<Integer>) () -> action.apply(s))));
            }
            return Flux.merge(results).reduce(0, Integer::sum);
        });
    }

    private static <T> Mono<T> toMono(Future<T> future) {
        return Mono.create(sink -> future.addListener(f -> {
            if (f.isSuccess()) {
                sink.success(future.getNow());
            } else {
                sink.error(f.cause());
            }
        }));
    }
}
