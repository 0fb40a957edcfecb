package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.Durations;
import io.nlb4j.model.Listener;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Durations given to the running engine have the specification's bound ({@link Durations#MAX_DURATION}): what is
 * accepted can be scheduled, never overflowing a clock. Out of range, the message names the setting and the bound.
 */
class OptionLimitsTest {

    @Test
    void theStartAndConnectTimeoutsAreBounded() {
        assertThatThrownBy(() -> LoadBalancerOptions.builder().startTimeout(Duration.ofDays(1_000_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startTimeout: 1000000d (expected: a positive duration of at most 365d)");
        assertThat(LoadBalancerOptions.builder().startTimeout(Durations.MAX_DURATION).build().startTimeout())
                .isEqualTo(Durations.MAX_DURATION);
        assertThatThrownBy(() -> LoadBalancerOptions.builder().connectTimeout(Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout: 30d (expected: a positive duration of at most 2147483647 ms)");
    }

    @Test
    void aStopsDrainTimeoutIsBoundedAndAnOutOfRangeOneLeavesTheLoadBalancerRunning() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("limits",
                     Listener.tcp(0).backendService(service("web", a))), options())) {
            assertThatThrownBy(() -> lb.stop(Duration.ofDays(1_000_000)).block(Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("drainTimeout: 1000000d (expected: 0s or a positive duration of at most 365d)");
            assertThatThrownBy(() -> lb.stop(Duration.ofSeconds(-1)).block(Duration.ofSeconds(5)))
                    .hasMessage("drainTimeout: -1s (expected: 0s or a positive duration of at most 365d)");
            assertThat(lb.isDisposed()).isFalse();
            try (java.net.Socket s = Fixtures.connect(lb.listener(0))) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
        }
    }
}
