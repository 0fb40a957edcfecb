package io.nlb4j.balancer.soak;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerEvent.RemovalOutcome;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.RunningAvailabilityGroup;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * The load balancer's and the group's events during a soak run: counted by kind, with the draining-timeout closures
 * recorded as {@link Disruptions}, and the ones that must not happen in this scenario kept with their descriptions:
 * refused clients (the chaos always leaves servers to take them) and instances that failed to launch or to stop.
 */
final class EventLog implements AutoCloseable {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> groupProblems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<LoadBalancerEvent> stops = new ConcurrentLinkedQueue<>();
    private final Disposable.Composite subscriptions = Disposables.composite();
    private final Disruptions disruptions;

    EventLog(RunningLoadBalancer lb, RunningAvailabilityGroup group, Disruptions disruptions) {
        this.disruptions = disruptions;
        subscriptions.add(lb.events().subscribe(this::onEvent));
        subscriptions.add(group.events().subscribe(this::onGroupEvent));
    }

    private void onEvent(LoadBalancerEvent e) {
        count(e.getClass().getSimpleName());
        if (e instanceof LoadBalancerEvent.ServerRemoved r && r.closedConnections() > 0
                && (r.outcome() == RemovalOutcome.DRAIN_TIMEOUT || r.outcome() == RemovalOutcome.DRAINING_OFF)) {
            disruptions.add(r.service(), r.server(), Disruptions.Kind.DRAIN_CLOSE, e.description());
            count("ServerRemoved(" + r.outcome() + ")");
        } else if (e instanceof LoadBalancerEvent.ServerRemoved r) {
            count("ServerRemoved(" + r.outcome() + ")");
        } else if (e instanceof LoadBalancerEvent.ConnectionRejected r) {
            count("ConnectionRejected(" + r.reason() + ")");
            rejections.add(new Rejection(System.nanoTime(), r.listener().name().orElse("?"), r.reason().name(),
                    r.detail(), e.time() + " " + e.description()));
        } else if (e instanceof LoadBalancerEvent.Stopped || e instanceof LoadBalancerEvent.Stopping) {
            stops.add(e);
        }
    }

    private void onGroupEvent(GroupEvent e) {
        count("group " + e.getClass().getSimpleName());
        if (e instanceof GroupEvent.LaunchFailed || (e instanceof GroupEvent.Terminated t && t.error().isPresent())) {
            groupProblems.add(e.time() + " " + e.description());
        }
    }

    private void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long count(Class<?> type) {
        LongAdder n = counts.get(type.getSimpleName());
        return n == null ? 0 : n.sum();
    }

    /** A refused client, with when the test heard of it. */
    record Rejection(long nanos, String listener, String reason, String detail, String description) {
    }

    List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    List<String> groupProblems() {
        return List.copyOf(groupProblems);
    }

    List<LoadBalancerEvent> stops() {
        return List.copyOf(stops);
    }

    @Override
    public void close() {
        subscriptions.dispose();
    }
}
