package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Durations are shown the way users write them, in the largest exact unit, and read back as the same duration. */
class DurationsTest {

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0s"),
                Arguments.of(Duration.ofMillis(250), "250ms"),
                Arguments.of(Duration.ofMillis(1500), "1500ms"),
                Arguments.of(Duration.ofSeconds(90), "90s"),
                Arguments.of(Duration.ofMinutes(5), "5m"),
                Arguments.of(Duration.ofHours(25), "25h"),
                Arguments.of(Duration.ofDays(365), "365d"),
                Arguments.of(Duration.ofDays(365).plusMillis(1), "31536000001ms"),
                Arguments.of(Duration.ofDays(1_000_000), "1000000d"),
                // beyond what milliseconds count in a long, still in the unit written
                Arguments.of(Duration.ofDays(100_000_000_000_000L), "100000000000000d"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE), "9223372036854775807s"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE, 999_000_000), "PT2562047788015215H30M7.999S"),
                Arguments.of(Duration.ofSeconds(-1), "-1s"),
                Arguments.of(Duration.ofMinutes(-5), "-5m"),
                Arguments.of(Duration.ofMillis(-1500), "-1500ms"),
                Arguments.of(Duration.ofNanos(1500), "PT0.0000015S"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("durations")
    void aDurationIsFormattedInItsLargestExactUnitAndParsedBack(Duration duration, String text) {
        assertThat(Durations.format(duration)).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(duration);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("durations")
    void aViolationShowsADurationAsFormatted(Duration duration, String text) {
        assertThat(SpecValidator.render(duration)).isEqualTo(text);
    }
}
