package io.nlb4j.balancer.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * A document tree that can hold what a Jackson tree cannot — duplicate keys, raw tokens ({@code 1e400},
 * {@code .inf}), YAML anchors, aliases, merge keys and tags — and writes itself as JSON or as YAML (block style
 * with flow collections here and there). Mutations of specification files are made on it.
 */
final class Docs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** Strings written plain in YAML: nothing a YAML 1.1 reader takes for another type or for syntax. */
    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");
    private static final Pattern YAML_WORDS = Pattern.compile(
            "(?i)y|n|yes|no|on|off|true|false|null|[-+]?\\.?(inf|nan)");

    private Docs() {
    }

    /** A value of the tree. */
    sealed interface Node permits Obj, Arr, Scalar, Alias, Anchored, Tagged {
    }

    /** One key and its value; keys may repeat in an object. {@code rawKey}: written as is (a merge key). */
    static final class Entry {
        String key;
        Node value;
        final boolean rawKey;

        Entry(String key, Node value, boolean rawKey) {
            this.key = key;
            this.value = value;
            this.rawKey = rawKey;
        }
    }

    static final class Obj implements Node {
        final List<Entry> entries = new ArrayList<>();
    }

    static final class Arr implements Node {
        final List<Node> items = new ArrayList<>();
    }

    /** A scalar: {@code raw} ones (numbers, booleans, null, any token) are written as they are, others as strings. */
    record Scalar(String text, boolean raw) implements Node {
        static Scalar str(String s) {
            return new Scalar(s, false);
        }

        static Scalar raw(String s) {
            return new Scalar(s, true);
        }
    }

    record Alias(String name) implements Node {
    }

    record Anchored(String name, Node node) implements Node {
    }

    record Tagged(String tag, Node node) implements Node {
    }

    // ---- from JSON text ----

    static Node parseJson(String json) {
        try {
            return from(JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the JSON SpecFiles wrote does not parse", e);
        }
    }

    static Node from(JsonNode n) {
        if (n.isObject()) {
            Obj o = new Obj();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                o.entries.add(new Entry(e.getKey(), from(e.getValue()), false));
            }
            return o;
        }
        if (n.isArray()) {
            Arr a = new Arr();
            n.forEach(e -> a.items.add(from(e)));
            return a;
        }
        if (n.isTextual()) {
            return Scalar.str(n.textValue());
        }
        return Scalar.raw(n.isNull() ? "null" : n.asText());
    }

    static Node copy(Node n) {
        if (n instanceof Obj o) {
            Obj c = new Obj();
            o.entries.forEach(e -> c.entries.add(new Entry(e.key, copy(e.value), e.rawKey)));
            return c;
        }
        if (n instanceof Arr a) {
            Arr c = new Arr();
            a.items.forEach(i -> c.items.add(copy(i)));
            return c;
        }
        if (n instanceof Anchored an) {
            return new Anchored(an.name(), copy(an.node()));
        }
        if (n instanceof Tagged t) {
            return new Tagged(t.tag(), copy(t.node()));
        }
        return n;
    }

    // ---- places in the tree ----

    /** A place that holds a value: an object's entry or a list's item. */
    static final class Slot {
        final Node container;
        final int index;
        final String path;

        Slot(Node container, int index, String path) {
            this.container = container;
            this.index = index;
            this.path = path;
        }

        Node get() {
            return container instanceof Obj o ? o.entries.get(index).value : ((Arr) container).items.get(index);
        }

        void set(Node value) {
            if (container instanceof Obj o) {
                o.entries.get(index).value = value;
            } else {
                ((Arr) container).items.set(index, value);
            }
        }

        void remove() {
            if (container instanceof Obj o) {
                o.entries.remove(index);
            } else {
                ((Arr) container).items.remove(index);
            }
        }

        /** The key of an object's entry, or {@code null} for a list item. */
        String key() {
            return container instanceof Obj o ? o.entries.get(index).key : null;
        }
    }

    /** Every slot, in document order (a value before the values inside it). */
    static List<Slot> slots(Node root) {
        List<Slot> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Node n, String path, List<Slot> out) {
        Node inner = n instanceof Anchored a ? a.node() : n instanceof Tagged t ? t.node() : n;
        if (inner instanceof Obj o) {
            for (int i = 0; i < o.entries.size(); i++) {
                String p = path.isEmpty() ? o.entries.get(i).key : path + '.' + o.entries.get(i).key;
                out.add(new Slot(o, i, p));
                collect(o.entries.get(i).value, p, out);
            }
        } else if (inner instanceof Arr a) {
            for (int i = 0; i < a.items.size(); i++) {
                String p = path + '[' + i + ']';
                out.add(new Slot(a, i, p));
                collect(a.items.get(i), p, out);
            }
        }
    }

    /** Every object in the tree, the root first. */
    static List<Obj> objects(Node root) {
        List<Obj> out = new ArrayList<>();
        if (root instanceof Obj o) {
            out.add(o);
        }
        for (Slot s : slots(root)) {
            Node v = s.get();
            Node inner = v instanceof Anchored a ? a.node() : v;
            if (inner instanceof Obj o) {
                out.add(o);
            }
        }
        return out;
    }

    // ---- writing ----

    static String toJson(Node root) {
        StringBuilder sb = new StringBuilder();
        json(root, 0, sb);
        return sb.append('\n').toString();
    }

    private static void json(Node n, int indent, StringBuilder sb) {
        if (n instanceof Obj o) {
            if (o.entries.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            for (int i = 0; i < o.entries.size(); i++) {
                Entry e = o.entries.get(i);
                pad(indent + 2, sb);
                sb.append(e.rawKey ? e.key : jsonString(e.key)).append(": ");
                json(e.value, indent + 2, sb);
                sb.append(i + 1 < o.entries.size() ? ",\n" : "\n");
            }
            pad(indent, sb);
            sb.append('}');
        } else if (n instanceof Arr a) {
            if (a.items.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < a.items.size(); i++) {
                pad(indent + 2, sb);
                json(a.items.get(i), indent + 2, sb);
                sb.append(i + 1 < a.items.size() ? ",\n" : "\n");
            }
            pad(indent, sb);
            sb.append(']');
        } else if (n instanceof Scalar s) {
            sb.append(s.raw() ? s.text() : jsonString(s.text()));
        } else if (n instanceof Alias al) {
            sb.append('*').append(al.name()); // no aliases in JSON: malformed, as a mutation
        } else if (n instanceof Anchored an) {
            json(an.node(), indent, sb);
        } else if (n instanceof Tagged t) {
            sb.append(t.tag()).append(' ');
            json(t.node(), indent, sb);
        }
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7F && c <= 0x9F || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Writes YAML in block style; {@code flow} sometimes writes a collection in flow style instead. Strings are
     * double-quoted, except simple words when {@code plain} allows.
     */
    static String toYaml(Node root, Random flow, boolean plain) {
        StringBuilder sb = new StringBuilder();
        if (root instanceof Obj o && !o.entries.isEmpty() || root instanceof Arr a && !a.items.isEmpty()) {
            block(root, 0, sb, flow, plain);
        } else {
            sb.append(inline(root, plain)).append('\n');
        }
        return sb.toString();
    }

    private static void block(Node n, int indent, StringBuilder sb, Random flow, boolean plain) {
        if (n instanceof Obj o) {
            for (Entry e : o.entries) {
                pad(indent, sb);
                sb.append(e.rawKey ? e.key : yamlKey(e.key)).append(':');
                value(e.value, indent, sb, flow, plain);
            }
        } else if (n instanceof Arr a) {
            for (Node item : a.items) {
                pad(indent, sb);
                sb.append('-');
                value(item, indent, sb, flow, plain);
            }
        }
    }

    private static void value(Node v, int indent, StringBuilder sb, Random flow, boolean plain) {
        if (v instanceof Anchored an) {
            sb.append(" &").append(an.name());
            v = an.node();
        } else if (v instanceof Tagged t) {
            sb.append(' ').append(t.tag());
            v = t.node();
        }
        boolean collection = v instanceof Obj o && !o.entries.isEmpty() || v instanceof Arr a && !a.items.isEmpty();
        if (!collection || flow != null && flow.nextInt(8) == 0) {
            sb.append(' ').append(inline(v, plain)).append('\n');
        } else {
            sb.append('\n');
            block(v, indent + 2, sb, flow, plain);
        }
    }

    private static String inline(Node n, boolean plain) {
        if (n instanceof Obj o) {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < o.entries.size(); i++) {
                Entry e = o.entries.get(i);
                sb.append(i == 0 ? "" : ", ").append(e.rawKey ? e.key : yamlKey(e.key)).append(": ")
                        .append(inline(e.value, plain));
            }
            return sb.append('}').toString();
        }
        if (n instanceof Arr a) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < a.items.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(inline(a.items.get(i), plain));
            }
            return sb.append(']').toString();
        }
        if (n instanceof Scalar s) {
            if (s.raw()) {
                return s.text();
            }
            return plain && PLAIN_SAFE.matcher(s.text()).matches() && !YAML_WORDS.matcher(s.text()).matches()
                    ? s.text() : yamlString(s.text());
        }
        if (n instanceof Alias al) {
            return '*' + al.name();
        }
        if (n instanceof Anchored an) {
            return '&' + an.name() + ' ' + inline(an.node(), plain);
        }
        Tagged t = (Tagged) n;
        return t.tag() + ' ' + inline(t.node(), plain);
    }

    private static String yamlKey(String key) {
        return PLAIN_KEY.matcher(key).matches() && !YAML_WORDS.matcher(key).matches() ? key : yamlString(key);
    }

    static String yamlString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\u0000' -> sb.append("\\0");
                case '\u0085' -> sb.append("\\N");
                case '\u2028' -> sb.append("\\L");
                case '\u2029' -> sb.append("\\P");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c >= 0x7F && c <= 0x9F || Character.isSurrogate(c) || c == 0xFEFF
                            || c == 0xFFFE || c == 0xFFFF) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static void pad(int n, StringBuilder sb) {
        sb.append(" ".repeat(n));
    }

    /** Text as a description shows it: control characters visible, cut when long. */
    static String visible(String text, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                sb.append('\n');
            } else if (c < 0x20 || c >= 0x7F && c <= 0x9F || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF
                    || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    || Character.getType(c) == Character.PRIVATE_USE || Character.getType(c) == Character.UNASSIGNED
                    || Character.getType(c) == Character.SPACE_SEPARATOR && c != ' ') {
                sb.append(String.format("\\u%04X", (int) c)); // invisible or ambiguous: shown by code
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= max && text.length() > max) {
            sb.append("…(").append(text.length()).append(" characters)");
        }
        return sb.toString();
    }
}
