package io.nlb4j.junit5;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningLoadBalancer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import reactor.core.Disposable;

/**
 * The events of a running load balancer, recorded from the moment the log is made, so that a test can look for an
 * event that has already happened as well as wait for one to come. It keeps the last {@value #CAPACITY} events.
 */
public final class EventLog implements AutoCloseable {

    /** How many events are kept; older ones are forgotten. */
    public static final int CAPACITY = 100_000;

    private final List<LoadBalancerEvent> events = new ArrayList<>();
    private final Disposable subscription;
    private long forgotten;

    private EventLog(RunningLoadBalancer lb) {
        this.subscription = lb.events().subscribe(this::add);
    }

    /**
     * Starts recording a load balancer's events.
     *
     * @param lb the load balancer
     * @return the log, recording until it is closed or the load balancer stops
     */
    public static EventLog of(RunningLoadBalancer lb) {
        return new EventLog(Objects.requireNonNull(lb, "lb"));
    }

    private synchronized void add(LoadBalancerEvent e) {
        if (events.size() == CAPACITY) {
            events.remove(0);
            forgotten++;
        }
        events.add(e);
        notifyAll();
    }

    /**
     * Returns the events recorded so far, oldest first.
     *
     * @return a copy of the events
     */
    public synchronized List<LoadBalancerEvent> all() {
        return List.copyOf(events);
    }

    /**
     * Returns the events of a type recorded so far, oldest first.
     *
     * @param type the event type, such as {@code LoadBalancerEvent.ServerDraining.class}
     * @param <E> the type
     * @return the events
     */
    public synchronized <E extends LoadBalancerEvent> List<E> ofType(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Waits for an event of a type that matches, recorded already or to come.
     *
     * @param type the event type
     * @param matching what the event must satisfy
     * @param within how long to wait
     * @param <E> the type
     * @return the first such event
     * @throws AssertionError if none comes in time, listing the events recorded
     */
    public <E extends LoadBalancerEvent> E await(Class<E> type, Predicate<? super E> matching, Duration within) {
        Optional<E> found = find(type, matching, within);
        if (found.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " event matching within " + within.toMillis()
                    + " ms; the events recorded:\n" + describe());
        }
        return found.get();
    }

    /**
     * Waits for an event of a type that matches.
     *
     * @param type the event type
     * @param matching what the event must satisfy
     * @param within how long to wait
     * @param <E> the type
     * @return the first such event, or empty if none came in time
     */
    public synchronized <E extends LoadBalancerEvent> Optional<E> find(Class<E> type, Predicate<? super E> matching,
            Duration within) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(matching, "matching");
        long deadline = System.nanoTime() + within.toNanos();
        int from = 0;
        while (true) {
            for (int i = from; i < events.size(); i++) {
                LoadBalancerEvent e = events.get(i);
                if (type.isInstance(e) && matching.test(type.cast(e))) {
                    return Optional.of(type.cast(e));
                }
            }
            from = events.size();
            long left = deadline - System.nanoTime();
            if (left <= 0 || subscription.isDisposed() && from == events.size()) {
                return Optional.empty();
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Returns the server an event is about, if it is about one.
     *
     * @param e the event
     * @return the server's address
     */
    public static Optional<InetSocketAddress> serverOf(LoadBalancerEvent e) {
        if (e instanceof LoadBalancerEvent.ServerAdded x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ServerWeightChanged x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ServerDraining x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ServerRemoved x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ServerHealthy x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ServerUnhealthy x) {
            return Optional.of(x.server());
        } else if (e instanceof LoadBalancerEvent.ConnectFailed x) {
            return Optional.of(x.server());
        }
        return Optional.empty();
    }

    /**
     * Describes the events recorded, one per line, for a failure message.
     *
     * @return the description
     */
    public synchronized String describe() {
        if (events.isEmpty()) {
            return "  (none" + (forgotten > 0 ? "; " + forgotten + " older ones forgotten" : "") + ')';
        }
        StringBuilder s = new StringBuilder();
        if (forgotten > 0) {
            s.append("  (").append(forgotten).append(" older events forgotten)\n");
        }
        int shown = Math.min(events.size(), 200);
        if (shown < events.size()) {
            s.append("  (the last ").append(shown).append(" of ").append(events.size()).append(")\n");
        }
        for (LoadBalancerEvent e : events.subList(events.size() - shown, events.size())) {
            s.append("  ").append(e.getClass().getSimpleName()).append(": ").append(e.description()).append('\n');
        }
        return s.toString();
    }

    /** Stops recording. */
    @Override
    public void close() {
        subscription.dispose();
        synchronized (this) {
            notifyAll();
        }
    }
}
