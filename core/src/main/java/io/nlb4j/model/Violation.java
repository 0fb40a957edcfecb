package io.nlb4j.model;

import java.util.Objects;

/**
 * One thing wrong with a specification: where it is, what was found and what was expected.
 *
 * <p>{@link #toString()} renders {@code path: value (expected: expectation)}, for example
 * {@code listeners[0].backendService.healthCheck.timeout: 5s (expected: less than interval 3s)}.
 *
 * @param path the path of the offending field from the root of the checked value, such as
 *        {@code listeners[0].port}, with keys that are not plain identifiers in brackets as {@link SpecPath} writes
 *        them ({@code environment["A=B"]}); empty when the checked value as a whole is wrong
 * @param value the offending value as text ({@code absent} when a required value is missing)
 * @param expected what would have been accepted
 */
public record Violation(String path, String value, String expected) {

    /**
     * Creates a violation.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expected, "expected");
    }

    /**
     * Returns this violation with its path placed under a parent path.
     *
     * @param parent the parent's path, such as {@code listeners[0]}; empty for none
     * @return the violation with path {@code parent.path}
     */
    public Violation under(String parent) {
        Objects.requireNonNull(parent, "parent");
        if (parent.isEmpty()) {
            return this;
        }
        return new Violation(path.isEmpty() ? parent : path.startsWith("[") ? parent + path : parent + '.' + path,
                value, expected);
    }

    /**
     * Shows a text as violations show values, for messages about what a caller passed: in quotes, with control
     * characters, line separators, unpaired surrogates and U+FFFE/U+FFFF escaped ({@code \n}, {@code \u0000}), and
     * cut after {@value SpecValidationException#MAX_VALUE_LENGTH} characters, followed by its length
     * ({@code "xxxx"…(100000 characters)}), so that a message stays one short line whatever it is given.
     *
     * @param text the text
     * @return the text as shown
     * @throws NullPointerException if {@code text} is {@code null}
     */
    public static String quoted(String text) {
        return SpecValidator.quote(Objects.requireNonNull(text, "text"));
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "" : path + ": ") + value + " (expected: " + expected + ')';
    }
}
