package io.nlb4j.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private final OutlierDetector detector = new OutlierDetector(3, 1000, 10);

    @Test
    void ejectsAfterConsecutiveFailuresOnly() {
        OutlierDetector.Host h = new OutlierDetector.Host();
        assertThat(detector.ejects(1)).isFalse();
        assertThat(detector.ejects(2)).isFalse();
        assertThat(detector.ejects(3)).isTrue();
        assertThat(detector.ejects(4)).as("only the failure that reaches the threshold ejects").isFalse();
        assertThat(detector.eject(h, 0, 10, 5_000)).isEqualTo(1000);
        assertThat(h.ejected()).isTrue();
        assertThat(h.ejectedUntilNanos()).isEqualTo(6_000);
    }

    @Test
    void ejectionTimeGrowsWithEachEjection() {
        OutlierDetector.Host h = new OutlierDetector.Host();
        assertThat(detector.eject(h, 0, 10, 0)).isEqualTo(1000);
        detector.release(h);
        assertThat(h.ejected()).isFalse();
        assertThat(detector.eject(h, 0, 10, 0)).isEqualTo(2000);
        assertThat(h.ejections()).isEqualTo(2);
    }

    @Test
    void ejectionTimeStopsGrowingAtFiveMinutesAndNeverOverflows() {
        OutlierDetector d = new OutlierDetector(1, TimeUnit.SECONDS.toNanos(30), 100);
        OutlierDetector.Host h = new OutlierDetector.Host();
        long last = 0;
        for (int i = 1; i <= 12; i++) {
            last = d.eject(h, 0, 1, 0);
            d.release(h);
        }
        assertThat(last).isEqualTo(TimeUnit.SECONDS.toNanos(300));
        // The longest base a specification allows, ejected again and again: the length stays the base, no overflow.
        OutlierDetector year = new OutlierDetector(1, TimeUnit.DAYS.toNanos(365), 100);
        OutlierDetector.Host y = new OutlierDetector.Host();
        for (int i = 1; i <= 1000; i++) {
            assertThat(year.eject(y, 0, 1, 0)).isEqualTo(TimeUnit.DAYS.toNanos(365));
            year.release(y);
        }
        assertThat(y.ejectedUntilNanos()).isPositive();
    }

    @Test
    void neverEjectsMoreThanTheMaximumShareButAlwaysAllowsOne() {
        OutlierDetector.Host a = new OutlierDetector.Host();
        OutlierDetector.Host b = new OutlierDetector.Host();
        OutlierDetector.Host c = new OutlierDetector.Host();
        // 10% of 5 servers is half a server: the first ejection is still allowed, the second is not.
        assertThat(detector.eject(a, 0, 5, 0)).isPositive();
        assertThat(detector.eject(b, 1, 5, 0)).isZero();
        assertThat(b.ejected()).isFalse();
        // 10% of 20 servers is 2.
        assertThat(detector.eject(c, 1, 20, 0)).isPositive();
        assertThat(detector.eject(new OutlierDetector.Host(), 2, 20, 0)).isZero();
    }
}
