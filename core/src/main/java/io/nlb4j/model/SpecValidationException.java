package io.nlb4j.model;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when a specification is invalid. It lists every violation found, not just the first, each
 * with its path. {@link #getMessage()} is one line for one violation
 * ({@code invalid health check: timeout: 5s (expected: less than interval 3s)}) and one line per
 * violation after a heading for several.
 *
 * <p>Whatever a specification holds, the message stays short enough to log: a text value longer than
 * {@value #MAX_VALUE_LENGTH} characters is shown as its first {@value #MAX_VALUE_LENGTH} characters followed by
 * its length ({@code name: "wwww…w"…(1048576 characters) (expected: …)}), control characters are escaped, and
 * the message is at most {@value #MAX_MESSAGE_LENGTH} characters: violations that do not fit are counted
 * ({@code … and 37 more violations}). {@link #violations()} always holds every violation.
 */
public final class SpecValidationException extends IllegalArgumentException {

    /**
     * The longest text value a violation shows whole, as long as the longest name; a longer one is cut there and
     * followed by its length.
     */
    public static final int MAX_VALUE_LENGTH = 64;
    /** The longest message: the violations that do not fit are counted, not listed. */
    public static final int MAX_MESSAGE_LENGTH = 8192;

    private static final long serialVersionUID = 1L;
    private static final String NL = System.lineSeparator();
    /** Room kept for the line that counts the violations left out. */
    private static final int MORE_LINE_ROOM = 64;

    private final transient List<Violation> violations;

    /**
     * Creates an exception for the given violations.
     *
     * @param subject what was checked, such as {@code load balancer "web-lb"}
     * @param violations the violations, at least one
     * @throws IllegalArgumentException if there is no violation
     */
    public SpecValidationException(String subject, List<Violation> violations) {
        super(message(Objects.requireNonNull(subject, "subject"), check(violations)));
        this.violations = List.copyOf(violations);
    }

    private static List<Violation> check(List<Violation> violations) {
        Objects.requireNonNull(violations, "violations");
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("violations: [] (expected: at least one violation)");
        }
        return violations;
    }

    /**
     * Returns every violation, in the order the fields appear in the specification.
     *
     * @return the violations
     */
    public List<Violation> violations() {
        return violations;
    }

    private static String message(String subject, List<Violation> violations) {
        String heading = "invalid " + cut(subject, MAX_MESSAGE_LENGTH / 4);
        if (violations.size() == 1) {
            return cut(heading + ": " + violations.get(0), MAX_MESSAGE_LENGTH);
        }
        StringBuilder out = new StringBuilder(heading).append(", ").append(violations.size()).append(" violations:");
        int listed = 0;
        for (Violation v : violations) {
            String line = NL + "  " + v;
            int room = MAX_MESSAGE_LENGTH - MORE_LINE_ROOM - out.length();
            if (line.length() > room) {
                if (listed == 0) { // at least the first violation, cut
                    out.append(cut(line, room));
                    listed++;
                }
                break;
            }
            out.append(line);
            listed++;
        }
        if (listed < violations.size()) {
            out.append(NL).append("  … and ").append(violations.size() - listed).append(" more violations");
        }
        return out.toString();
    }

    /** A text of at most {@code max} characters: a longer one ends with {@code …}. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + '…';
    }
}
