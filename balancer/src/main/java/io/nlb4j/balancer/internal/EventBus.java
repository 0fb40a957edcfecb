package io.nlb4j.balancer.internal;

import io.nlb4j.balancer.LoadBalancerEvent;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The hot stream of a load balancer's events. Publishing never blocks: each subscriber has its own bounded
 * buffer that drops its oldest events when full, and the drops are counted.
 */
final class EventBus {

    private final Sinks.Many<LoadBalancerEvent> sink = Sinks.many().multicast().directBestEffort();
    private final int bufferSize;
    private final Clock clock = Clock.systemUTC();
    final LongAdder dropped = new LongAdder();

    EventBus(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    void publish(LoadBalancerEvent.Type type, int listenerPort, String service, String server, String detail) {
        LoadBalancerEvent e = new LoadBalancerEvent(type, clock.instant(), listenerPort, Optional.ofNullable(service),
                Optional.ofNullable(server), detail == null ? "" : detail);
        synchronized (this) {
            sink.tryEmitNext(e);
        }
    }

    Flux<LoadBalancerEvent> flux() {
        return sink.asFlux().onBackpressureBuffer(bufferSize, ignored -> dropped.increment(),
                BufferOverflowStrategy.DROP_OLDEST);
    }

    void complete() {
        synchronized (this) {
            sink.tryEmitComplete();
        }
    }
}
