package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.Capacity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LaunchRetryTest extends GroupTestSupport {

    private static final long S = 1_000_000_000L;

    @Test
    void failedLaunchesAreRetriedWithExponentialBackOff() {
        launcher.failuresLeft.set(3);
        start(spec(Capacity.of(0, 1, 1), "az-a"));
        assertThat(idsOf(GroupEvent.LaunchFailed.class)).containsExactly("g-1");

        advance(Duration.ofMillis(999));
        assertThat(launcher.attemptNanos).hasSize(1);
        advance(Duration.ofMillis(1)); // t = 1s
        assertThat(launcher.attemptNanos).hasSize(2);
        advance(Duration.ofMillis(1999));
        assertThat(launcher.attemptNanos).hasSize(2);
        advance(Duration.ofMillis(1)); // t = 3s
        assertThat(launcher.attemptNanos).hasSize(3);
        advance(Duration.ofMillis(3999));
        assertThat(launcher.attemptNanos).hasSize(3);
        advance(Duration.ofMillis(1)); // t = 7s
        assertThat(launcher.attemptNanos).containsExactly(0L, 1 * S, 3 * S, 7 * S);

        assertThat(eventsOf(GroupEvent.LaunchFailed.class))
                .extracting(f -> f.instance(), f -> f.cause().getMessage(), f -> f.consecutiveFailures(), f -> f.retryIn())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("g-1", "simulated failure of g-1", 1,
                                java.util.Optional.of(Duration.ofSeconds(1))),
                        org.assertj.core.groups.Tuple.tuple("g-2", "simulated failure of g-2", 2,
                                java.util.Optional.of(Duration.ofSeconds(2))),
                        org.assertj.core.groups.Tuple.tuple("g-3", "simulated failure of g-3", 3,
                                java.util.Optional.of(Duration.ofSeconds(4))));
        assertThat(group.instances()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("g-4");
            assertThat(i.state()).isEqualTo(InstanceState.IN_SERVICE);
        });
        assertThat(eventTypes()).containsExactly(
                GroupEvent.Launching.class, GroupEvent.LaunchFailed.class,
                GroupEvent.Launching.class, GroupEvent.LaunchFailed.class,
                GroupEvent.Launching.class, GroupEvent.LaunchFailed.class,
                GroupEvent.Launching.class, GroupEvent.InService.class);
        assertThat(launcher.maxLive.get()).isEqualTo(1);

        // a success resets the back-off: the next failure waits the base delay again
        launcher.failuresLeft.set(1);
        StepVerifier.create(group.setCapacity(1, 2, 2)).verifyComplete();
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(GroupEvent.LaunchFailed.class, f -> {
            assertThat(f.consecutiveFailures()).isEqualTo(1);
            assertThat(f.retryIn()).contains(Duration.ofSeconds(1));
        });
        advance(Duration.ofSeconds(1));
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-4", "g-6");
    }

    @Test
    void backOffIsCappedAtTheMaximum() {
        launcher.failuresLeft.set(6);
        start(spec(Capacity.of(0, 1, 1), "az-a"),
                options().launchRetry(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        advance(Duration.ofMinutes(1));
        assertThat(launcher.attemptNanos).containsExactly(0L, 1 * S, 3 * S, 7 * S, 12 * S, 17 * S, 22 * S);
        assertThat(ids(InstanceState.IN_SERVICE)).containsExactly("g-7");
    }

    @Test
    void neverMoreLiveInstancesThanMaxWhileLaunchesFail() {
        start(spec(Capacity.of(0, 0, 3), "az-a", "az-b"));
        launcher.failuresLeft.set(7);
        launcher.delay = Duration.ofMillis(700); // launches overlap with each other and with the retries
        StepVerifier.create(group.setCapacity(2, 3, 3)).verifyComplete();
        for (int i = 0; i < 600; i++) {
            advance(Duration.ofMillis(100));
            assertThat(group.instances().size()).isLessThanOrEqualTo(3);
        }
        assertThat(idsOf(GroupEvent.LaunchFailed.class)).hasSize(7);
        assertThat(ids(InstanceState.IN_SERVICE)).hasSize(3);
        assertThat(launcher.maxLive.get()).isLessThanOrEqualTo(3);
        List<Integer> counts = zoneCounts();
        assertThat(spread(counts)).isLessThanOrEqualTo(1);
    }
}
