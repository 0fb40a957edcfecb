package io.nlb4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and writes load balancer specifications as YAML or JSON.
 *
 * <p>Reading is strict: unknown fields, wrong types, duplicate keys and values out of range are errors.
 * All problems are reported together in one {@link ConfigException}, each with its path and line and
 * column; the same validation runs as for builders ({@link LoadBalancerSpec#validate()}). Durations are
 * written as {@code 30s}, {@code 5m}, {@code 1h} and read in those forms or ISO-8601. Writing then reading
 * a specification gives an equal one.
 */
public final class SpecFiles {

    private static final ObjectMapper YAML_MAPPER = configure(YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build()));
    private static final ObjectMapper JSON_MAPPER = configure(JsonMapper.builder());

    /** Unknown fields are found in the order their objects are completed; they are reported in the file's order. */
    private static final Comparator<ConfigException.Problem> IN_DOCUMENT_ORDER =
            Comparator.comparingInt(ConfigException.Problem::line).thenComparingInt(ConfigException.Problem::column);

    private SpecFiles() {
    }

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>>
            ObjectMapper configure(B builder) {
        return builder
                .addModule(new Jdk8Module())
                .addModule(new SpecModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY,
                        JsonInclude.Include.NON_EMPTY))
                .build();
    }

    /**
     * Reads a specification from a file; {@code .json} files are JSON, {@code .yaml} and {@code .yml} YAML.
     *
     * @param file the file
     * @return the validated specification
     * @throws ConfigException if the file is missing, unreadable, malformed or holds an invalid specification
     */
    public static LoadBalancerSpec read(Path file) {
        ConfigFormat format = ConfigFormat.of(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigException.Problem("", "no such file",
                    "an existing, readable " + format + " file", 0, 0)), e);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigException.Problem("",
                    "unreadable file (" + e.getMessage() + ')', "an existing, readable " + format + " file", 0, 0)), e);
        }
        return read(text, format, file.toString());
    }

    /**
     * Reads a specification from text.
     *
     * @param text the YAML or JSON text
     * @param format its format
     * @return the validated specification
     * @throws ConfigException listing every problem
     */
    public static LoadBalancerSpec read(String text, ConfigFormat format) {
        return read(text, format, format.name().toLowerCase(java.util.Locale.ROOT) + " text");
    }

    /**
     * Reads a specification from text, naming its source in error messages.
     *
     * @param text the YAML or JSON text
     * @param format its format
     * @param source a name for the text in error messages, such as a file name
     * @return the validated specification
     * @throws ConfigException listing every problem
     */
    public static LoadBalancerSpec read(String text, ConfigFormat format, String source) {
        ObjectMapper mapper = mapper(format);
        if (text.isBlank()) {
            throw new ConfigException(source, List.of(new ConfigException.Problem("", "empty file",
                    "a load balancer specification", 0, 0)));
        }
        Map<String, JsonLocation> locations = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        try {
            scan(mapper.getFactory(), text, locations, values);
        } catch (IOException e) {
            throw new ConfigException(source, List.of(problem(e, locations, values)), e);
        }
        List<ConfigException.Problem> problems = new ArrayList<>();
        LoadBalancerSpec spec;
        Set<String> badPaths = new HashSet<>();
        try {
            spec = mapper.readerFor(LoadBalancerSpec.class)
                    .withHandler(new CollectUnknownFields(problems, locations))
                    .readValue(text);
        } catch (JsonMappingException e) {
            if (e instanceof UnrecognizedPropertyException || e.getPath().isEmpty()) {
                problems.sort(IN_DOCUMENT_ORDER);
                problems.add(problem(e, locations, values));
                throw new ConfigException(source, problems, e);
            }
            // A value of the wrong type stops Jackson; read again without it, so that every problem of the
            // file is reported at once.
            spec = rereadWithout(mapper, text, e, problems, badPaths, locations, values, source);
        } catch (IOException e) {
            problems.sort(IN_DOCUMENT_ORDER);
            problems.add(problem(e, locations, values));
            throw new ConfigException(source, problems, e);
        }
        if (spec == null) {
            throw new ConfigException(source, List.of(new ConfigException.Problem("", "null",
                    "a load balancer specification", 0, 0)));
        }
        problems.sort(IN_DOCUMENT_ORDER);
        for (Violation v : spec.violations()) {
            if (under(v.path(), badPaths)) {
                continue; // the value was already reported as being of the wrong type
            }
            JsonLocation loc = locate(locations, v.path());
            problems.add(new ConfigException.Problem(v.path(), v.value(), v.expected(),
                    loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return spec;
    }

    /** The most values of the wrong type reported from one file. */
    private static final int MAX_TYPE_PROBLEMS = 50;

    /**
     * Reads the document again as a tree, removing each value of the wrong type in turn, until it binds.
     * Collects the unknown fields of the last reading and every wrong-typed value into {@code problems};
     * throws them all if the document still cannot be bound.
     */
    private static LoadBalancerSpec rereadWithout(ObjectMapper mapper, String text, JsonMappingException first,
                                                  List<ConfigException.Problem> problems, Set<String> badPaths,
                                                  Map<String, JsonLocation> locations, Map<String, String> values,
                                                  String source) {
        List<ConfigException.Problem> typeProblems = new ArrayList<>();
        typeProblems.add(problem(first, locations, values));
        badPaths.add(path(first.getPath()));
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (IOException e) {
            problems.sort(IN_DOCUMENT_ORDER);
            problems.addAll(typeProblems);
            throw new ConfigException(source, problems, first);
        }
        JsonMappingException last = first;
        while (remove(tree, last.getPath()) && typeProblems.size() < MAX_TYPE_PROBLEMS) {
            List<ConfigException.Problem> unknown = new ArrayList<>();
            try {
                LoadBalancerSpec spec = mapper.readerFor(LoadBalancerSpec.class)
                        .withHandler(new CollectUnknownFields(unknown, locations))
                        .readValue(tree);
                problems.clear();
                problems.addAll(unknown);
                problems.addAll(typeProblems);
                return spec;
            } catch (JsonMappingException e) {
                String path = path(e.getPath());
                if (badPaths.contains(path) || e instanceof UnrecognizedPropertyException) {
                    break;
                }
                boolean consequence = badPaths.stream().anyMatch(bad -> under(bad, Set.of(path)));
                badPaths.add(path);
                if (!consequence) { // not an object left incomplete by the removal of a bad value inside it
                    typeProblems.add(located(problem(e, locations, values), locations));
                }
                problems.clear();
                problems.addAll(unknown);
                last = e;
            } catch (IOException e) {
                break;
            }
        }
        problems.addAll(typeProblems);
        problems.sort(IN_DOCUMENT_ORDER);
        throw new ConfigException(source, problems, first);
    }

    /** Removes the value at a path from a tree (an array element becomes null, keeping the indexes). */
    private static boolean remove(JsonNode root, List<JsonMappingException.Reference> refs) {
        if (refs.isEmpty()) {
            return false;
        }
        JsonNode parent = root;
        for (int i = 0; i < refs.size() - 1 && parent != null; i++) {
            JsonMappingException.Reference r = refs.get(i);
            parent = r.getFieldName() != null ? parent.get(r.getFieldName()) : parent.get(r.getIndex());
        }
        JsonMappingException.Reference last = refs.get(refs.size() - 1);
        if (last.getFieldName() != null && parent instanceof ObjectNode) {
            return ((ObjectNode) parent).remove(last.getFieldName()) != null;
        }
        if (last.getIndex() >= 0 && parent instanceof ArrayNode && last.getIndex() < parent.size()) {
            ((ArrayNode) parent).set(last.getIndex(), NullNode.getInstance());
            return true;
        }
        return false;
    }

    /** A problem found on a tree, which has no locations: located from the scan of the text. */
    private static ConfigException.Problem located(ConfigException.Problem p, Map<String, JsonLocation> locations) {
        if (p.line() > 0) {
            return p;
        }
        JsonLocation loc = locate(locations, p.path());
        return loc == null ? p : new ConfigException.Problem(p.path(), p.value(), p.expected(), loc.getLineNr(),
                loc.getColumnNr());
    }

    /** Whether a path is one of, or lies under one of, the given paths. */
    private static boolean under(String path, Set<String> roots) {
        for (String r : roots) {
            if (path.equals(r) || path.startsWith(r + '.') || path.startsWith(r + '[')) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes a specification as text.
     *
     * @param spec the specification
     * @param format the format
     * @return the text
     * @throws IllegalArgumentException naming the field if part of the specification cannot be written,
     *         such as a launcher or membership provider given as a lambda or object
     */
    public static String write(LoadBalancerSpec spec, ConfigFormat format) {
        try {
            return mapper(format).writeValueAsString(spec);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(path(e.getPath()) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write load balancer \"" + spec.name() + "\": " + e, e);
        }
    }

    /**
     * Writes a specification to a file, in the format its name implies.
     *
     * @param spec the specification
     * @param file the file; {@code .json}, {@code .yaml} or {@code .yml}
     * @throws IOException if the file cannot be written
     */
    public static void write(LoadBalancerSpec spec, Path file) throws IOException {
        Files.writeString(file, write(spec, ConfigFormat.of(file)), StandardCharsets.UTF_8);
    }

    private static ObjectMapper mapper(ConfigFormat format) {
        return format == ConfigFormat.JSON ? JSON_MAPPER : YAML_MAPPER;
    }

    // ---- locations ----

    /**
     * Records where every value starts, by path, so that validation errors can name lines, and what each
     * value is, so that a value of the wrong type can be named (Jackson closes its parser before we see
     * the error).
     */
    private static void scan(JsonFactory factory, String text, Map<String, JsonLocation> out,
                             Map<String, String> values) throws IOException {
        try (JsonParser p = factory.createParser(text)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext ctx = p.getParsingContext();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                String path = path(ctx);
                if (out.putIfAbsent(path, p.currentTokenLocation()) == null) {
                    values.put(path, describeValue(p, t));
                }
            }
        }
    }

    /** Describes a value: {@code an object}, {@code a list}, a quoted string or the text of another scalar. */
    private static String describeValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            return "an object";
        }
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        if (t == JsonToken.VALUE_NULL) {
            return "absent";
        }
        if (t == JsonToken.VALUE_STRING) {
            return '"' + p.getText() + '"';
        }
        return t.isScalarValue() ? p.getText() : "a value of the wrong type";
    }

    private static JsonLocation locate(Map<String, JsonLocation> locations, String path) {
        String p = path;
        while (true) {
            JsonLocation loc = locations.get(p);
            if (loc != null || p.isEmpty()) {
                return loc;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }

    private static String path(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add("[" + Math.max(0, c.getCurrentIndex()) + ']');
            } else if (c.getCurrentName() != null) {
                parts.add(c.getCurrentName());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) {
            String part = parts.get(i);
            if (sb.length() > 0 && part.charAt(0) != '[') {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    // ---- problems ----

    private static ConfigException.Problem problem(IOException e, Map<String, JsonLocation> locations,
                                                   Map<String, String> values) {
        JsonLocation loc = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getLocation() : null;
        int line = loc == null ? 0 : loc.getLineNr();
        int column = loc == null ? 0 : loc.getColumnNr();
        if (e.getCause() instanceof MarkedYAMLException
                && ((MarkedYAMLException) e.getCause()).getProblemMark() != null) {
            // Jackson gives the last token read; SnakeYAML knows where the problem is (0-based).
            Mark mark = ((MarkedYAMLException) e.getCause()).getProblemMark();
            line = mark.getLine() + 1;
            column = mark.getColumn() + 1;
        }
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            return new ConfigException.Problem(path(u.getPath()), "unknown field",
                    "one of " + names(u.getKnownPropertyIds()), line, column);
        }
        if (e instanceof JsonMappingException) {
            JsonMappingException m = (JsonMappingException) e;
            String path = path(m.getPath());
            String own = ownMessage(m);
            if (own != null) {
                int cut = own.lastIndexOf(" (expected: ");
                return new ConfigException.Problem(path, own.substring(0, cut),
                        own.substring(cut + 12, own.length() - 1), line, column);
            }
            String original = m.getOriginalMessage();
            if (original != null && original.startsWith("Trailing token")) {
                return new ConfigException.Problem(path, "more content after the specification",
                        "one YAML document or JSON value", line, column);
            }
            Class<?> target = m instanceof MismatchedInputException ? ((MismatchedInputException) m).getTargetType()
                    : null;
            String value;
            if (original != null && (original.startsWith("Missing required creator property")
                    || original.startsWith("Cannot map `null` into type"))) {
                value = "absent";
                // Point at the null, or else at the object that lacks the field, not at the object's end.
                JsonLocation where = locate(locations, path);
                if (where != null) {
                    line = where.getLineNr();
                    column = where.getColumnNr();
                }
            } else if (m instanceof InvalidFormatException) {
                Object v = ((InvalidFormatException) m).getValue();
                value = v instanceof String ? '"' + (String) v + '"' : String.valueOf(v);
            } else {
                value = values.getOrDefault(path, "a value of the wrong type");
            }
            return new ConfigException.Problem(path, value, describe(target), line, column);
        }
        String message = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage()
                : e.toString();
        if (e instanceof JsonProcessingException && message != null && message.startsWith("Duplicate field '")
                && ((JsonProcessingException) e).getProcessor() instanceof JsonParser) {
            JsonParser p = (JsonParser) ((JsonProcessingException) e).getProcessor();
            if (p instanceof YAMLParser) { // its token location is the second key itself, not the text after it
                JsonLocation key = p.currentTokenLocation();
                line = key.getLineNr() > 0 ? key.getLineNr() : line;
                column = key.getLineNr() > 0 ? key.getColumnNr() : column;
            }
            return new ConfigException.Problem(path(p.getParsingContext()), "duplicate field",
                    "each field given once", line, column);
        }
        return new ConfigException.Problem("", "malformed document (" + summary(message) + ')',
                "well-formed YAML or JSON", line, column);
    }

    /** Returns a message of ours, in the form {@code value (expected: ...)}, carried by the exception. */
    private static String ownMessage(JsonMappingException m) {
        Throwable cause = m instanceof ValueInstantiationException ? m.getCause() : m;
        String message = cause instanceof JsonMappingException ? ((JsonMappingException) cause).getOriginalMessage()
                : cause == null ? null : cause.getMessage();
        return message != null && message.contains(" (expected: ") && message.endsWith(")") ? message : null;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Duration.class) {
            return SpecModule.DURATION_EXPECTED;
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a map of names to values";
        }
        if (type == Optional.class) {
            return "a value";
        }
        if (type.isRecord()) {
            return "an object with fields " + Arrays.stream(type.getRecordComponents())
                    .map(c -> c.getName().equals("staticServers") ? "static" : c.getName())
                    .collect(Collectors.joining(", "));
        }
        return "a " + type.getSimpleName();
    }

    private static String names(Collection<Object> ids) {
        return ids == null ? "the documented fields"
                : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /**
     * Shortens a parser message to its statements: SnakeYAML puts the context ("while parsing a flow
     * mapping") and the problem ("expected ',' or '}'") on separate lines, each followed by indented lines
     * quoting the source, which the line and column already point to.
     */
    private static String summary(String s) {
        if (s == null) {
            return "no detail";
        }
        String joined = s.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(String::trim).collect(Collectors.joining(": "));
        return joined.isEmpty() ? s.trim() : joined;
    }

    /** Records unknown fields and skips them, so that all of them are reported at once. */
    private static final class CollectUnknownFields extends DeserializationProblemHandler {
        private final List<ConfigException.Problem> problems;
        private final Map<String, JsonLocation> locations;

        CollectUnknownFields(List<ConfigException.Problem> problems, Map<String, JsonLocation> locations) {
            this.problems = problems;
            this.locations = locations;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             JsonDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) throws IOException {
            JsonParser source = ctxt.getParser();
            String fieldPath;
            JsonLocation loc;
            if (p == source) {
                JsonStreamContext ctx = p.getParsingContext();
                if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                fieldPath = path(ctx);
                loc = p.currentTokenLocation();
                if (loc == null || loc.getLineNr() <= 0) { // a tree has no locations: take them from the text
                    loc = locate(locations, fieldPath);
                }
            } else {
                // Records are built through their constructors: Jackson buffers unknown fields until the
                // constructor's values are read, then replays them from a buffer that has neither a reliable
                // path nor locations. The file's parser is then at the end of the object, or at the field
                // after its last constructor value; the path and location are taken from there and the file.
                JsonStreamContext ctx = source.getParsingContext();
                if (source.currentToken() != JsonToken.END_OBJECT && ctx != null) {
                    ctx = ctx.getParent();
                }
                String objectPath = path(ctx);
                fieldPath = objectPath.isEmpty() ? propertyName : objectPath + '.' + propertyName;
                loc = locate(locations, fieldPath);
            }
            Collection<Object> known = deserializer.getKnownPropertyNames();
            problems.add(new ConfigException.Problem(fieldPath, "unknown field",
                    "one of " + names(known), loc == null ? 0 : Math.max(0, loc.getLineNr()),
                    loc == null ? 0 : Math.max(0, loc.getColumnNr())));
            p.skipChildren();
            return true;
        }
    }
}
