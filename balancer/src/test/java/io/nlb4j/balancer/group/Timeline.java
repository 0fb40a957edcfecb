package io.nlb4j.balancer.group;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.GroupEvent;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * One order over everything a test observes: load balancer events, availability-group events, and what the
 * test's clients and instance servers do. Each observation takes the next number of one shared counter, so
 * "a before b" is exact, with no clock resolution or skew in the way.
 *
 * <p>Both event streams are published on the load balancer's control context (the group runs in it), and a
 * subscriber of these hot fluxes is called on the publishing thread, so an event's number is taken while it is
 * being published: after everything the control context did before publishing it, before everything it does
 * after.
 *
 * <p>Events are kept as they are, typed: a test looks them up by their record type and by the server
 * ({@link InetSocketAddress}) or instance (id) they are about, and asserts on their fields.
 */
final class Timeline {

    /**
     * One recorded event.
     *
     * @param seq its place in the timeline
     * @param nanos {@link System#nanoTime()} when it was recorded
     * @param event the event: a {@link LoadBalancerEvent} or a {@link GroupEvent}
     * @param <E> its type
     */
    record Entry<E>(long seq, long nanos, E event) {
        @Override
        public String toString() {
            String description = event instanceof LoadBalancerEvent e ? e.description()
                    : event instanceof GroupEvent g ? g.description() : String.valueOf(event);
            return "#" + seq + ' ' + event.getClass().getSimpleName() + " (" + description + ')';
        }
    }

    private final AtomicLong counter = new AtomicLong();
    private final List<Entry<?>> entries = new CopyOnWriteArrayList<>();

    /** Takes the next number: call it at the moment something happens. */
    long tick() {
        return counter.incrementAndGet();
    }

    /** Records the events of a load balancer and of one of its availability groups from now on. */
    Disposable follow(RunningLoadBalancer lb, String group) {
        return Disposables.composite(
                lb.events().subscribe(this::record),
                lb.availabilityGroup(group).events().subscribe(this::record));
    }

    private void record(Object event) {
        entries.add(new Entry<>(tick(), System.nanoTime(), event));
    }

    /** The server a load balancer event is about, if it is about one. */
    static Optional<InetSocketAddress> server(LoadBalancerEvent e) {
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

    /** Every event of a type, in order. */
    <E> List<Entry<E>> of(Class<E> type) {
        return entries.stream().filter(e -> type.isInstance(e.event())).map(e -> cast(e, type))
                .collect(Collectors.toList());
    }

    /** The first event of a type that matches. */
    <E> Optional<Entry<E>> first(Class<E> type, Predicate<? super E> which) {
        return of(type).stream().filter(e -> which.test(e.event())).findFirst();
    }

    /** The first load balancer event of a type about a server. */
    <E extends LoadBalancerEvent> Optional<Entry<E>> first(Class<E> type, InetSocketAddress server) {
        return first(type, e -> server(e).map(server::equals).orElse(false));
    }

    /** The first group event of a type about an instance. */
    <E extends GroupEvent> Optional<Entry<E>> first(Class<E> type, String instanceId) {
        return first(type, e -> e.instanceId().map(instanceId::equals).orElse(false));
    }

    /** The first load balancer event of a type about a server; fails if there is none. */
    <E extends LoadBalancerEvent> Entry<E> get(Class<E> type, InetSocketAddress server) {
        return first(type, server).orElseThrow(() -> new AssertionError("no " + type.getSimpleName()
                + " event for server " + server + " in " + describe()));
    }

    /** The first group event of a type about an instance; fails if there is none. */
    <E extends GroupEvent> Entry<E> get(Class<E> type, String instanceId) {
        return first(type, instanceId).orElseThrow(() -> new AssertionError("no " + type.getSimpleName()
                + " event for instance " + instanceId + " in " + describe()));
    }

    /** The number of the first load balancer event of a type about a server; fails if there is none. */
    long seq(Class<? extends LoadBalancerEvent> type, InetSocketAddress server) {
        return get(type, server).seq();
    }

    /** The number of the first group event of a type about an instance; fails if there is none. */
    long seq(Class<? extends GroupEvent> type, String instanceId) {
        return get(type, instanceId).seq();
    }

    /** Every event, one a line, for failure messages. */
    String describe() {
        return entries.stream().map(Entry::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    @SuppressWarnings("unchecked")
    private static <E> Entry<E> cast(Entry<?> e, Class<E> type) {
        return (Entry<E>) e;
    }
}
