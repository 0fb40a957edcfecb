package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.group.GroupEvent.Draining;
import io.nlb4j.group.GroupEvent.InService;
import io.nlb4j.group.GroupEvent.Launching;
import io.nlb4j.group.GroupEvent.Replacing;
import io.nlb4j.group.GroupEvent.Terminated;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.Capacity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplacementTest extends GroupTestSupport {

    @Test
    void anInstanceUnhealthyForTooLongIsReplacedNewFirst() {
        start(spec(Capacity.of(1, 2, 3), null, Duration.ofSeconds(10), "az-a", "az-b"));
        launcher.delay = Duration.ofSeconds(2);
        group.reportHealth("g-1", HealthStatus.UNHEALTHY);

        advance(Duration.ofSeconds(10)); // unhealthy for exactly 10s: not longer than the limit yet
        assertThat(idsOf(Replacing.class)).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(idsOf(Replacing.class)).containsExactly("g-1");
        assertThat(group.instances()).extracting(InstanceInfo::id, InstanceInfo::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("g-1", InstanceState.IN_SERVICE),
                org.assertj.core.groups.Tuple.tuple("g-2", InstanceState.IN_SERVICE),
                org.assertj.core.groups.Tuple.tuple("g-3", InstanceState.PENDING));
        assertThat(launcher.contexts.get(2).zone()).isEqualTo("az-a");

        advance(Duration.ofSeconds(2)); // the replacement is in service: now the old one drains
        awaitUntil(() -> indexOf(Terminated.class, "g-1") >= 0);
        assertThat(indexOf(Replacing.class, "g-1"))
                .isLessThan(indexOf(Launching.class, "g-3"));
        assertThat(indexOf(Launching.class, "g-3")).isLessThan(indexOf(InService.class, "g-3"));
        assertThat(indexOf(InService.class, "g-3")).isLessThan(indexOf(Draining.class, "g-1"));
        assertThat(indexOf(Draining.class, "g-1")).isLessThan(indexOf(Terminated.class, "g-1"));
        assertThat(log.indexOf("register:g-3")).isLessThan(log.indexOf("deregister:g-1"));
        assertThat(log.indexOf("deregister:g-1")).isLessThan(log.indexOf("close:g-1"));
        assertThat(group.instances()).extracting(InstanceInfo::id).containsExactly("g-2", "g-3");
        assertThat(zoneCounts()).containsExactly(1, 1);
        assertThat(launcher.maxLive.get()).isEqualTo(3);
    }

    @Test
    void reportingHealthyBeforeTheDelayCancelsTheReplacement() {
        start(spec(Capacity.of(1, 2, 3), null, Duration.ofSeconds(10), "az-a", "az-b"));
        group.reportHealth("g-1", HealthStatus.UNHEALTHY);
        advance(Duration.ofSeconds(8));
        group.reportHealth("g-1", HealthStatus.HEALTHY);
        advance(Duration.ofSeconds(30));
        assertThat(idsOf(Replacing.class)).isEmpty();

        // a new unhealthy spell starts the clock again
        group.reportHealth("g-1", HealthStatus.UNHEALTHY);
        advance(Duration.ofSeconds(8));
        group.reportHealth("g-1", HealthStatus.UNHEALTHY); // repeated reports do not reset it
        advance(Duration.ofSeconds(2));
        assertThat(idsOf(Replacing.class)).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(idsOf(Replacing.class)).containsExactly("g-1");
        assertThat(launcher.contexts).hasSize(3);
    }

    @Test
    void atMaxTheUnhealthyInstanceIsTerminatedBeforeItsReplacementLaunches() {
        start(spec(Capacity.of(1, 2, 2), null, Duration.ofSeconds(5), "az-a", "az-b"));
        group.reportHealth("g-2", HealthStatus.UNHEALTHY);
        advance(Duration.ofSeconds(6));
        assertThat(idsOf(Replacing.class)).containsExactly("g-2");
        awaitUntil(() -> ids(InstanceState.IN_SERVICE).contains("g-3"));

        assertThat(indexOf(Replacing.class, "g-2")).isLessThan(indexOf(Draining.class, "g-2"));
        assertThat(indexOf(Terminated.class, "g-2")).isLessThan(indexOf(Launching.class, "g-3"));
        assertThat(launcher.contexts.get(2).zone()).isEqualTo("az-b");
        assertThat(launcher.maxLive.get()).isEqualTo(2);
        assertThat(group.instances()).extracting(InstanceInfo::id).containsExactly("g-1", "g-3");
    }
}
