package io.nlb4j.balancer.group;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.GroupEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * One order over everything a test observes: load balancer events, availability-group events, and what the
 * test's clients and instance servers do. Each observation takes the next number of one shared counter, so
 * "a before b" is exact, with no clock resolution or skew in the way.
 *
 * <p>Both event streams are published on the load balancer's control thread, and a subscriber of these hot
 * fluxes is called on the publishing thread, so an event's number is taken while it is being published:
 * after everything the control thread did before publishing it, before everything it does after.
 */
final class Timeline {

    /**
     * One recorded event.
     *
     * @param seq its place in the timeline
     * @param nanos {@link System#nanoTime()} when it was recorded
     * @param type a {@link LoadBalancerEvent.Type} or a {@link GroupEvent.Type}
     * @param subject the server ({@code 127.0.0.1:port}) or the instance id; empty if none
     * @param time the event's own time
     * @param detail the event's detail
     */
    record Entry(long seq, long nanos, Enum<?> type, String subject, Instant time, String detail) {
        @Override
        public String toString() {
            return "#" + seq + ' ' + type + ' ' + subject + " (" + detail + ')';
        }
    }

    private final AtomicLong counter = new AtomicLong();
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

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

    void record(LoadBalancerEvent e) {
        entries.add(new Entry(tick(), System.nanoTime(), e.type(), e.server().orElse(""), e.time(), e.detail()));
    }

    void record(GroupEvent e) {
        entries.add(new Entry(tick(), System.nanoTime(), e.type(), e.instanceId().orElse(""), e.time(), e.detail()));
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    List<Entry> of(Enum<?> type) {
        return entries.stream().filter(e -> e.type() == type).collect(Collectors.toList());
    }

    /** The first event of a type about a subject. */
    Optional<Entry> first(Enum<?> type, String subject) {
        return entries.stream().filter(e -> e.type() == type && e.subject().equals(subject)).findFirst();
    }

    /** The number of the first event of a type about a subject; fails if there is none. */
    long seq(Enum<?> type, String subject) {
        return first(type, subject).orElseThrow(() -> new AssertionError("no " + type + " event for " + subject
                + " in " + describe())).seq();
    }

    /** Every event, one a line, for failure messages. */
    String describe() {
        return entries.stream().map(Entry::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
    }
}
