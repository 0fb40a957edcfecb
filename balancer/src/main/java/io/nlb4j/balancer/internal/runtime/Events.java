package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.control.ControlContext;
import io.nlb4j.control.EventStream;
import java.time.Instant;
import java.util.function.Function;

/** A load balancer's event stream, with event times read from the control clock. */
final class Events {

    private final EventStream<LoadBalancerEvent> stream;
    private final ControlContext ctx;
    private final Instant startInstant = Instant.now();
    private final long startNanos;

    Events(ControlContext ctx, int bufferSize) {
        this.ctx = ctx;
        this.stream = new EventStream<>(bufferSize);
        this.startNanos = ctx.nanoTime();
    }

    /** The control clock's time as an instant, anchored to the wall clock at start. */
    Instant now() {
        return startInstant.plusNanos(ctx.nanoTime() - startNanos);
    }

    void publish(Function<Instant, LoadBalancerEvent> event) {
        stream.publish(event.apply(now()));
    }

    EventStream<LoadBalancerEvent> stream() {
        return stream;
    }
}
