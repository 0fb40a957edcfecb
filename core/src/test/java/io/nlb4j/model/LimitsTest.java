package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What validates also runs: every duration of the model is bounded by {@link Durations#MAX_DURATION}, and the
 * bounds of durations and counts leave the runtime's arithmetic (nanoseconds in a {@code long}, counts in an
 * {@code int}) room to spare.
 */
class LimitsTest {

    private static final Duration TOO_LONG = Durations.MAX_DURATION.plusDays(1);

    /**
     * Every public method of the model that takes a duration (a builder setter or a factory), given one day more
     * than {@link Durations#MAX_DURATION}, leads to the one violation that says so: reflection finds the methods,
     * so a duration setting added later is covered too.
     */
    @Test
    void everyDurationSettingIsBoundedByTheOneMaximum() throws ReflectiveOperationException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Executable e : ModelApi.publicExecutables()) {
            if (e.getDeclaringClass() == Durations.class || !(e instanceof Method m)) {
                continue; // Durations formats and parses, it sets nothing
            }
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] != Duration.class) {
                    continue;
                }
                checked++;
                String key = ModelApi.signature(m) + '#' + i;
                Object target = Modifier.isStatic(m.getModifiers()) ? null : ModelApi.receiver(m.getDeclaringClass());
                List<Violation> found;
                try {
                    Object result = m.invoke(target, ModelApi.arguments(m, i, TOO_LONG));
                    Object builder = target != null ? target : result; // a setter returns its builder
                    builder.getClass().getMethod("build").invoke(builder);
                    problems.add(key + ": built with " + Durations.format(TOO_LONG));
                    continue;
                } catch (InvocationTargetException ex) {
                    if (!(ex.getCause() instanceof SpecValidationException sve)) {
                        problems.add(key + ": threw " + ex.getCause());
                        continue;
                    }
                    found = sve.violations();
                }
                if (found.stream().noneMatch(v -> v.value().equals("366d") && v.expected().equals("at most 365d"))) {
                    problems.add(key + ": " + found);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("durations not bounded by Durations.MAX_DURATION:\n  " + String.join("\n  ", problems));
        }
        assertThat(checked).as("duration parameters checked").isGreaterThanOrEqualTo(15);
    }

    @Test
    void theLongestDurationIs365DaysAndLeavesRoomInNanoseconds() {
        assertThat(Durations.MAX_DURATION).isEqualTo(Duration.ofDays(Durations.MAX_DURATION_DAYS))
                .isEqualTo(Duration.ofDays(365));
        long max = Durations.MAX_DURATION.toNanos();
        // added to a clock reading, times a threshold, or times the ejections of a server: all still a long
        assertThatCode(() -> Math.addExact(Math.multiplyExact(max, HealthCheck.MAX_THRESHOLD), System.nanoTime()))
                .doesNotThrowAnyException();
        assertThatCode(() -> Math.multiplyExact(max, 200)).doesNotThrowAnyException();
        assertThat(Durations.MAX_DURATION.toMillis()).isPositive();
    }

    @Test
    void countsAtTheirUpperBoundsLeaveRoomInAnInt() {
        assertThat((long) Capacity.MAX_INSTANCES * TargetTracking.MAX_TARGET_CONNECTIONS_PER_INSTANCE)
                .isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat(2L * Listener.MAX_CONNECTIONS_LIMIT).isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat((long) OutlierDetection.MAX_CONSECUTIVE_FAILURES * 100).isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat((long) StaticServer.MAX_WEIGHT * Capacity.MAX_INSTANCES * 1000).isLessThanOrEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theLimitsAreTheDocumentedValues() {
        assertThat(Capacity.MAX_INSTANCES).isEqualTo(1000);
        assertThat(Listener.MAX_CONNECTIONS_LIMIT).isEqualTo(10_000_000);
        assertThat(HealthCheck.MAX_THRESHOLD).isEqualTo(100);
        assertThat(OutlierDetection.MAX_CONSECUTIVE_FAILURES).isEqualTo(1000);
        assertThat(TargetTracking.MAX_TARGET_CONNECTIONS_PER_INSTANCE).isEqualTo(1_000_000);
        assertThat(SpecValidationException.MAX_VALUE_LENGTH).isEqualTo(64);
        assertThat(SpecValidationException.MAX_MESSAGE_LENGTH).isEqualTo(8192);
    }
}
