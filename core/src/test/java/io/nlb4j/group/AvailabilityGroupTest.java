package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.SpecValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class AvailabilityGroupTest extends GroupTestSupport {

    @Test
    void startLaunchesDesiredInstancesSpreadOverZones() {
        start(spec(Capacity.of(1, 5, 6), "az-a", "az-b", "az-c"));

        assertThat(group.instances()).extracting(InstanceInfo::id)
                .containsExactly("g-1", "g-2", "g-3", "g-4", "g-5");
        assertThat(group.instances()).extracting(InstanceInfo::zone)
                .containsExactly("az-a", "az-b", "az-c", "az-a", "az-b");
        assertThat(group.instances()).allSatisfy(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.IN_SERVICE);
            assertThat(i.health()).isEqualTo(HealthStatus.HEALTHY); // the membership reports no health
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
        assertThat(eventsOf(GroupEvent.Launching.class)).extracting(GroupEvent.Launching::instance, GroupEvent.Launching::zone)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("g-1", "az-a"),
                        org.assertj.core.groups.Tuple.tuple("g-2", "az-b"),
                        org.assertj.core.groups.Tuple.tuple("g-3", "az-c"),
                        org.assertj.core.groups.Tuple.tuple("g-4", "az-a"),
                        org.assertj.core.groups.Tuple.tuple("g-5", "az-b"));
        assertThat(eventsOf(GroupEvent.InService.class)).extracting(GroupEvent.InService::address)
                .containsExactlyInAnyOrderElementsOf(launcher.handles.values().stream().map(h -> h.address).toList());
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 5, 6));
    }

    @Test
    void aHeldGroupLaunchesAndDrainsNothingUntilReleased() {
        start(spec(Capacity.of(1, 2, 6), "az-a"));
        StepVerifier.create(group.hold()).verifyComplete();
        assertThat(group.isHeld()).isTrue();

        // Capacity changes are recorded, not acted on.
        StepVerifier.create(group.setDesiredCapacity(4)).verifyComplete();
        StepVerifier.create(group.setDesiredCapacity(1)).verifyComplete();
        StepVerifier.create(group.setDesiredCapacity(3)).verifyComplete();
        assertThat(group.capacity().desired()).isEqualTo(3);
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-1", "g-2");
        assertThat(eventsOf(GroupEvent.Launching.class)).hasSize(2);
        assertThat(eventsOf(GroupEvent.Draining.class)).isEmpty();

        // Released, it reaches the capacity set meanwhile.
        StepVerifier.create(group.release()).verifyComplete();
        assertThat(group.isHeld()).isFalse();
        awaitUntil(() -> ids(InstanceState.IN_SERVICE).size() == 3);
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-1", "g-2", "g-3");
        assertThat(eventsOf(GroupEvent.Draining.class)).isEmpty();
    }

    @Test
    void instancesListenOnTheTemplatePortOrElseTheDefaultPort() {
        AvailabilityGroup noPort = AvailabilityGroup.builder("g").region("r").vpc("v").zones("az-a")
                .template(InstanceTemplate.builder("t").launcher(UNUSED)).build();
        start(noPort, options().defaultPort(9000).host("127.0.0.2"));
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
        start(spec(Capacity.of(1, 2, 6), "az-a", "az-b", "az-c"));
        assertThat(zoneCounts()).containsExactly(1, 1, 0);

        StepVerifier.create(group.setDesiredCapacity(6)).verifyComplete();
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-1", "g-2", "g-3", "g-4", "g-5", "g-6");
        assertThat(zoneCounts()).containsExactly(2, 2, 2);

        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete();
        // Each step takes the oldest instance of a fullest zone: g-1 (a), g-2 (b), g-3 (c: b and a have one
        // left), then g-4 (all even at one: the oldest).
        assertThat(ids(InstanceState.DRAINING)).containsExactly("g-1", "g-2", "g-3", "g-4");
        assertThat(eventsOf(GroupEvent.Draining.class)).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(GroupEvent.DrainReason.SCALE_IN);
            assertThat(d.detail()).isEqualTo("desired 2");
        });
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
            assertThat(indexOf(GroupEvent.Draining.class, id)).isLessThan(indexOf(GroupEvent.Terminated.class, id));
        }
        assertThat(launcher.handles.get("g-5").closed).isFalse();
        assertThat(launcher.handles.get("g-6").closed).isFalse();
    }

    @Test
    void zoneCountsStayWithinOneOverRandomScaling() {
        start(spec(Capacity.of(0, 0, 10), "az-a", "az-b", "az-c"));
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
    void capacityChangesAreValidatedByTheModelsRulesAndApplied() {
        start(spec(Capacity.of(1, 2, 6), "az-a", "az-b"));

        StepVerifier.create(group.setDesiredCapacity(7)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid capacity: desired: 7 (expected: between min 1 and max 6)"));
        StepVerifier.create(group.setDesiredCapacity(0)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("invalid capacity: desired: 0 (expected: between min 1 and max 6)"));
        StepVerifier.create(group.setCapacity(-1, 0, 0)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOfSatisfying(SpecValidationException.class, v -> assertThat(v.violations())
                        .extracting(Object::toString)
                        .containsExactly("min: -1 (expected: at least 0)", "max: 0 (expected: at least 1)")));
        StepVerifier.create(group.setCapacity(5, 5, 3)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("invalid capacity: min 5 > max 3 (expected: min <= desired <= max)"));
        StepVerifier.create(group.setCapacity(2, 5, 4)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("invalid capacity: desired: 5 (expected: between min 2 and max 4)"));
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 2, 6));
        assertThat(group.instances()).hasSize(2);

        StepVerifier.create(group.setCapacity(2, 3, 4)).verifyComplete();
        assertThat(group.capacity()).isEqualTo(Capacity.of(2, 3, 4));
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(3);
        assertThat(eventsOf(GroupEvent.CapacityChanged.class)).singleElement().satisfies(e -> {
            assertThat(e.previous()).isEqualTo(Capacity.of(1, 2, 6));
            assertThat(e.current()).isEqualTo(Capacity.of(2, 3, 4));
            assertThat(e.cause()).isEqualTo(GroupEvent.CapacityCause.USER);
        });
        // the new bounds apply from now on
        StepVerifier.create(group.setDesiredCapacity(5)).verifyErrorSatisfies(e -> assertThat(e)
                .hasMessage("invalid capacity: desired: 5 (expected: between min 2 and max 4)"));

        // lowering max below the running count scales in to the new desired
        StepVerifier.create(group.setCapacity(1, 1, 1)).verifyComplete();
        awaitUntil(() -> group.instances().size() == 1);
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(1);
    }

    @Test
    void optionsRejectValuesThatCannotRun() {
        assertThatThrownBy(() -> options().launchRetry(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("launchRetryMax: 1s (expected: at least launchRetryBase 2s and at most 365d)");
        assertThatThrownBy(() -> options().defaultPort(70000))
                .hasMessageStartingWith("defaultPort: 70000 (expected: 0-65535");
        assertThatThrownBy(() -> options().reconcileInterval(Duration.ZERO))
                .hasMessage("reconcileInterval: 0s (expected: a positive duration of at most 365d)");
        // Beyond the model's maximum, a duration could not be scheduled: refused as it is set.
        assertThatThrownBy(() -> options().startTimeout(Duration.ofDays(1_000_000)))
                .hasMessage("startTimeout: 1000000d (expected: a positive duration of at most 365d)");
        assertThatThrownBy(() -> options().launchRetry(Duration.ofSeconds(1), Duration.ofDays(400)))
                .hasMessage("launchRetryMax: 400d (expected: at least launchRetryBase 1s and at most 365d)");
    }

    @Test
    void aGroupThatCannotReachItsMinimumFailsToStartWithTheLaunchErrorsAndLeavesNothingRunning() {
        launcher.failuresLeft.set(2); // g-1 fails, g-2 fails, g-3 would start
        AvailabilityGroup spec = spec(Capacity.of(2, 3, 3), "az-a", "az-b");
        assertThatThrownBy(() -> start(spec))
                .isInstanceOfSatisfying(GroupStartException.class, e -> {
                    assertThat(e).hasMessageStartingWith("availability group \"g\" could not start: 1 of its"
                            + " minimum 2 instances in service; 2 of 3 launches failed: ");
                    assertThat(e.launchErrors()).extracting(Throwable::getMessage)
                            .containsExactly("simulated failure of g-1", "simulated failure of g-2");
                });
        // the instance that did start was terminated before the start failed
        assertThat(launcher.handles.get("g-3").closed).isTrue();
        assertThat(launcher.live.get()).isZero();
        assertThat(idsOf(GroupEvent.Terminated.class)).contains("g-3");
    }

    @Test
    void aGroupThatReachesItsMinimumStartsAndRelaunchesTheFailedSlot() {
        launcher.failuresLeft.set(1); // g-1 fails; g-2 starts, which ends the back-off: g-3 is launched at once
        start(spec(Capacity.of(1, 2, 2), "az-a", "az-b"));
        assertThat(idsOf(GroupEvent.LaunchFailed.class)).containsExactly("g-1");
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-2", "g-3");
        assertThat(launcher.attemptNanos).containsOnly(0L);
    }

    @Test
    void cancellingAStartTerminatesAnInstanceWhoseLaunchCompletesLater() {
        launcher.delay = Duration.ofSeconds(5);
        Disposable starting = AvailabilityGroups.start(spec(Capacity.of(1, 1, 1), "az-a"), membership,
                options().build()).subscribe();
        assertThat(log).containsExactly("launch:g-1");
        starting.dispose();
        advance(Duration.ofSeconds(5)); // the launch completes now: the instance is closed, never registered
        awaitUntil(() -> launcher.handles.containsKey("g-1") && launcher.handles.get("g-1").closed);
        assertThat(membership.registered).isEmpty();
        assertThat(eventTypes()).containsExactly(GroupEvent.Launching.class, GroupEvent.Stopping.class,
                GroupEvent.Terminated.class, GroupEvent.Stopped.class);
        assertThat(eventsOf(GroupEvent.Stopping.class)).singleElement()
                .satisfies(e -> assertThat(e.launching()).isEqualTo(1));
        assertThat(eventsOf(GroupEvent.Stopped.class)).singleElement()
                .satisfies(e -> assertThat(e.terminated()).isEqualTo(1));
        assertThat(launcher.live.get()).isZero();
    }

    @Test
    void awaitServingCompletesOnceEnoughInstancesAreHealthy() {
        membership.reportsHealth = true;
        start(spec(Capacity.of(0, 2, 3), "az-a", "az-b"));
        assertThat(group.instances()).extracting(InstanceInfo::health)
                .containsExactly(HealthStatus.PENDING, HealthStatus.PENDING);
        CompletableFuture<List<InstanceInfo>> two = group.awaitServing(2).toFuture();
        group.reportHealth("g-1", HealthStatus.HEALTHY);
        assertThat(two).isNotDone();
        group.reportHealth("g-2", HealthStatus.UNHEALTHY);
        assertThat(two).isNotDone();
        group.reportHealth("g-2", HealthStatus.HEALTHY);
        assertThat(two).isCompletedWithValueMatching(list -> list.stream().map(InstanceInfo::id).toList()
                .equals(List.of("g-1", "g-2")));
        assertThat(group.instances()).allMatch(InstanceInfo::servesTraffic);

        CompletableFuture<List<InstanceInfo>> three = group.awaitServing(3).toFuture();
        group.stop().block(WAIT);
        assertThat(three).isCompletedExceptionally();
        assertThatThrownBy(three::join).hasMessageContaining("availability group \"g\" stopped before 3 instances"
                + " served traffic");
    }

    @Test
    void stopDrainsThenTerminatesEveryInstanceAndCompletesTheEvents() {
        start(spec(Capacity.of(1, 3, 6), "az-a", "az-b"));
        List<String> all = List.of("g-1", "g-2", "g-3");

        StepVerifier.create(group.events().map(e -> e.getClass().getSimpleName() + ":" + e.instanceId().orElse("-")))
                .then(() -> group.stop().subscribe())
                .expectNext("Stopping:-", "Draining:g-1", "Draining:g-2", "Draining:g-3")
                .recordWith(java.util.ArrayList::new)
                .expectNextCount(3)
                .consumeRecordedWith(terminated -> assertThat(terminated)
                        .containsExactlyInAnyOrder("Terminated:g-1", "Terminated:g-2", "Terminated:g-3"))
                .expectNext("Stopped:-")
                .expectComplete()
                .verify(WAIT);

        StepVerifier.create(group.stop()).expectComplete().verify(WAIT);
        assertThat(group.instances()).isEmpty();
        for (String id : all) {
            assertThat(log.indexOf("deregister:" + id)).isNotNegative().isLessThan(log.indexOf("close:" + id));
            assertThat(launcher.handles.get(id).closed).isTrue();
        }
        StepVerifier.create(group.setDesiredCapacity(2)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("availability group \"g\" is stopped (expected: a running availability group)"));
        StepVerifier.create(group.events()).expectComplete().verify(WAIT);
    }

    @Test
    void aGroupWithAContextOfItsOwnDisposesItAtStop() {
        GroupOptions own = GroupOptions.builder().starter(launcher).build();
        group = AvailabilityGroups.startNow(spec(Capacity.of(1, 1, 1), "az-a"), membership, own);
        awaitUntil(() -> ids(InstanceState.IN_SERVICE).size() == 1);
        group.stop().block(WAIT);
        StepVerifier.create(group.setDesiredCapacity(1)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("availability group \"g\" is stopped (expected: a running availability group)"));
        awaitUntil(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("nlb4j-group-g")));
    }

    @Test
    void stopTerminatesAnInstanceWhoseLaunchCompletesLater() {
        start(spec(Capacity.of(0, 0, 1), "az-a"));
        launcher.delay = Duration.ofSeconds(5);
        StepVerifier.create(group.setDesiredCapacity(1)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-1");

        var stopped = group.stop().toFuture();
        advance(Duration.ofSeconds(4));
        assertThat(stopped).isNotDone();
        assertThat(group.instances()).extracting(InstanceInfo::state).containsExactly(InstanceState.PENDING);

        advance(Duration.ofSeconds(1)); // the launch completes now: the instance is closed, never registered
        awaitUntil(stopped::isDone);
        assertThat(launcher.handles.get("g-1").closed).isTrue();
        assertThat(membership.registered).isEmpty();
        assertThat(eventTypes()).containsExactly(GroupEvent.CapacityChanged.class, GroupEvent.Launching.class,
                GroupEvent.Stopping.class, GroupEvent.Terminated.class, GroupEvent.Stopped.class);
        assertThat(launcher.live.get()).isZero();
    }

    @Test
    void aPendingInstanceChosenForScaleInIsTerminatedWhenItsLaunchCompletes() {
        start(spec(Capacity.of(0, 1, 3), "az-a", "az-b"));
        launcher.delay = Duration.ofSeconds(5);
        StepVerifier.create(group.setDesiredCapacity(2)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2");

        // scale back in: the oldest of the fullest zone goes, which is g-1 (az-a) here as zones are even
        StepVerifier.create(group.setDesiredCapacity(1)).verifyComplete();
        assertThat(idsOf(GroupEvent.Draining.class)).containsExactly("g-1");
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2");
        StepVerifier.create(group.setDesiredCapacity(0)).verifyComplete();
        assertThat(ids(InstanceState.PENDING)).containsExactly("g-2"); // still launching: terminated once started
        advance(Duration.ofSeconds(5));
        awaitUntil(() -> group.instances().isEmpty());
        assertThat(membership.registered).extracting(InstanceInfo::id).containsExactly("g-1");
        assertThat(launcher.handles.get("g-2").closed).isTrue();
        assertThat(indexOf(GroupEvent.InService.class, "g-2")).isEqualTo(-1);
        assertThat(indexOf(GroupEvent.Terminated.class, "g-2")).isPositive();
    }
}
