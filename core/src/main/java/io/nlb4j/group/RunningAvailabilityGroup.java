package io.nlb4j.group;

import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An availability group being run by {@link AvailabilityGroups#start}: it keeps the desired number of
 * instances running, spread evenly over the group's zones, replaces instances the load balancer reports
 * unhealthy, and follows its target-tracking policy if it has one.
 *
 * <p>All state changes happen in the group's control context. The methods of this interface may be called
 * from any thread; the returned {@link Mono}s do nothing until subscribed, and fail with
 * {@link IllegalStateException} saying so once the group has stopped.
 *
 * <p>Counting against {@code max}: every instance that is not yet {@link InstanceState#TERMINATED terminated}
 * counts — pending (including a pending instance no longer wanted whose launch is still running), in service
 * and draining (for scale-in, replacement or stop). The group launches only while that count is below
 * {@code max}, so the instances it runs never exceed {@code max} (unless {@code max} is lowered below the
 * current count; then the excess drains and nothing is launched until the count is below the new maximum).
 * Counting against {@code desired}: pending and in-service instances that are not leaving; an instance being
 * replaced is leaving, so its replacement may exceed {@code desired} by one while it starts — never
 * {@code max}: at {@code max} the unhealthy instance is drained and terminated first.
 */
public interface RunningAvailabilityGroup {

    /**
     * Returns the specification the group was started with.
     *
     * @return the specification
     */
    AvailabilityGroup spec();

    /**
     * Returns the group's current capacity, which differs from the specification's after
     * {@link #setCapacity}, {@link #setDesiredCapacity} or target tracking.
     *
     * @return the current capacity
     */
    Capacity capacity();

    /**
     * Returns a snapshot of the group's instances, oldest first, excluding terminated ones.
     *
     * @return the instances
     */
    List<InstanceInfo> instances();

    /**
     * Waits until at least {@code count} instances are in service and healthy
     * ({@link InstanceInfo#servesTraffic()}).
     *
     * @param count the number of instances, at least 1
     * @return emits the instances that serve traffic once there are {@code count} of them; fails with
     *         {@link IllegalStateException} if the group stops first
     */
    Mono<List<InstanceInfo>> awaitServing(int count);

    /**
     * Changes the desired capacity. The group then launches or drains instances to reach it.
     *
     * @param desired the number of instances to run, between the current min and max
     * @return a Mono completing once the change has been applied (not once the instances have started or
     *         stopped); it fails with {@link io.nlb4j.model.SpecValidationException}
     *         ({@code desired: 7 (expected: between min 1 and max 6)}) if the value is out of range, and with
     *         {@link IllegalStateException} if the group is stopping
     */
    Mono<Void> setDesiredCapacity(int desired);

    /**
     * Changes the whole capacity. The group then launches or drains instances to reach the new desired
     * capacity; the target-tracking policy stays within the new min and max.
     *
     * @param min the fewest instances, at least 0
     * @param desired the number of instances to run, between min and max
     * @param max the most instances, at least 1
     * @return a Mono completing once the change has been applied; it fails with
     *         {@link io.nlb4j.model.SpecValidationException} naming every wrong field, its value and what was
     *         expected, and with {@link IllegalStateException} if the group is stopping
     */
    Mono<Void> setCapacity(int min, int desired, int max);

    /**
     * Holds the group as it is: while held it launches, scales, replaces and terminates nothing (a capacity set
     * meanwhile is applied when it is released); its instances go on serving and their health is still recorded.
     * A node that cannot reach the registry of the nodes it shares the group with holds it, since it cannot know
     * whether another node runs it. Holding a held group changes nothing.
     *
     * @return a Mono completing once the group is held; it fails with {@link IllegalStateException} if the group
     *         is stopping
     */
    Mono<Void> hold();

    /**
     * Releases a held group: it brings its instances to the desired capacity again.
     *
     * @return a Mono completing once the group is released; it fails with {@link IllegalStateException} if the
     *         group is stopping
     */
    Mono<Void> release();

    /**
     * Tells whether the group is held ({@link #hold()}).
     *
     * @return whether it is
     */
    boolean isHeld();

    /**
     * Returns the group's events. The flux is hot: a subscriber sees the events that happen after it
     * subscribes. Each subscriber has a buffer of {@value GroupOptions#EVENT_BUFFER_SIZE} events; when a slow
     * subscriber's buffer is full the oldest event is dropped (and counted by {@link #droppedEvents()}), so a
     * subscriber never slows the group down. The flux completes once the group has stopped, after its
     * {@link GroupEvent.Stopped} event. To see the events
     * of the first launches, set {@link GroupOptions.Builder#eventListener}.
     *
     * @return the events
     */
    Flux<GroupEvent> events();

    /**
     * Returns how many events were dropped because a subscriber of {@link #events()} was too slow.
     *
     * @return the number of dropped events, over all subscribers
     */
    long droppedEvents();

    /**
     * Reports the load balancer's health checks of an in-service instance. It becomes the instance's
     * {@link InstanceInfo#health()}. An instance reported unhealthy continuously for longer than the
     * specification's {@link AvailabilityGroup#replaceUnhealthyAfter() replaceUnhealthyAfter} is replaced: a new
     * instance is launched in the same zone, and once it is in service (with a membership that
     * {@linkplain GroupMembership#reportsHealth() reports health}: once it is healthy) the old one drains and
     * is terminated. Reporting the instance healthy before then cancels the replacement; once it has begun, it
     * goes on. May be called from any thread; reports about unknown or not in-service instances are ignored.
     *
     * @param instanceId the instance
     * @param health what its health check says
     */
    void reportHealth(String instanceId, HealthStatus health);

    /**
     * Stops the group: no more launches or scaling; launches under way are stopped (at once with the standard
     * starter; with another, the instance is terminated as soon as its launch completes); every in-service
     * instance is deregistered (drains) and then terminated. A {@link GroupEvent.Stopping} event counts, when the
     * stop begins, every instance it is to terminate (in service, draining and launching); the last event,
     * {@link GroupEvent.Stopped}, how many it terminated. Calling it again returns the same completion.
     *
     * @return a Mono completing once every instance is terminated and the event flux has completed
     */
    Mono<Void> stop();

    /**
     * Completes when the group has stopped, however it was stopped.
     *
     * @return the stop signal
     */
    Mono<Void> onStopped();
}
