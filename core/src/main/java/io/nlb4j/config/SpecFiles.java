package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.config.Document.Node;
import io.nlb4j.config.Document.ObjectNode;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.SpecValidationException;
import io.nlb4j.model.Violation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads and writes load balancer specifications as YAML or JSON.
 *
 * <p>Reading is strict: unknown fields, values of the wrong type, duplicate keys and invalid values are
 * errors. The text is parsed once and bound in one walk to the model's builders, which validate the whole
 * specification with the same rules as for specifications built in code. Every problem is reported together
 * in one {@link ConfigException}, in the order of the file, each with its path, the value, what was expected,
 * and its line and column: an unknown field at its key, a value of the wrong type or an invalid value at the
 * value, a missing value at the object that lacks it. Durations are written {@code 30s}, {@code 5m},
 * {@code 1h} and read in those forms or ISO-8601 ({@code PT30S}); enum values are read in any case.
 *
 * <p>A document is UTF-8 text of at most {@value #MAX_DOCUMENT_BYTES} bytes (3 MiB), YAML or JSON alike,
 * without control characters other than tab, line feed and carriage return, and with objects and lists nested
 * at most {@value #MAX_NESTING_DEPTH} levels deep. YAML anchors and aliases are read as the values they name,
 * and merge keys ({@code <<: *defaults}) as YAML 1.1 defines them; aliases may repeat at most
 * {@value #MAX_ALIASED_VALUES} values in all. Each of these limits, like every other problem, is reported as a
 * {@link ConfigException}: nothing else is thrown for anything a file holds.
 *
 * <p>Writing gives deterministic text: fields in the order of {@link #fields()}, empty optional values, lists
 * and maps left out, map entries sorted by key, control characters escaped in JSON, and in YAML quotes wherever a
 * text would otherwise read differently (line breaks other than the line feed, control characters, a key
 * {@code <<}). Reading what was written gives an equal specification, in either format; and whatever reads as a
 * specification can be written: the model refuses texts no file can hold (unpaired surrogates, U+FFFE, U+FFFF).
 */
public final class SpecFiles {

    /**
     * The largest document read, in bytes of UTF-8, for files and texts, YAML and JSON alike: {@value} (3 MiB).
     * A file's size is checked before it is read, and no more than this is ever read.
     */
    public static final int MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;

    /**
     * The most levels of objects and lists a document may nest, the whole document being the first:
     * {@value}. A specification needs about 10 ({@code listeners[].backendService.servers.availabilityGroup
     * .template.launcher.process.environment}).
     */
    public static final int MAX_NESTING_DEPTH = 32;

    /**
     * The most values YAML aliases may repeat in a document, in all: {@value}. An alias repeats the value it
     * names with every value inside it, so that {@code *service} naming a backend service of 50 values repeats
     * 50; the limit keeps a small file from standing for an immense one.
     */
    public static final int MAX_ALIASED_VALUES = 100_000;

    /** In the order of the file; problems without a place last, in the order found. */
    private static final Comparator<Problem> IN_DOCUMENT_ORDER = Comparator
            .comparing((Problem p) -> p.line() <= 0)
            .thenComparingInt(Problem::line)
            .thenComparingInt(Problem::column);

    private static final SortedSet<String> FIELDS;

    static {
        SortedSet<String> fields = new TreeSet<>();
        Schema.LOAD_BALANCER.addPathsUnder("", fields);
        FIELDS = Collections.unmodifiableSortedSet(fields);
    }

    private SpecFiles() {
    }

    /**
     * Reads a specification from a file; {@code .json} files are JSON, {@code .yaml} and {@code .yml} YAML.
     *
     * @param file the file
     * @return the validated specification
     * @throws ConfigException if the file has another extension, is missing, unreadable, a directory, larger
     *         than {@link #MAX_DOCUMENT_BYTES}, not UTF-8 or malformed, or holds an invalid specification
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static LoadBalancerSpec read(Path file) {
        ConfigFormat format = ConfigFormat.of(Objects.requireNonNull(file, "file"));
        String source = file.toString();
        String text = Text.decode(Text.readFile(file, format, source), format, source);
        return read(text, format, source);
    }

    /**
     * Reads a specification from text; error messages name it {@code yaml text} or {@code json text}.
     *
     * @param text the YAML or JSON text
     * @param format its format
     * @return the validated specification
     * @throws ConfigException listing every problem
     * @throws NullPointerException if an argument is {@code null}
     */
    public static LoadBalancerSpec read(String text, ConfigFormat format) {
        Objects.requireNonNull(format, "format");
        return read(text, format, format.name().toLowerCase(Locale.ROOT) + " text");
    }

    /**
     * Reads a specification from text, naming its source in error messages.
     *
     * @param text the YAML or JSON text
     * @param format its format
     * @param source a name for the text in error messages, such as a file name
     * @return the validated specification
     * @throws ConfigException listing every problem, in the order of the text
     * @throws NullPointerException if an argument is {@code null}
     */
    public static LoadBalancerSpec read(String text, ConfigFormat format, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        Node root = Document.parse(text, format, source);
        Binding binding = new Binding();
        if (!(root instanceof ObjectNode)) {
            binding.reject("", root, Schema.LOAD_BALANCER.expected());
            throw new ConfigException(source, binding.problems());
        }
        LoadBalancerSpec.Builder builder = Schema.LOAD_BALANCER.read(root, "", binding);
        List<Problem> problems = new ArrayList<>(binding.problems());
        LoadBalancerSpec spec = null;
        try {
            spec = builder.build();
        } catch (SpecValidationException e) {
            for (Violation v : e.violations()) {
                if (!binding.coversNotBound(v.path())) { // not a consequence of a value already reported
                    Node at = Document.locate(root, v.path());
                    problems.add(new Problem(v.path(), v.value(), v.expected(), at.line, at.column));
                }
            }
        }
        problems.addAll(beyondInt(root, binding.beyondInt()));
        if (!problems.isEmpty()) {
            problems.sort(IN_DOCUMENT_ORDER);
            throw new ConfigException(source, problems);
        }
        return spec;
    }

    /**
     * Reports integers beyond an int's range as out of their fields' range, with the range the validator states
     * for the nearest int, asked in a second walk; where it states none (a field taking any positive int), the
     * int's own bound.
     */
    private static List<Problem> beyondInt(Node root, List<Binding.BeyondInt> found) {
        if (found.isEmpty()) {
            return List.of();
        }
        List<Violation> violations = List.of();
        try {
            Schema.LOAD_BALANCER.read(root, "", Binding.probing()).build();
        } catch (SpecValidationException e) {
            violations = e.violations();
        }
        List<Problem> problems = new ArrayList<>();
        for (Binding.BeyondInt b : found) {
            String expected = violations.stream().filter(v -> v.path().equals(b.path())).findFirst()
                    .map(Violation::expected)
                    .orElse(b.side() > 0 ? "at most " + Integer.MAX_VALUE : "at least " + Integer.MIN_VALUE);
            problems.add(new Problem(b.path(), b.node().shown(), expected, b.node().line, b.node().column));
        }
        return problems;
    }

    /**
     * Writes a specification as text.
     *
     * @param spec the specification
     * @param format the format
     * @return the text
     * @throws IllegalArgumentException naming the field if part of the specification cannot be written, such
     *         as an in-process launcher made from a lambda or object rather than a factory class
     * @throws NullPointerException if an argument is {@code null}
     */
    public static String write(LoadBalancerSpec spec, ConfigFormat format) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(format, "format");
        Object plain = Schema.LOAD_BALANCER.write(spec, "");
        StringWriter out = new StringWriter();
        try (JsonGenerator g = (format == ConfigFormat.JSON ? Writing.JSON : Writing.YAML).createGenerator(out)) {
            if (format == ConfigFormat.JSON) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            emit(plain, g);
        } catch (IOException e) { // a StringWriter does not fail
            throw new UncheckedIOException(e);
        }
        String text = out.toString();
        return text.endsWith("\n") ? text : text + '\n';
    }

    /**
     * Writes a specification to a file, in the format its name implies.
     *
     * @param spec the specification
     * @param file the file; {@code .json}, {@code .yaml} or {@code .yml}
     * @throws ConfigException if the file name has another extension; nothing is written then
     * @throws IllegalArgumentException if part of the specification cannot be written, as for
     *         {@link #write(LoadBalancerSpec, ConfigFormat)}
     * @throws IOException if the file cannot be written
     * @throws NullPointerException if an argument is {@code null}
     */
    public static void write(LoadBalancerSpec spec, Path file) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(file, "file");
        Files.writeString(file, write(spec, ConfigFormat.of(file)), StandardCharsets.UTF_8);
    }

    /**
     * Returns the path of every field a file can hold, written as in the README's specification reference:
     * from the root, separated by dots, with {@code []} for any element of a list, such as
     * {@code listeners[].backendService.servers.static[].address}. Objects and lists are listed themselves as
     * well as their fields; the fields of a placement are listed under each placement
     * ({@code listeners[].backendService.servers.availabilityGroup.placement.zones}); maps and lists of strings
     * are listed without their entries.
     *
     * @return the paths, sorted; the set cannot be modified
     */
    public static SortedSet<String> fields() {
        return FIELDS;
    }

    private static void emit(Object value, JsonGenerator g) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                emit(e.getValue(), g);
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                emit(element, g);
            }
            g.writeEndArray();
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value.toString());
        }
    }
}
