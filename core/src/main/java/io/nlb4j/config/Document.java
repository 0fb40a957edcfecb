package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.SpecPath;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

/**
 * A YAML or JSON document read in one pass into a small tree that remembers where each value and each key
 * starts, so that every problem found later can be given a line and column.
 *
 * <p>Before parsing, the text passes {@link Text}'s checks (size, characters). While parsing, the limits of
 * {@link SpecFiles} hold: nesting depth and the values aliases repeat. YAML anchors ({@code &name}), aliases
 * ({@code *name}) and merge keys ({@code <<: *name}) are resolved here, so that an alias is the value it names:
 * the tree shares that value's nodes, which keep the place where it is written.
 */
final class Document {

    /**
     * The limits of the parsers themselves, above those of {@link SpecFiles} so that never they but the
     * checks here, which give a path, a place and a sentence, refuse a document.
     */
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNumberLength(SpecFiles.MAX_DOCUMENT_BYTES)
            .maxStringLength(SpecFiles.MAX_DOCUMENT_BYTES)
            .maxNameLength(SpecFiles.MAX_DOCUMENT_BYTES)
            .build();

    /** An empty plain value ({@code healthCheck:}) is null, as in YAML; a quoted one ({@code send: ""}) is text. */
    private static final AnchoredYamlFactory YAML = new AnchoredYamlFactory(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(CONSTRAINTS)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION));
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The longest number read exactly; a longer integer is beyond any range a field takes (1000, as Jackson). */
    private static final int MAX_NUMBER_TEXT = 1000;
    /** Stands for an integer too long to read exactly: beyond every range. */
    private static final BigDecimal BEYOND_ANY_RANGE = BigDecimal.TEN.pow(MAX_NUMBER_TEXT);

    /** YAML's merge key. */
    private static final String MERGE = "<<";

    /** Where SnakeYAML's messages, passed on by Jackson, say the problem is (1-based in the text). */
    private static final Pattern YAML_MARK = Pattern.compile("line (\\d+), column (\\d+):");
    /** How the JSON parser names a place in its messages, with a description of the text we leave out. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]");
    /** How the JSON parser shows a character: {@code ('}' (code 125))}. */
    private static final Pattern CHARACTER = Pattern.compile("\\(('.{1,2}') \\(code [^)]*\\)\\)|('.{1,2}') \\(code [^)]*\\)");
    private static final Pattern CONTROL = Pattern.compile("\\(CTRL-CHAR, code (\\d+)\\)");
    /** The JSON parser's advice to enable one of its features, which a user of this library cannot. */
    private static final Pattern ENABLE = Pattern.compile(
            ":? *(?:\\(consider )?enabl(?:e|ing) `[^`]*`[^)]*?(?:to allow[^)]*)?\\)?$|, from `[^`]*`");
    private static final Pattern COMMENT = Pattern.compile(
            "maybe a \\(non-standard\\) comment\\? \\(not recognized as one since Feature '\\w+' not enabled for parser\\)");

    private Document() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(SpecFiles.MAX_DOCUMENT_BYTES); // never reached: no more code points than bytes
        return options;
    }

    /** A value in the document, with the line and column (1-based) where it starts. */
    abstract static sealed class Node permits ObjectNode, ListNode, ScalarNode {
        final int line;
        final int column;
        /** Levels of objects and lists in this value, itself included: 0 for a scalar. */
        int height;
        /** Values in this value, itself included, counting those aliases repeat as often as they do. */
        long size = 1;

        Node(JsonLocation at) {
            this.line = Math.max(0, at.getLineNr());
            this.column = Math.max(0, at.getColumnNr());
        }

        /** The value as messages show it: a quoted string, a number, {@code an object}, {@code a list}. */
        abstract String shown();

        boolean isNull() {
            return false;
        }
    }

    /** A field of an object: its key, where the key starts, and its value. */
    record Member(String key, int line, int column, Node value) {
    }

    /** An object: its members in the order of the document, those merged in ({@code <<}) last. */
    static final class ObjectNode extends Node {
        final Map<String, Member> members = new LinkedHashMap<>();

        ObjectNode(JsonLocation at) {
            super(at);
        }

        @Override
        String shown() {
            return "an object";
        }
    }

    /** A list. */
    static final class ListNode extends Node {
        final List<Node> elements = new ArrayList<>();

        ListNode(JsonLocation at) {
            super(at);
        }

        @Override
        String shown() {
            return "a list";
        }
    }

    /** A string, number, boolean or null. */
    static final class ScalarNode extends Node {
        private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
        private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

        final JsonToken token;
        final String text;
        /**
         * The exact value of a number; {@code null} for other tokens and for numbers without one that can be
         * used (YAML's {@code .inf} and {@code .nan}, fractions of more than 1000 characters).
         */
        final BigDecimal number;

        ScalarNode(JsonLocation at, JsonToken token, String text, BigDecimal number) {
            super(at);
            this.token = token;
            this.text = text;
            this.number = number;
        }

        @Override
        String shown() {
            return token == JsonToken.VALUE_STRING ? '"' + text + '"' : text;
        }

        @Override
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        boolean isNumber() {
            return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        }

        /**
         * The value as an {@code int}, if it is a whole number within that range. A number is whole whatever
         * its form, as in JSON Schema: {@code 8080}, {@code 8080.0} and {@code 8.08e3} are the same integer.
         *
         * @return the value, or {@code null} if it is no number, not whole or beyond the range of an int
         */
        Integer intValue() {
            return isWhole() && number.compareTo(INT_MIN) >= 0 && number.compareTo(INT_MAX) <= 0
                    ? Integer.valueOf(number.intValueExact()) : null;
        }

        /**
         * Whether a whole number is too large or too small for an {@code int}.
         *
         * @return 1 if above, -1 if below, 0 if in range or not a whole number
         */
        int beyondInt() {
            if (!isWhole()) {
                return 0;
            }
            return number.compareTo(INT_MAX) > 0 ? 1 : number.compareTo(INT_MIN) < 0 ? -1 : 0;
        }

        private boolean isWhole() {
            // compares magnitudes and scales only: cheap even for 1e999999999
            return number != null && (number.scale() <= 0 || number.signum() == 0
                    || number.stripTrailingZeros().scale() <= 0);
        }
    }

    /**
     * Parses text into a tree.
     *
     * @return the root value
     * @throws ConfigException with the one problem that stops reading: a document too large, holding a control
     *         character, empty, malformed, nested too deep, with a duplicated key, an alias of no anchor, or
     *         content after the first value
     */
    static Node parse(String text, ConfigFormat format, String source) {
        Text.checkSize(text, source);
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is no content
        Text.checkCharacters(body, format, source);
        if (body.isBlank()) {
            throw empty(source);
        }
        JsonParser p = null;
        try {
            p = format == ConfigFormat.JSON ? JSON.createParser(new StringReader(body))
                    : YAML.createParser(new StringReader(body));
            Reading reading = new Reading(p, source);
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL && p.getText().isEmpty() && p.nextToken() == null) {
                throw empty(source); // only comments, or an empty YAML document (---)
            }
            Node root = reading.read(first, 0);
            if (p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new ConfigException(source, List.of(new Problem("", "more content after the specification",
                        "one YAML document or JSON value", at.getLineNr(), at.getColumnNr())));
            }
            return root;
        } catch (ConfigException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(problem(p, e, format)), e);
        } catch (IOException | RuntimeException e) {
            // a String reader does not fail, and the parsers report malformed text as above; a safeguard
            JsonLocation at = p == null ? null : p.currentLocation();
            throw new ConfigException(source, List.of(new Problem("", "malformed document (not well-formed "
                    + format + ')', "well-formed YAML or JSON", at == null ? 0 : Math.max(0, at.getLineNr()),
                    at == null ? 0 : Math.max(0, at.getColumnNr()))), e);
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException e) { // a String reader does not fail to close
                    // nothing to release
                }
            }
        }
    }

    private static ConfigException empty(String source) {
        return new ConfigException(source, List.of(new Problem("", "empty: no specification in the file",
                "a load balancer specification", 0, 0)));
    }

    /** One parse: the parser, the anchors defined so far, and how many values aliases have repeated. */
    private static final class Reading {
        private final JsonParser p;
        /** The YAML parser, which knows anchors and aliases; {@code null} for JSON. */
        private final AnchoredYamlParser yaml;
        private final String source;
        private final Map<String, Node> anchors = new HashMap<>();
        /** Anchors of the objects and lists being read: an alias inside one cannot name it. */
        private final Set<String> open = new HashSet<>();
        private long repeated;

        Reading(JsonParser p, String source) {
            this.p = p;
            this.yaml = p instanceof AnchoredYamlParser y ? y : null;
            this.source = source;
        }

        /**
         * Reads the value that starts with {@code token}.
         *
         * @param depth how many objects and lists hold it
         */
        Node read(JsonToken token, int depth) throws IOException {
            if (token == null) { // the parsers report this themselves; a safeguard against a silent end
                throw problem("", "unexpected end of document", "a value", p.currentLocation());
            }
            JsonLocation at = p.currentTokenLocation();
            if (yaml != null && yaml.isCurrentAlias()) {
                return alias(p.getText(), at, depth);
            }
            String anchor = yaml == null ? null : yaml.valueAnchor();
            Node node = switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (depth + 1 > SpecFiles.MAX_NESTING_DEPTH) {
                        throw tooDeep(p.getParsingContext().getParent(), at); // the context the value opened
                    }
                    if (anchor != null) {
                        open.add(anchor);
                    }
                    Node collection = token == JsonToken.START_OBJECT ? object(at, depth) : list(at, depth);
                    if (anchor != null) {
                        open.remove(anchor);
                    }
                    yield collection;
                }
                default -> scalar(token, at);
            };
            if (anchor != null) {
                anchors.put(anchor, node);
            }
            return node;
        }

        private ObjectNode object(JsonLocation at, int depth) throws IOException {
            ObjectNode object = new ObjectNode(at);
            List<Node> merged = new ArrayList<>();
            JsonToken t = p.nextToken();
            for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String key = p.currentName();
                JsonLocation keyAt = p.currentTokenLocation();
                String keyAnchor = yaml == null ? null : yaml.valueAnchor();
                if (keyAnchor != null) { // &k name: an alias *k is the text of the key
                    anchors.put(keyAnchor, new ScalarNode(keyAt, JsonToken.VALUE_STRING, key, null));
                }
                boolean merge = yaml != null && MERGE.equals(key) && yaml.isPlainKey();
                String mergePath = merge ? path(p.getParsingContext()) : null;
                JsonToken valueToken = p.nextToken();
                JsonLocation valueAt = p.currentTokenLocation();
                Node value = read(valueToken, depth + 1);
                if (merge) {
                    merged.add(mergeable(value, mergePath, valueAt));
                } else {
                    object.members.put(key, new Member(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
            }
            endOf(t, JsonToken.END_OBJECT);
            // YAML's merge: fields given win; of the objects merged, the first to give a field
            for (Node m : merged) {
                for (Node source : m instanceof ListNode list ? list.elements : List.of(m)) {
                    for (Member member : ((ObjectNode) source).members.values()) {
                        object.members.putIfAbsent(member.key(), member);
                    }
                }
            }
            for (Member m : object.members.values()) {
                add(object, m.value());
            }
            object.height++;
            return object;
        }

        private ListNode list(JsonLocation at, int depth) throws IOException {
            ListNode list = new ListNode(at);
            JsonToken t = p.nextToken();
            for (; t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                Node element = read(t, depth + 1);
                list.elements.add(element);
                add(list, element);
            }
            endOf(t, JsonToken.END_ARRAY);
            list.height++;
            return list;
        }

        private static void add(Node collection, Node child) {
            collection.height = Math.max(collection.height, child.height);
            collection.size += child.size;
        }

        private ScalarNode scalar(JsonToken token, JsonLocation at) throws IOException {
            String text = switch (token) {
                case VALUE_NULL -> "null";
                case VALUE_EMBEDDED_OBJECT -> "binary data"; // YAML's !!binary
                default -> p.getText();
            };
            BigDecimal number = null;
            if (token == JsonToken.VALUE_NUMBER_INT) {
                try {
                    number = text.length() > MAX_NUMBER_TEXT
                            ? text.startsWith("-") ? BEYOND_ANY_RANGE.negate() : BEYOND_ANY_RANGE
                            : new BigDecimal(p.getBigIntegerValue());
                } catch (JsonProcessingException | NumberFormatException e) {
                    number = null; // a form of integer the parser cannot convert; reported as not an integer
                }
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT && text.length() <= MAX_NUMBER_TEXT) {
                try {
                    number = p.getDecimalValue();
                } catch (JsonProcessingException | NumberFormatException e) {
                    number = null; // YAML's .inf and .nan, or an exponent beyond any BigDecimal
                }
            }
            return new ScalarNode(at, token, text, number);
        }

        /** The value an alias names: one whose anchor came before and that does not hold the alias. */
        private Node alias(String name, JsonLocation at, int depth) {
            Node target = anchors.get(name);
            if (target == null || open.contains(name)) {
                throw problem(path(p.getParsingContext()), "alias *" + name, open.contains(name)
                        ? "an alias of a value that does not hold it; &" + name + " holds this alias"
                        : "an anchor &" + name + " defined before the alias", at);
            }
            if (depth + target.height > SpecFiles.MAX_NESTING_DEPTH) {
                throw tooDeep(p.getParsingContext(), at);
            }
            repeated += target.size;
            if (repeated > SpecFiles.MAX_ALIASED_VALUES) {
                throw problem(path(p.getParsingContext()), "alias *" + name, "aliases repeating at most "
                        + SpecFiles.MAX_ALIASED_VALUES + " values in all; with this one they repeat " + repeated, at);
            }
            return target;
        }

        /** The value of a merge key: an object or a list of objects. */
        private Node mergeable(Node value, String path, JsonLocation at) {
            boolean objects = value instanceof ObjectNode
                    || value instanceof ListNode list && list.elements.stream().allMatch(e -> e instanceof ObjectNode);
            if (!objects) {
                throw problem(path, value.shown(), "an object or a list of objects to merge (YAML's merge key <<)",
                        at);
            }
            return value;
        }

        /** A value nested too deep, in the context that holds it. */
        private ConfigException tooDeep(JsonStreamContext holder, JsonLocation at) {
            int max = SpecFiles.MAX_NESTING_DEPTH;
            return problem(path(holder), "document nested deeper than " + max + " levels",
                    "at most " + max + " levels of objects and lists", at);
        }

        private ConfigException problem(String path, String value, String expected, JsonLocation at) {
            return new ConfigException(source, List.of(new Problem(path, value, expected, Math.max(0, at.getLineNr()),
                    Math.max(0, at.getColumnNr()))));
        }

        private void endOf(JsonToken found, JsonToken expected) {
            if (found != expected) { // the parsers report this themselves; a safeguard against a silent end
                throw problem("", "unexpected end of document", "the end of the object or list",
                        p.currentLocation());
            }
        }
    }

    private static Problem problem(JsonParser p, JsonProcessingException e, ConfigFormat format) {
        String message = e.getOriginalMessage();
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        if (message != null && message.startsWith("Duplicate field '") && p != null) {
            if (format == ConfigFormat.YAML) { // the YAML parser's token is the second key itself
                JsonLocation key = p.currentTokenLocation();
                line = key.getLineNr();
                column = key.getColumnNr();
            }
            return new Problem(path(p.getParsingContext()), "duplicate field", "each field given once", line, column);
        }
        if (p instanceof AnchoredYamlParser yaml && message != null && message.startsWith("Expected a field name")) {
            Event found = yaml.lastEvent();
            String key = found instanceof AliasEvent ? "an alias" : found instanceof MappingStartEvent ? "an object"
                    : found instanceof SequenceStartEvent ? "a list" : "a value that is not text";
            int[] place = found == null || found.getStartMark() == null ? new int[] {line, column}
                    : new int[] {found.getStartMark().getLine() + 1, found.getStartMark().getColumn() + 1};
            JsonStreamContext object = p.getParsingContext(); // its name is that of the field before
            return new Problem(path(object.inObject() ? object.getParent() : object), key + " as a field name",
                    "a field name: text, a number or a boolean", place[0], place[1]);
        }
        if (format == ConfigFormat.YAML && message != null) {
            // Jackson's location is the last token read; the YAML parser's message says where the problem is.
            Matcher m = YAML_MARK.matcher(message);
            while (m.find()) {
                line = Integer.parseInt(m.group(1));
                column = Integer.parseInt(m.group(2));
            }
        }
        return new Problem("", "malformed document (" + summary(message, format) + ')', "well-formed YAML or JSON",
                line, column);
    }

    /** The path of a parser's context, such as {@code listeners[0].backendService.port}. */
    private static String path(JsonStreamContext context) {
        List<JsonStreamContext> contexts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            contexts.add(c);
        }
        Collections.reverse(contexts);
        String path = "";
        for (JsonStreamContext c : contexts) {
            if (c.inArray()) {
                path += "[" + Math.max(0, c.getCurrentIndex()) + ']';
            } else if (c.getCurrentName() != null) {
                path = SpecPath.of(path, c.getCurrentName());
            }
        }
        return path;
    }

    /**
     * Shortens a parser message to its statements on one line: the YAML parser puts the context ("while
     * parsing a block mapping") and the problem ("expected &lt;block end&gt;") on separate lines, each
     * followed by indented lines quoting the source, which the line and column already point to. What the
     * parsers say about themselves (their features, limits and classes) is left out: a message that still
     * names code after that says only that the document is not well-formed.
     */
    static String summary(String message, ConfigFormat format) {
        if (message == null) {
            return "not well-formed " + format;
        }
        String joined = SOURCE.matcher(message).replaceAll("line $1, column $2").lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(String::trim).collect(Collectors.joining(": "));
        String text = joined.isEmpty() ? message.trim() : joined;
        text = CHARACTER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null ? m.group(1)
                : m.group(2)));
        text = CONTROL.matcher(text).replaceAll(m -> String.format("U+%04X", Integer.parseInt(m.group(1))));
        text = COMMENT.matcher(text).replaceAll("comments are not allowed in JSON");
        text = text.replace("JSON spec does not allow numbers to have plus signs",
                "JSON does not allow a plus sign before a number");
        text = ENABLE.matcher(text).replaceAll("").trim();
        return text.isEmpty() || Text.namesCode(text) ? "not well-formed " + format : text;
    }

    /**
     * Finds where the value at a path starts; for a path that is not in the document (a missing field),
     * where the innermost object or list on the way to it starts.
     *
     * @param root the document's root
     * @param path a path such as {@code listeners[0].backendService.servers.static[1].port}, with keys as
     *        {@link SpecPath} writes them
     * @return the node found
     */
    static Node locate(Node root, String path) {
        Node node = root;
        for (PathSteps.Step step : PathSteps.of(path)) {
            Node next = null;
            if (step.isIndex()) {
                if (node instanceof ListNode list && step.index() < list.elements.size()) {
                    next = list.elements.get(step.index());
                }
            } else if (step.key() != null && node instanceof ObjectNode object) {
                Member member = object.members.get(step.key());
                next = member == null ? null : member.value();
            }
            if (next == null) {
                return node;
            }
            node = next;
        }
        return node;
    }

    // ---- YAML with anchors ----

    /** Jackson's YAML factory, making parsers that tell the anchor of every value. */
    private static final class AnchoredYamlFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        AnchoredYamlFactory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLParser _createParser(Reader r, IOContext ctxt) {
            return new AnchoredYamlParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }
    }

    /**
     * Jackson's YAML parser, which tells the anchors of objects and lists but not of scalars, nor whether a
     * key is plain: both are read from the last event of SnakeYAML it took, which it keeps for its subclasses.
     */
    private static final class AnchoredYamlParser extends YAMLParser {
        AnchoredYamlParser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options,
                           ObjectCodec codec, Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
        }

        /** The anchor of the value or key just read, or {@code null}. */
        String valueAnchor() {
            return _lastEvent instanceof NodeEvent e && !(e instanceof AliasEvent) ? e.getAnchor() : null;
        }

        /** Whether the field name just read is written plain, as a merge key must be. */
        boolean isPlainKey() {
            return _lastEvent instanceof ScalarEvent s && s.isPlain();
        }

        Event lastEvent() {
            return _lastEvent;
        }
    }
}
