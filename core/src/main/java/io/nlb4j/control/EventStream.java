package io.nlb4j.control;

import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A hot stream of events that never slows its publisher: each subscriber has a bounded buffer of its own that
 * drops its oldest events when full, and the drops are counted. Publishing is safe from any thread.
 *
 * @param <E> the event type
 */
public final class EventStream<E> {

    private final Sinks.Many<E> sink = Sinks.many().multicast().directBestEffort();
    private final int bufferSize;
    private final LongAdder dropped = new LongAdder();

    /**
     * Creates a stream.
     *
     * @param bufferSize the events buffered per slow subscriber, at least 1
     */
    public EventStream(int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: at least 1)");
        }
        this.bufferSize = bufferSize;
    }

    /**
     * Publishes an event to the current subscribers.
     *
     * @param event the event
     */
    public void publish(E event) {
        synchronized (sink) { // the sink takes one emitter at a time
            sink.tryEmitNext(event);
        }
    }

    /**
     * Completes the stream: current subscribers complete, later ones complete at once.
     */
    public void complete() {
        synchronized (sink) {
            sink.tryEmitComplete();
        }
    }

    /**
     * Returns the stream: a subscriber sees the events published after it subscribes.
     *
     * @return the hot flux
     */
    public Flux<E> flux() {
        return sink.asFlux().onBackpressureBuffer(bufferSize, ignored -> dropped.increment(),
                BufferOverflowStrategy.DROP_OLDEST);
    }

    /**
     * Returns how many events were dropped because a subscriber was too slow.
     *
     * @return the count, over all subscribers
     */
    public long dropped() {
        return dropped.sum();
    }
}
