package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Capacity;
import io.nlb4j.model.TargetTracking;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TargetTrackingTest extends GroupTestSupport {

    private final AtomicInteger connections = new AtomicInteger();

    @Test
    void scalesOutUnderLoadAndBackInAfterwardsRespectingCooldownsAndBounds() {
        TargetTracking policy = TargetTracking.activeConnectionsPerInstance(10)
                .cooldowns(Duration.ofSeconds(30), Duration.ofSeconds(120));
        start(spec(Capacity.of(1, 1, 4), policy, Duration.ofSeconds(60), "az-a", "az-b"),
                options().activeConnections(connections::get));

        connections.set(25); // 3 instances wanted
        advance(Duration.ofSeconds(1));
        assertThat(group.capacity().desired()).isEqualTo(3);
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(3);
        assertThat(eventsOf(GroupEvent.Scaling.class)).singleElement().satisfies(e -> {
            assertThat(e.activeConnections()).isEqualTo(25);
            assertThat(e.inService()).isEqualTo(1);
            assertThat(e.target()).isEqualTo(10);
            assertThat(e.desiredBefore()).isEqualTo(1);
            assertThat(e.desiredAfter()).isEqualTo(3);
        });

        connections.set(1000); // 100 wanted, clamped to max 4; scale-out cooldown until t = 31s
        advance(Duration.ofSeconds(29));
        assertThat(group.capacity().desired()).isEqualTo(3);
        advance(Duration.ofSeconds(1));
        assertThat(group.capacity().desired()).isEqualTo(4);
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(4);
        advance(Duration.ofSeconds(60));
        assertThat(group.capacity().desired()).isEqualTo(4);

        connections.set(0); // load ends: min 1 wanted; no scaling within 120s of the last one (t = 31s)
        advance(Duration.ofSeconds(59)); // t = 150s
        assertThat(group.capacity().desired()).isEqualTo(4);
        advance(Duration.ofSeconds(1)); // t = 151s
        assertThat(group.capacity().desired()).isEqualTo(1);
        awaitUntil(() -> group.instances().size() == 1);
        assertThat(eventsOf(GroupEvent.Scaling.class))
                .extracting(e -> e.scaleOut(), e -> e.activeConnections(), e -> e.desiredBefore(), e -> e.desiredAfter())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(true, 25L, 1, 3),
                        org.assertj.core.groups.Tuple.tuple(true, 1000L, 3, 4),
                        org.assertj.core.groups.Tuple.tuple(false, 0L, 4, 1));
        assertThat(eventsOf(GroupEvent.CapacityChanged.class)).extracting(GroupEvent.CapacityChanged::cause)
                .containsOnly(GroupEvent.CapacityCause.TARGET_TRACKING);
        assertThat(launcher.maxLive.get()).isEqualTo(4);
        assertThat(spread(zoneCounts())).isLessThanOrEqualTo(1);
    }

    @Test
    void scaleInWaitsForTheCooldownAfterAnyScalingAndStaysAboveMin() {
        TargetTracking policy = TargetTracking.activeConnectionsPerInstance(10)
                .cooldowns(Duration.ofSeconds(30), Duration.ofSeconds(120));
        start(spec(Capacity.of(2, 4, 6), policy, Duration.ofSeconds(60), "az-a", "az-b"),
                options().activeConnections(connections::get));
        // no load from the start, but the group's start counts as scaling: no scale-in before t = 120s
        advance(Duration.ofSeconds(119));
        assertThat(group.capacity().desired()).isEqualTo(4);
        advance(Duration.ofSeconds(1));
        assertThat(group.capacity().desired()).isEqualTo(2);
        awaitUntil(() -> group.instances().size() == 2); // the two drained instances are terminated

        // a manual change also restarts the scale-in cooldown
        StepVerifier.create(group.setCapacity(1, 3, 3)).verifyComplete();
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(3);
        advance(Duration.ofSeconds(119));
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 3, 3));
        advance(Duration.ofSeconds(1));
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 1, 3));
        awaitUntil(() -> group.instances().size() == 1);

        // scale-out is clamped to the new max
        connections.set(500);
        advance(Duration.ofSeconds(1));
        assertThat(group.capacity()).isEqualTo(Capacity.of(1, 3, 3));
        awaitUntil(() -> ids(InstanceState.IN_SERVICE).size() == 3 && group.instances().size() == 3);
    }
}
