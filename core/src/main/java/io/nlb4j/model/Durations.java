package io.nlb4j.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way nlb4j configuration files spell them.
 *
 * <p>Accepted forms: a whole number followed by a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d} ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}), or an ISO-8601 duration
 * ({@code PT30S}). {@link #format(Duration)} writes the shortest exact unit form, so that
 * {@code parse(format(d)).equals(d)} for every duration; it is how durations are shown in messages too.
 *
 * <p>Every duration of a specification is at most {@link #MAX_DURATION} ({@value #MAX_DURATION_DAYS} days);
 * validation reports a longer one, such as
 * {@code listeners[0].backendService.connectionDraining: 1000000d (expected: at most 365d)}.
 */
public final class Durations {

    /** {@link #MAX_DURATION} in days. */
    public static final long MAX_DURATION_DAYS = 365;

    /**
     * The longest duration any setting of a specification may have: {@value #MAX_DURATION_DAYS} days, far longer
     * than any timeout, interval, cooldown or grace period needs. The runtime counts durations in nanoseconds,
     * which a {@code long} holds for only 292 years, and adds them to clock readings or multiplies them by small
     * counts (a health check threshold, at most {@value HealthCheck#MAX_THRESHOLD}): 365 days leave a factor of
     * about 290 before anything overflows, so that a specification that validates also runs.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(MAX_DURATION_DAYS);

    private static final Pattern SIMPLE = Pattern.compile("(-?\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text a duration such as {@code 30s}, {@code 5m}, {@code 1h}, {@code 250ms} or {@code PT30S}
     * @return the duration
     * @throws IllegalArgumentException if {@code text} is not a duration; the message names the text
     *         and the accepted forms
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim();
        Matcher m = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long amount = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "ms": return Duration.ofMillis(amount);
                    case "s": return Duration.ofSeconds(amount);
                    case "m": return Duration.ofMinutes(amount);
                    case "h": return Duration.ofHours(amount);
                    default: return Duration.ofDays(amount);
                }
            } catch (NumberFormatException | ArithmeticException e) { // too many digits, or too long a duration
                throw invalid(text);
            }
        }
        if (trimmed.length() > 1 && (trimmed.charAt(0) == 'P' || trimmed.charAt(0) == 'p'
                || trimmed.startsWith("-P") || trimmed.startsWith("-p"))) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        throw invalid(text);
    }

    /**
     * Formats a duration in the largest unit that expresses it exactly: {@code 1h}, {@code 90s},
     * {@code 1500ms}, {@code 1000000d}, whatever its length. Durations with sub-millisecond parts are written in
     * ISO-8601 ({@code PT0.0000015S}).
     *
     * @param duration the duration
     * @return its text form, readable by {@link #parse(String)} as the same duration
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        int nanos = duration.getNano();
        if (nanos % 1_000_000 != 0) {
            return duration.toString();
        }
        long seconds = duration.getSeconds(); // counted in seconds, so that no length overflows
        if (nanos == 0) {
            if (seconds == 0) {
                return "0s";
            }
            if (seconds % 86_400 == 0) {
                return seconds / 86_400 + "d";
            }
            if (seconds % 3600 == 0) {
                return seconds / 3600 + "h";
            }
            if (seconds % 60 == 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
        try {
            return Math.addExact(Math.multiplyExact(seconds, 1000L), nanos / 1_000_000) + "ms";
        } catch (ArithmeticException e) { // too long to count in milliseconds
            return duration.toString();
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("\"" + text
                + "\" (expected: a duration such as 250ms, 30s, 5m, 1h, 1d or ISO-8601 PT30S)");
    }
}
