package io.nlb4j.model;

import java.util.Objects;

/**
 * An inclusive range of TCP ports, written {@code 8080}, {@code 8000-8100} or {@code all}.
 *
 * @param from the first port, 1-65535
 * @param to the last port, 1-65535, not less than {@code from}
 */
public record PortRange(int from, int to) {

    /** Every port, 1-65535. */
    public static final PortRange ALL = new PortRange(1, 65535);

    /** What a port range must be. */
    static final String EXPECTED = "ports 1-65535, first not above last";

    /**
     * Creates a range.
     *
     * @throws IllegalArgumentException naming the range and what was expected if it is outside 1-65535 or
     *         {@code from > to}
     */
    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("ports: " + (from == to ? Integer.toString(from) : from + "-" + to)
                    + " (expected: " + EXPECTED + ')');
        }
    }

    /**
     * A single port.
     *
     * @param port the port
     * @return the range holding only {@code port}
     */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * A range of ports.
     *
     * @param from the first port
     * @param to the last port
     * @return the range
     */
    public static PortRange of(int from, int to) {
        return new PortRange(from, to);
    }

    /**
     * Parses {@code 8080}, {@code 8000-8100} or {@code all}.
     *
     * @param text the text
     * @return the range
     * @throws IllegalArgumentException if the text is not one of those forms or the ports are out of range
     */
    public static PortRange parse(String text) {
        String s = Objects.requireNonNull(text, "text").trim();
        if (s.equalsIgnoreCase("all")) {
            return ALL;
        }
        int from;
        int to;
        try {
            int dash = s.indexOf('-', 1);
            from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).trim());
            to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ports: \"" + text + "\" (expected: a port, a range such as 8000-8100,"
                    + " or all)");
        }
        return new PortRange(from, to);
    }

    /**
     * Tells whether a port is in the range.
     *
     * @param port the port
     * @return {@code true} if {@code from <= port <= to}
     */
    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    /**
     * Returns the text form: {@code 8080}, {@code 8000-8100} or {@code all}.
     *
     * @return the text form
     */
    @Override
    public String toString() {
        if (from == 1 && to == 65535) {
            return "all";
        }
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
