package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/** How a group stops: what it terminates, what it reports, and how a cancelled start stops it. */
class GroupStopTest extends GroupTestSupport {

    @Test
    void theStopCountsAndTerminatesEveryInstanceItHasLaunchingAndDrainingOnesIncluded() {
        membership.manual = true;
        start(spec(Capacity.of(0, 3, 6), "az-a", "az-b"));
        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete(); // g-1 drains, held by the membership
        assertThat(ids(InstanceState.DRAINING)).containsExactly("g-1");
        launcher.delay = Duration.ofSeconds(30);
        StepVerifier.create(group.setDesiredCapacity(4)).verifyComplete(); // g-4 and g-5 launching
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-4", "g-5");

        var stopped = group.stop().toFuture();
        assertThat(eventsOf(GroupEvent.Stopping.class)).singleElement().satisfies(e -> {
            assertThat(e.inService()).isEqualTo(2);
            assertThat(e.draining()).isEqualTo(1);
            assertThat(e.launching()).isEqualTo(2);
            assertThat(e.instances()).isEqualTo(5);
            assertThat(e.description())
                    .isEqualTo("stopping: terminating 5 instances (2 in service, 1 draining, 2 launching)");
        });
        membership.completeAll();
        advance(Duration.ofSeconds(30)); // the launches complete; their instances are terminated at once
        awaitUntil(stopped::isDone);

        assertThat(launcher.live.get()).isZero();
        assertThat(idsOf(GroupEvent.Terminated.class)).containsExactlyInAnyOrder("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(GroupEvent.Stopped.class, e -> {
            assertThat(e.terminated()).isEqualTo(5);
            assertThat(e.description()).isEqualTo("stopped: 5 instances terminated");
        });
        assertThat(logs.messages()).contains(
                "availability group g: stopping: terminating 5 instances (2 in service, 1 draining, 2 launching)",
                "availability group g: stopped: 5 instances terminated");
    }

    @Test
    void aStopDoesNotWaitForLaunchesThatCanBeStopped() {
        start(spec(Capacity.of(0, 1, 3), "az-a"));
        launcher.honorsAbort = true;
        launcher.delay = Duration.ofMinutes(10); // as a process whose ready timeout is far away
        StepVerifier.create(group.setDesiredCapacity(3)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2", "g-3");

        // no virtual time passes: the stop completes without the launches' ten minutes
        StepVerifier.create(group.stop()).expectComplete().verify(WAIT);
        assertThat(launcher.aborted).containsExactlyInAnyOrder("g-2", "g-3");
        assertThat(launcher.live.get()).isZero();
        assertThat(eventsOf(GroupEvent.LaunchFailed.class)).isEmpty(); // a stopped launch is no failure
        assertThat(idsOf(GroupEvent.Terminated.class)).containsExactlyInAnyOrder("g-1", "g-2", "g-3");
        assertThat(eventsOf(GroupEvent.Stopped.class)).singleElement()
                .satisfies(e -> assertThat(e.terminated()).isEqualTo(3));
        assertThat(logs.at(org.slf4j.event.Level.WARN)).isEmpty();
    }

    @Test
    void aPendingInstanceScaledInHasItsLaunchStopped() {
        start(spec(Capacity.of(0, 1, 3), "az-a"));
        launcher.honorsAbort = true;
        launcher.delay = Duration.ofMinutes(10);
        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2");
        StepVerifier.create(group.setDesiredCapacity(0)).verifyComplete();
        awaitUntil(() -> group.instances().isEmpty());
        assertThat(launcher.aborted).containsExactly("g-2");
        assertThat(eventsOf(GroupEvent.LaunchFailed.class)).isEmpty();
        assertThat(idsOf(GroupEvent.Terminated.class)).containsExactlyInAnyOrder("g-1", "g-2");
        assertThat(launcher.live.get()).isZero();
    }

    @Test
    void aStartCancelledWhileBeingSubscribedStopsWhatItLaunched() {
        AvailabilityGroup spec = spec(Capacity.of(1, 2, 2), "az-a", "az-b");
        AtomicReference<Object> received = new AtomicReference<>();
        // Cancels before the group's first task has even run (as a cancellation from another thread may).
        AvailabilityGroups.start(spec, membership, options().build()).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                cancel();
            }

            @Override
            protected void hookOnNext(RunningAvailabilityGroup value) {
                received.set(value);
            }
        });
        awaitUntil(() -> !eventsOf(GroupEvent.Stopped.class).isEmpty());
        assertThat(received.get()).isNull();
        assertThat(launcher.live.get()).isZero();
        assertThat(launcher.handles.values()).allMatch(h -> h.closed);
        assertThat(membership.registered.size()).isEqualTo(membership.deregistered.size());
    }

    @Test
    void aStartCancelledWhileLaunchingStopsTheLaunchesAtOnce() {
        launcher.honorsAbort = true;
        launcher.delay = Duration.ofMinutes(10);
        var starting = AvailabilityGroups.start(spec(Capacity.of(2, 2, 2), "az-a"), membership, options().build())
                .subscribe();
        assertThat(log).containsExactly("launch:g-1", "launch:g-2");
        starting.dispose();
        awaitUntil(() -> !eventsOf(GroupEvent.Stopped.class).isEmpty());
        assertThat(launcher.aborted).containsExactlyInAnyOrder("g-1", "g-2");
        assertThat(launcher.live.get()).isZero();
        assertThat(eventsOf(GroupEvent.Stopped.class)).singleElement()
                .satisfies(e -> assertThat(e.terminated()).isEqualTo(2));
    }
}
