package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Placement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class AvailabilityGroupTest extends GroupTestSupport {

    @Test
    void startLaunchesDesiredInstancesSpreadOverZones() {
        start(spec(launcher, Capacity.of(1, 5, 6), "az-a", "az-b", "az-c"));

        assertThat(group.instances()).extracting(InstanceInfo::id)
                .containsExactly("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(group.instances()).extracting(InstanceInfo::zone)
                .containsExactly("az-a", "az-b", "az-c", "az-a", "az-b");
        assertThat(group.instances()).allSatisfy(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.IN_SERVICE);
            assertThat(i.address()).contains(launcher.handles.get(i.id()).address());
        });
        assertThat(membership.registered).extracting(InstanceInfo::id)
                .containsExactlyInAnyOrder("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(membership.registered).allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.IN_SERVICE));
        assertThat(launcher.contexts).allSatisfy(c -> {
            assertThat(c.group()).isEqualTo("g");
            assertThat(c.host()).isEqualTo("127.0.0.1");
            assertThat(c.port()).isZero();
            assertThat(c.labels()).containsEntry("tier", "web");
        });
        assertThat(eventsOf(GroupEvent.Type.LAUNCHING)).containsExactly("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(eventsOf(GroupEvent.Type.IN_SERVICE)).containsExactlyInAnyOrder("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 5, 6));
    }

    @Test
    void instancesListenOnTheTemplatePortOrElseTheDefaultPort() {
        InstanceTemplate noPort = new InstanceTemplate("t", launcher, Optional.empty(), Map.of());
        start(new AvailabilityGroup("g", Placement.of("r", "v", "az-a"), noPort, Capacity.of(1, 1, 1)),
                options().defaultPort(9000).host("127.0.0.2"));
        assertThat(launcher.contexts).singleElement().satisfies(c -> {
            assertThat(c.port()).isEqualTo(9000);
            assertThat(c.host()).isEqualTo("127.0.0.2");
            assertThat(c.zone()).isEqualTo("az-a");
            assertThat(c.instanceId()).isEqualTo("g-1");
        });
    }

    @Test
    void scalingOutAndInKeepsZonesEvenAndDrainsBeforeTerminating() {
        membership.manual = true;
        start(spec(launcher, Capacity.of(1, 2, 6), "az-a", "az-b", "az-c"));
        assertThat(zoneCounts()).containsExactly(1, 1, 0);

        StepVerifier.create(group.setDesiredCapacity(6)).verifyComplete();
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-1", "g-2", "g-3", "g-4", "g-5", "g-6");
        assertThat(zoneCounts()).containsExactly(2, 2, 2);

        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete();
        // Each step takes the oldest instance of a fullest zone: g-1 (a), g-2 (b), g-3 (c: b and a have one
        // left), then g-4 (all even at one: the oldest).
        assertThat(ids(InstanceState.DRAINING)).containsExactly("g-1", "g-2", "g-3", "g-4");
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-5", "g-6");
        assertThat(spread(zoneCounts())).isLessThanOrEqualTo(1);
        assertThat(log).contains("deregister:g-1", "deregister:g-2", "deregister:g-3", "deregister:g-4");
        assertThat(log).noneMatch(e -> e.startsWith("close:"));

        membership.complete("g-2");
        awaitUntil(() -> log.contains("close:g-2"));
        assertThat(log).doesNotContain("close:g-1", "close:g-3", "close:g-4");
        awaitUntil(() -> !group.instances().stream().map(InstanceInfo::id).toList().contains("g-2"));
        assertThat(ids(InstanceState.DRAINING)).containsExactly("g-1", "g-3", "g-4");

        membership.completeAll();
        awaitUntil(() -> group.instances().size() == 2);
        for (String id : List.of("g-1", "g-2", "g-3", "g-4")) {
            assertThat(log.indexOf("deregister:" + id)).isNotNegative()
                    .isLessThan(log.indexOf("drained:" + id));
            assertThat(log.indexOf("drained:" + id)).isLessThan(log.indexOf("close:" + id));
            assertThat(indexOf(GroupEvent.Type.DRAINING, id)).isLessThan(indexOf(GroupEvent.Type.TERMINATED, id));
        }
        assertThat(launcher.handles.get("g-5").closed).isFalse();
        assertThat(launcher.handles.get("g-6").closed).isFalse();
    }

    @Test
    void zoneCountsStayWithinOneOverRandomScaling() {
        start(spec(launcher, Capacity.of(0, 0, 10), "az-a", "az-b", "az-c"));
        Random random = new Random(42);
        for (int step = 0; step < 25; step++) {
            int desired = random.nextInt(11);
            StepVerifier.create(group.setDesiredCapacity(desired)).verifyComplete();
            assertThat(spread(zoneCounts())).as("zones after scaling to %d: %s", desired, zoneCounts())
                    .isLessThanOrEqualTo(1);
            awaitUntil(() -> group.instances().size() == desired);
            assertThat(spread(zoneCounts())).isLessThanOrEqualTo(1);
            assertThat(launcher.maxLive.get()).isLessThanOrEqualTo(10);
        }
        // ids are never reused
        assertThat(launcher.contexts).extracting(InstanceContext::instanceId).doesNotHaveDuplicates();
    }

    @Test
    void capacityChangesAreValidatedAndApplied() {
        start(spec(launcher, Capacity.of(1, 2, 6), "az-a", "az-b"));

        StepVerifier.create(group.setDesiredCapacity(7)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("desired: 7 (expected: between min 1 and max 6)"));
        StepVerifier.create(group.setDesiredCapacity(0)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("desired: 0 (expected: between min 1 and max 6)"));
        StepVerifier.create(group.setCapacity(-1, 0, 0)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min: -1 (expected: at least 0)")
                .hasMessageContaining("max: 0 (expected: at least 1)"));
        StepVerifier.create(group.setCapacity(5, 5, 3)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity: min 5 > max 3 (expected: min <= desired <= max)"));
        StepVerifier.create(group.setCapacity(2, 5, 4)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("desired: 5 (expected: between min 2 and max 4)"));
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 2, 6));
        assertThat(group.instances()).hasSize(2);

        StepVerifier.create(group.setCapacity(2, 3, 4)).verifyComplete();
        assertThat(group.capacity()).isEqualTo(Capacity.of(2, 3, 4));
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(3);
        assertThat(events).filteredOn(e -> e.type() == GroupEvent.Type.CAPACITY_CHANGED).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("min 1, desired 2, max 6 -> min 2, desired 3, max 4"));
        // the new bounds apply from now on
        StepVerifier.create(group.setDesiredCapacity(5)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("desired: 5 (expected: between min 2 and max 4)"));
        StepVerifier.create(group.setDesiredCapacity(1)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("desired: 1 (expected: between min 2 and max 4)"));

        // lowering max below the running count scales in to the new desired
        StepVerifier.create(group.setCapacity(1, 1, 1)).verifyComplete();
        awaitUntil(() -> group.instances().size() == 1);
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(1);
    }

    @Test
    void startRejectsSpecsThatCannotRun() {
        assertThatThrownBy(() -> start(spec(launcher, Capacity.of(3, 2, 1), "az-a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity: min 3 > max 1 (expected: min <= desired <= max)");
        assertThatThrownBy(() -> start(spec(launcher, Capacity.of(1, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("placement.zones: [] (expected: at least one zone)");
        assertThatThrownBy(() -> options().launchRetry(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("launchRetryMax: 1s (expected: >= launchRetryBase 2s)");
        assertThatThrownBy(() -> options().defaultPort(70000))
                .hasMessageStartingWith("defaultPort: 70000 (expected: 0-65535");
    }

    @Test
    void stopDrainsThenTerminatesEveryInstanceAndCompletesTheEvents() {
        start(spec(launcher, Capacity.of(1, 3, 6), "az-a", "az-b"));
        List<String> all = List.of("g-1", "g-2", "g-3");

        StepVerifier.create(group.events().map(e -> e.type() + ":" + e.instanceId().orElse("-")))
                .then(() -> group.stop().subscribe())
                .expectNext("DRAINING:g-1", "DRAINING:g-2", "DRAINING:g-3")
                .recordWith(java.util.ArrayList::new)
                .expectNextCount(3)
                .consumeRecordedWith(terminated -> assertThat(terminated)
                        .containsExactlyInAnyOrder("TERMINATED:g-1", "TERMINATED:g-2", "TERMINATED:g-3"))
                .expectComplete()
                .verify(WAIT);

        StepVerifier.create(group.stop()).expectComplete().verify(WAIT);
        assertThat(group.instances()).isEmpty();
        for (String id : all) {
            assertThat(log.indexOf("deregister:" + id)).isNotNegative().isLessThan(log.indexOf("close:" + id));
            assertThat(launcher.handles.get(id).closed).isTrue();
        }
        StepVerifier.create(group.setDesiredCapacity(2)).verifyError(IllegalStateException.class);
        StepVerifier.create(group.events()).expectComplete().verify(WAIT);
    }

    @Test
    void stopTerminatesAnInstanceWhoseLaunchCompletesLater() {
        launcher.delay = Duration.ofSeconds(5);
        start(spec(launcher, Capacity.of(1, 1, 1), "az-a"));
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-1");

        var stopped = group.stop().toFuture();
        advance(Duration.ofSeconds(4));
        assertThat(stopped).isNotDone();
        assertThat(group.instances()).extracting(InstanceInfo::state).containsExactly(InstanceState.PENDING);

        advance(Duration.ofSeconds(1)); // the launch completes now: the instance is closed, never registered
        awaitUntil(stopped::isDone);
        assertThat(launcher.handles.get("g-1").closed).isTrue();
        assertThat(membership.registered).isEmpty();
        assertThat(eventTypes()).containsExactly(GroupEvent.Type.LAUNCHING, GroupEvent.Type.TERMINATED);
        assertThat(launcher.live.get()).isZero();
    }

    @Test
    void aPendingInstanceChosenForScaleInIsTerminatedWhenItsLaunchCompletes() {
        start(spec(launcher, Capacity.of(0, 1, 3), "az-a", "az-b"));
        launcher.delay = Duration.ofSeconds(5);
        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2");

        // scale back in: the oldest of the fullest zone goes, which is g-1 (az-a) here as zones are even
        StepVerifier.create(group.setDesiredCapacity(1)).verifyComplete();
        assertThat(eventsOf(GroupEvent.Type.DRAINING)).containsExactly("g-1");
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2");
        StepVerifier.create(group.setDesiredCapacity(0)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2"); // still launching: terminated once started
        advance(Duration.ofSeconds(5));
        awaitUntil(() -> group.instances().isEmpty());
        assertThat(membership.registered).extracting(InstanceInfo::id).containsExactly("g-1");
        assertThat(launcher.handles.get("g-2").closed).isTrue();
        assertThat(indexOf(GroupEvent.Type.IN_SERVICE, "g-2")).isEqualTo(-1);
        assertThat(indexOf(GroupEvent.Type.TERMINATED, "g-2")).isPositive();
    }
}
