package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.nlb4j.config.ConfigException.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A YAML or JSON document read in one pass into a small tree that remembers where each value and each key
 * starts, so that every problem found later can be given a line and column.
 */
final class Document {

    /** An empty plain value ({@code healthCheck:}) is null, as in YAML; a quoted one ({@code send: ""}) is text. */
    private static final JsonFactory YAML = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Where SnakeYAML's messages, passed on by Jackson, say the problem is (1-based in the text). */
    private static final Pattern YAML_MARK = Pattern.compile("line (\\d+), column (\\d+):");
    /** How the JSON parser names a place in its messages, with a description of the text we leave out. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]");

    private Document() {
    }

    /** A value in the document, with the line and column (1-based) where it starts. */
    abstract static sealed class Node permits ObjectNode, ListNode, ScalarNode {
        final int line;
        final int column;

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

    /** An object: its members in the order of the document. */
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
        final JsonToken token;
        final String text;
        /** The number, for numeric tokens; {@code null} otherwise. */
        final Number number;

        ScalarNode(JsonLocation at, JsonToken token, String text, Number number) {
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
    }

    /**
     * Parses text into a tree.
     *
     * @return the root value
     * @throws ConfigException with the one problem that stops reading: an empty, malformed or duplicated-key
     *         document, or content after the first value
     */
    static Node parse(String text, ConfigFormat format, String source) {
        if (text.isBlank()) {
            throw new ConfigException(source, List.of(new Problem("", "empty file", "a load balancer specification",
                    0, 0)));
        }
        try (JsonParser p = (format == ConfigFormat.JSON ? JSON : YAML).createParser(text)) {
            try {
                JsonToken first = p.nextToken();
                if (first == null) { // only comments
                    throw new ConfigException(source, List.of(new Problem("", "empty file",
                            "a load balancer specification", 0, 0)));
                }
                Node root = read(p, first);
                if (p.nextToken() != null) {
                    JsonLocation at = p.currentTokenLocation();
                    throw new ConfigException(source, List.of(new Problem("", "more content after the specification",
                            "one YAML document or JSON value", at.getLineNr(), at.getColumnNr())));
                }
                return root;
            } catch (JsonProcessingException e) {
                throw new ConfigException(source, List.of(problem(p, e, format)), e);
            }
        } catch (IOException e) { // a String reader fails only on malformed content, handled above
            throw new ConfigException(source, List.of(new Problem("", "malformed document (" + e.getMessage() + ')',
                    "well-formed YAML or JSON", 0, 0)), e);
        }
    }

    private static Node read(JsonParser p, JsonToken token) throws IOException {
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of document, expected a value");
        }
        JsonLocation at = p.currentTokenLocation();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = new ObjectNode(at);
                JsonToken t = p.nextToken();
                for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    Node value = read(p, p.nextToken());
                    object.members.put(key, new Member(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
                endOf(p, t, JsonToken.END_OBJECT);
                return object;
            }
            case START_ARRAY -> {
                ListNode list = new ListNode(at);
                JsonToken t = p.nextToken();
                for (; t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.elements.add(read(p, t));
                }
                endOf(p, t, JsonToken.END_ARRAY);
                return list;
            }
            default -> {
                Number number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT
                        ? p.getNumberValue() : null;
                return new ScalarNode(at, token, token == JsonToken.VALUE_NULL ? "null" : p.getText(), number);
            }
        }
    }

    private static void endOf(JsonParser p, JsonToken found, JsonToken expected) throws JsonParseException {
        if (found != expected) { // the parsers report this themselves; a safeguard against a silent end
            throw new JsonParseException(p, "unexpected end of document, expected " + expected);
        }
    }

    private static Problem problem(JsonParser p, JsonProcessingException e, ConfigFormat format) {
        String message = e.getOriginalMessage();
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        if (message != null && message.startsWith("Duplicate field '")) {
            if (format == ConfigFormat.YAML) { // the YAML parser's token is the second key itself
                JsonLocation key = p.currentTokenLocation();
                line = key.getLineNr();
                column = key.getColumnNr();
            }
            return new Problem(path(p.getParsingContext()), "duplicate field", "each field given once", line, column);
        }
        if (format == ConfigFormat.YAML && message != null) {
            // Jackson's location is the last token read; the YAML parser's message says where the problem is.
            Matcher m = YAML_MARK.matcher(message);
            while (m.find()) {
                line = Integer.parseInt(m.group(1));
                column = Integer.parseInt(m.group(2));
            }
        }
        return new Problem("", "malformed document (" + summary(message) + ')', "well-formed YAML or JSON", line,
                column);
    }

    /** The path of a parser's context, such as {@code listeners[0].backendService.port}. */
    private static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add("[" + Math.max(0, c.getCurrentIndex()) + ']');
            } else if (c.getCurrentName() != null) {
                parts.add(c.getCurrentName());
            }
        }
        Collections.reverse(parts);
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append(sb.length() > 0 && part.charAt(0) != '[' ? "." : "").append(part);
        }
        return sb.toString();
    }

    /**
     * Shortens a parser message to its statements on one line: the YAML parser puts the context ("while
     * parsing a block mapping") and the problem ("expected &lt;block end&gt;") on separate lines, each
     * followed by indented lines quoting the source, which the line and column already point to.
     */
    private static String summary(String message) {
        if (message == null) {
            return "no detail";
        }
        String joined = SOURCE.matcher(message).replaceAll("line $1, column $2").lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(String::trim).collect(Collectors.joining(": "));
        return joined.isEmpty() ? message.trim() : joined;
    }

    /**
     * Finds where the value at a path starts; for a path that is not in the document (a missing field),
     * where the innermost object or list on the way to it starts.
     *
     * @param root the document's root
     * @param path a path such as {@code listeners[0].backendService.servers.static[1].port}
     * @return the node found
     */
    static Node locate(Node root, String path) {
        Node node = root;
        String rest = path;
        while (!rest.isEmpty()) {
            if (rest.charAt(0) == '[') {
                int close = rest.indexOf(']');
                int index;
                try {
                    index = Integer.parseInt(rest.substring(1, close));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    return node;
                }
                if (!(node instanceof ListNode list) || index < 0 || index >= list.elements.size()) {
                    return node;
                }
                node = list.elements.get(index);
                rest = rest.substring(close + 1);
            } else {
                if (rest.charAt(0) == '.') {
                    rest = rest.substring(1);
                }
                Member member = node instanceof ObjectNode object ? longestKey(object, rest) : null;
                if (member == null) {
                    return node;
                }
                node = member.value();
                rest = rest.substring(member.key().length());
            }
        }
        return node;
    }

    /** The member whose key starts the path, the longest if several do (map keys may hold dots). */
    private static Member longestKey(ObjectNode object, String path) {
        Member found = null;
        for (Member m : object.members.values()) {
            String k = m.key();
            boolean starts = path.startsWith(k) && (path.length() == k.length() || path.charAt(k.length()) == '.'
                    || path.charAt(k.length()) == '[');
            if (starts && (found == null || k.length() > found.key().length())) {
                found = m;
            }
        }
        return found;
    }
}
