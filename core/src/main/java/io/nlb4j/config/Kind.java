package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonToken;
import io.nlb4j.config.Document.ListNode;
import io.nlb4j.config.Document.Member;
import io.nlb4j.config.Document.Node;
import io.nlb4j.config.Document.ObjectNode;
import io.nlb4j.config.Document.ScalarNode;
import io.nlb4j.model.Durations;
import io.nlb4j.model.SpecPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The kind of value a field holds: how a document node is read as a value for a builder, and how a value of
 * a specification is written back as plain data (a {@code String}, {@code Integer}, {@code Boolean},
 * {@code List} or {@code Map}).
 *
 * @param <R> what reading gives a builder
 * @param <W> what writing takes from a specification
 */
abstract class Kind<R, W> {

    /** As {@link Durations#parse(String)} says. */
    static final String DURATION_EXPECTED = "a duration such as 250ms, 30s, 5m, 1h, 1d or ISO-8601 PT30S";

    /**
     * A whole number within the range of an {@code int}; one beyond it is reported as out of the field's range
     * (see {@link Binding#beyondInt}), like any other value out of range.
     */
    static final Kind<Integer, Integer> INTEGER = new Kind<>() {
        @Override
        String expected() {
            return "an integer";
        }

        @Override
        Integer read(Node node, String path, Binding binding) {
            if (node instanceof ScalarNode s) {
                Integer value = s.intValue();
                if (value != null) {
                    return value;
                }
                int beyond = s.beyondInt();
                if (beyond != 0) {
                    return binding.beyondInt(path, s, beyond);
                }
            }
            binding.reject(path, node, expected());
            return null;
        }

        @Override
        Object write(Integer value, String path) {
            return value;
        }
    };
    static final Kind<String, String> STRING = scalar("a string", Kind::text, (v, path) -> v);
    static final Kind<Boolean, Boolean> BOOLEAN = scalar("true or false", Kind::bool, (v, path) -> v);
    static final Kind<Duration, Duration> DURATION = scalar(DURATION_EXPECTED, Kind::duration,
            (v, path) -> Durations.format(v));
    static final Kind<Map<String, String>, Map<String, String>> STRING_MAP = new StringMap();

    /** What a value of this kind must be, as messages say it, such as {@code an integer}. */
    abstract String expected();

    /**
     * Reads a node that is not {@code null}.
     *
     * @return the value, or {@code null} if the node is of the wrong kind, which has then been reported
     */
    abstract R read(Node node, String path, Binding binding);

    /**
     * Writes a value as plain data.
     *
     * @param path the value's path, for the message if it cannot be written
     * @throws IllegalArgumentException naming the path if the value cannot be written to a file
     */
    abstract Object write(W value, String path);

    /** Adds the paths of the fields under {@code path}, for kinds that have fields. */
    void addPathsUnder(String path, Set<String> out) {
    }

    /**
     * Thrown by a reader or a builder setter that does not take a value, to report it at the value: a port
     * range out of range, a class that is not a factory, a field that does not apply to a health check's type.
     */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The value as shown, or {@code null} to show it as written. */
        private final String shown;

        Rejected(String expected) {
            this(null, expected);
        }

        Rejected(String shown, String expected) {
            super(expected, null, false, false);
            this.shown = shown;
        }

        /**
         * Takes a model message of the form {@code field: value (expected: what)}; another form is reported as
         * {@code fallback}.
         */
        static Rejected fromMessage(String message, String fallback) {
            if (message != null && message.endsWith(")")) {
                int colon = message.indexOf(": ");
                int expected = message.lastIndexOf(" (expected: ");
                if (colon >= 0 && expected > colon) {
                    return new Rejected(message.substring(colon + 2, expected),
                            message.substring(expected + " (expected: ".length(), message.length() - 1));
                }
            }
            return new Rejected(fallback);
        }

        /** As {@link #fromMessage}, but showing the value as written rather than as the message does. */
        static Rejected expectationOf(String message, String fallback) {
            return new Rejected(null, fromMessage(message, fallback).getMessage());
        }

        void report(String path, Node node, Binding binding) {
            binding.reject(path, shown != null ? shown : node.shown(), getMessage(), node);
        }
    }

    // ---- scalars ----

    /** Reads a scalar node as a value. */
    @FunctionalInterface
    interface ScalarReader<R> {
        /**
         * Reads a scalar node.
         *
         * @return the value, or {@code null} if the node is not of this kind
         * @throws Rejected if it is of this kind but not a value this field takes
         */
        R read(ScalarNode node);
    }

    /** Writes a scalar value as plain data. */
    @FunctionalInterface
    interface ScalarWriter<W> {
        /**
         * Writes a value.
         *
         * @throws IllegalArgumentException naming the path if the value cannot be written to a file
         */
        Object write(W value, String path);
    }

    static <V> Kind<V, V> scalar(String expected, ScalarReader<V> reader, ScalarWriter<V> writer) {
        return new Kind<>() {
            @Override
            String expected() {
                return expected;
            }

            @Override
            V read(Node node, String path, Binding binding) {
                V value;
                try {
                    value = node instanceof ScalarNode s ? reader.read(s) : null;
                } catch (Rejected e) {
                    e.report(path, node, binding);
                    return null;
                }
                if (value == null) {
                    binding.reject(path, node, expected);
                }
                return value;
            }

            @Override
            Object write(V value, String path) {
                return writer.write(value, path);
            }
        };
    }

    /**
     * An enum, written by constant name and read in any case; numbers are not accepted. Words YAML 1.1 reads
     * as booleans are taken as written, so that {@code mode: OFF} is the constant {@code OFF}.
     */
    static <E extends Enum<E>> Kind<E, E> enumOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "));
        return scalar(expected, s -> s.isNumber() ? null : Arrays.stream(constants)
                .filter(c -> c.name().equalsIgnoreCase(s.text.trim())).findFirst().orElse(null),
                (v, path) -> v.name());
    }

    /** Strings, and numbers and booleans as written: {@code expectedStatuses: [200]} is {@code "200"}. */
    private static String text(ScalarNode s) {
        return s.isNull() || s.token == JsonToken.VALUE_EMBEDDED_OBJECT ? null : s.text;
    }

    private static Boolean bool(ScalarNode s) {
        return switch (s.token) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Duration duration(ScalarNode s) {
        if (!s.isString()) {
            return null;
        }
        try {
            return Durations.parse(s.text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- collections ----

    /** A list whose elements are of one kind; a {@code null} or wrongly typed element keeps its place as null. */
    static <R, W> Kind<List<R>, List<W>> listOf(Kind<R, W> element) {
        return new Kind<>() {
            @Override
            String expected() {
                return "a list";
            }

            @Override
            List<R> read(Node node, String path, Binding binding) {
                if (!(node instanceof ListNode list)) {
                    binding.reject(path, node, expected());
                    return null;
                }
                List<R> out = new ArrayList<>(list.elements.size());
                for (int i = 0; i < list.elements.size(); i++) {
                    Node e = list.elements.get(i);
                    out.add(e.isNull() ? null : element.read(e, path + '[' + i + ']', binding));
                }
                return out;
            }

            @Override
            Object write(List<W> value, String path) {
                List<Object> out = new ArrayList<>(value.size());
                for (int i = 0; i < value.size(); i++) {
                    out.add(element.write(value.get(i), path + '[' + i + ']'));
                }
                return out;
            }

            @Override
            void addPathsUnder(String path, Set<String> out) {
                element.addPathsUnder(path + "[]", out);
            }
        };
    }

    /** Names mapped to strings, written sorted by name. */
    private static final class StringMap extends Kind<Map<String, String>, Map<String, String>> {
        @Override
        String expected() {
            return "a map of names to values";
        }

        @Override
        Map<String, String> read(Node node, String path, Binding binding) {
            if (!(node instanceof ObjectNode object)) {
                binding.reject(path, node, expected());
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Member m : object.members.values()) {
                Node value = m.value();
                out.put(m.key(), value.isNull() ? null : STRING.read(value, SpecPath.of(path, m.key()), binding));
            }
            return out;
        }

        @Override
        Object write(Map<String, String> value, String path) {
            return new TreeMap<>(value);
        }
    }
}
