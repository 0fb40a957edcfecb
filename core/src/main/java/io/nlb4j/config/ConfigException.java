package io.nlb4j.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a configuration file cannot be read as a load balancer specification: it is missing or
 * unreadable, it is not well-formed, it has unknown fields or values of the wrong type, or the
 * specification it holds is invalid. It lists every problem found, each with its path and, where known,
 * its line and column.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<Problem> problems;

    /**
     * One problem in a file.
     *
     * @param path the path of the field, such as {@code listeners[0].port}; empty for the whole file
     * @param value the offending value as text
     * @param expected what would have been accepted
     * @param line the 1-based line, or 0 if unknown
     * @param column the 1-based column, or 0 if unknown
     */
    public record Problem(String path, String value, String expected, int line, int column) {

        @Override
        public String toString() {
            return (path.isEmpty() ? "" : path + ": ") + value + " (expected: " + expected + ')'
                    + (line > 0 ? " at line " + line + ", column " + column : "");
        }
    }

    /**
     * Creates an exception.
     *
     * @param source the file or source name
     * @param problems the problems, at least one
     */
    public ConfigException(String source, List<Problem> problems) {
        this(source, problems, null);
    }

    ConfigException(String source, List<Problem> problems, Throwable cause) {
        super(message(source, problems), cause);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /**
     * Returns the file or source name.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * Returns every problem found.
     *
     * @return the problems
     */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String source, List<Problem> problems) {
        if (problems.size() == 1) {
            return source + ": " + problems.get(0);
        }
        return source + ": " + problems.size() + " problems:" + System.lineSeparator()
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining(System.lineSeparator()));
    }
}
