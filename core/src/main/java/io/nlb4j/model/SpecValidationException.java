package io.nlb4j.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a specification is invalid. It lists every violation found, not just the first, each
 * with its path. {@link #getMessage()} is one line for one violation
 * ({@code invalid health check: timeout: 5s (expected: less than interval 3s)}) and one line per
 * violation after a heading for several.
 */
public final class SpecValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    /**
     * Creates an exception for the given violations.
     *
     * @param subject what was checked, such as {@code load balancer "web-lb"}
     * @param violations the violations, at least one
     */
    public SpecValidationException(String subject, List<Violation> violations) {
        super(message(subject, violations));
        this.violations = List.copyOf(violations);
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
        if (violations.size() == 1) {
            return "invalid " + subject + ": " + violations.get(0);
        }
        return "invalid " + subject + ", " + violations.size() + " violations:" + System.lineSeparator()
                + violations.stream().map(v -> "  " + v).collect(Collectors.joining(System.lineSeparator()));
    }
}
