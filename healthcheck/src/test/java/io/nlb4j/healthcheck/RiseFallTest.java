package io.nlb4j.healthcheck;

import io.nlb4j.membership.HealthStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RiseFallTest {

    @Test
    void aPendingServerIsHealthyAfterItsFirstSuccess() {
        RiseFall m = new RiseFall(3, 2);
        assertThat(m.status()).isEqualTo(HealthStatus.PENDING);
        assertThat(m.record(true)).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aPendingServerIsUnhealthyAfterUnhealthyThresholdFailures() {
        RiseFall m = new RiseFall(3, 2);
        assertThat(m.record(false)).isNull();
        assertThat(m.status()).isEqualTo(HealthStatus.PENDING);
        assertThat(m.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void fallsAfterExactlyUnhealthyThresholdAndRisesAfterExactlyHealthyThreshold() {
        RiseFall m = new RiseFall(3, 4);
        m.record(true);
        for (int i = 1; i < 4; i++) {
            assertThat(m.record(false)).as("failure %d", i).isNull();
        }
        assertThat(m.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(m.record(true)).isNull();
        assertThat(m.record(true)).isNull();
        assertThat(m.record(true)).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aFailureInTheMiddleRestartsTheCount() {
        RiseFall m = new RiseFall(2, 2);
        m.record(true);
        m.record(false);
        assertThat(m.record(true)).isNull();
        assertThat(m.record(false)).isNull();
        assertThat(m.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(m.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
        m.record(true);
        m.record(false);
        assertThat(m.record(true)).isNull();
        assertThat(m.record(true)).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void thresholdsBelowOneAreRejected() {
        assertThatThrownBy(() -> new RiseFall(0, 1)).hasMessage("healthyThreshold: 0 (expected: at least 1)");
        assertThatThrownBy(() -> new RiseFall(1, 0)).hasMessage("unhealthyThreshold: 0 (expected: at least 1)");
    }
}
