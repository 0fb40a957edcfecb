package io.nlb4j.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An inclusive range of TCP ports, written {@code 8080}, {@code 8000-8100} or {@code all}.
 *
 * @param from the first port
 * @param to the last port, not less than {@code from}
 */
public record PortRange(int from, int to) {

    /** Every port, 1-65535. */
    public static final PortRange ALL = new PortRange(1, 65535);

    /**
     * A single port.
     *
     * @param port the port
     * @return the range holding only {@code port}
     */
    @JsonCreator
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
     * @throws IllegalArgumentException if the text is not one of those forms
     */
    @JsonCreator
    public static PortRange parse(String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("all")) {
            return ALL;
        }
        try {
            int dash = s.indexOf('-');
            if (dash < 0) {
                return of(Integer.parseInt(s));
            }
            return of(Integer.parseInt(s.substring(0, dash).trim()), Integer.parseInt(s.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: a port, a range such as 8000-8100, or all)");
        }
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
    @JsonValue
    @Override
    public String toString() {
        if (equals(ALL)) {
            return "all";
        }
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
