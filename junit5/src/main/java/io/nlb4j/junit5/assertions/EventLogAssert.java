package io.nlb4j.junit5.assertions;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.junit5.EventLog;
import io.nlb4j.junit5.TestServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a load balancer's events: those recorded already and those to come. */
public final class EventLogAssert extends AbstractAssert<EventLogAssert, EventLog> {

    EventLogAssert(EventLog actual) {
        super(actual, EventLogAssert.class);
    }

    /**
     * Checks an event of a type occurs within a duration (or has occurred since the log began).
     *
     * @param type the event type, such as {@code LoadBalancerEvent.ServerDraining.class}
     * @param within how long to wait
     * @return this
     */
    public EventLogAssert hasEvent(Class<? extends LoadBalancerEvent> type, Duration within) {
        return hasEvent(type, e -> true, "", within);
    }

    /**
     * Checks an event of a type about a server occurs within a duration (or has occurred).
     *
     * @param type the event type
     * @param server the server's address
     * @param within how long to wait
     * @return this
     */
    public EventLogAssert hasEventFor(Class<? extends LoadBalancerEvent> type, InetSocketAddress server,
            Duration within) {
        Objects.requireNonNull(server, "server");
        return hasEvent(type, e -> EventLog.serverOf(e).filter(server::equals).isPresent(),
                " for server " + BackendServiceAssert.key(server), within);
    }

    /**
     * Checks an event of a type about a test server occurs within a duration (or has occurred).
     *
     * @param type the event type
     * @param server the test server
     * @param within how long to wait
     * @return this
     */
    public EventLogAssert hasEventFor(Class<? extends LoadBalancerEvent> type, TestServer server, Duration within) {
        return hasEventFor(type, server.address(), within);
    }

    /**
     * Checks an event of a type that matches occurs within a duration (or has occurred).
     *
     * @param type the event type
     * @param matching what it must satisfy
     * @param within how long to wait
     * @param <E> the type
     * @return this
     */
    public <E extends LoadBalancerEvent> EventLogAssert hasEventMatching(Class<E> type, Predicate<? super E> matching,
            Duration within) {
        return hasEvent(type, matching, " matching", within);
    }

    private <E extends LoadBalancerEvent> EventLogAssert hasEvent(Class<E> type, Predicate<? super E> matching,
            String what, Duration within) {
        isNotNull();
        Objects.requireNonNull(within, "within");
        Optional<E> found = actual.find(type, matching, within);
        if (found.isEmpty()) {
            failWithMessage("Expected a %s event%s within %d ms, but none came; the events recorded:%n%s",
                    type.getSimpleName(), what, within.toMillis(), actual.describe());
        }
        return this;
    }

    /**
     * Checks no event of a type has occurred so far.
     *
     * @param type the event type
     * @return this
     */
    public EventLogAssert hasNoEvent(Class<? extends LoadBalancerEvent> type) {
        isNotNull();
        if (!actual.ofType(type).isEmpty()) {
            failWithMessage("Expected no %s event, but there were %d; the events recorded:%n%s",
                    type.getSimpleName(), actual.ofType(type).size(), actual.describe());
        }
        return this;
    }
}
