package io.nlb4j.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way nlb4j configuration files spell them.
 *
 * <p>Accepted forms: a whole number followed by a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d} ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}), or an ISO-8601 duration
 * ({@code PT30S}). {@link #format(Duration)} writes the shortest exact unit form, so that
 * {@code parse(format(d)).equals(d)} for every duration of whole milliseconds.
 */
public final class Durations {

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
     * {@code 1500ms}. Durations with sub-millisecond parts are written in ISO-8601.
     *
     * @param duration the duration
     * @return its text form, readable by {@link #parse(String)}
     */
    public static String format(Duration duration) {
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) { // too long to count in milliseconds
            return duration.toString();
        }
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("\"" + text
                + "\" (expected: a duration such as 250ms, 30s, 5m, 1h, 1d or ISO-8601 PT30S)");
    }
}
