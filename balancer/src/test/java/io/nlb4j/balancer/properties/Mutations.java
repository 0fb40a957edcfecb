package io.nlb4j.balancer.properties;

import io.nlb4j.balancer.properties.Docs.Alias;
import io.nlb4j.balancer.properties.Docs.Anchored;
import io.nlb4j.balancer.properties.Docs.Arr;
import io.nlb4j.balancer.properties.Docs.Entry;
import io.nlb4j.balancer.properties.Docs.Node;
import io.nlb4j.balancer.properties.Docs.Obj;
import io.nlb4j.balancer.properties.Docs.Scalar;
import io.nlb4j.balancer.properties.Docs.Slot;
import io.nlb4j.balancer.properties.Docs.Tagged;
import io.nlb4j.config.SpecFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Mutations of a specification document: of its tree (deleted, duplicated and renamed keys, values of the wrong
 * type, extreme numbers and durations, long strings, unicode, deep nesting, YAML anchors, aliases, merge keys and
 * tags), of its text (spliced characters, deleted ranges, duplicated lines, truncation, byte order marks, more
 * documents, comments, tabs, size) and of its bytes (invalid UTF-8, UTF-16 byte order marks).
 *
 * <p>A tree mutation picks its place with a selector taken modulo the places there are, so that it applies to
 * any tree, the shrunk ones too.
 */
final class Mutations {

    static final List<String> EXTREME_NUMBERS = List.of("2147483648", "-2147483649", "2147483647", "-2147483648",
            "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(400), "-" + "9".repeat(1200), "-0", "0.5",
            "-0.0", "1e400", "-1e400", "1e-400", "1.0", "8.08e3", "1E2", "0x10", "0o10", "010", "1_000", ".inf",
            "-.inf", ".nan", "NaN", "Infinity", "+5", "1e999999999", "0e0", "4294967296", "65535", "65536", "0", "-1",
            "100", "101", "32767", "32768", "1000", "1001", "10000000", "10000001", "1000000", "1000001", "3.0e0");

    static final List<String> EXTREME_DURATIONS = List.of("0s", "-1s", "1000000d", "99999999999999999999s", "365d",
            "366d", "8760h", "8761h", "525600m", "525601m", "31536000s", "31536001s", "31536000000ms",
            "31536000001ms", "PT0S", "PT-1S", "P365D", "P366D", "PT8760H", "PT0.000000001S", "1ns", "1ms", "0ms",
            "-0s", "5", "s", "5 s", "5S", "5Sec", "P", "PT", "-P1D", "9223372036854775807ms", "9223372036854775807d",
            "PT9223372036854775807S", "P106751991167300D", "1.5s", " 30s ", "30s\n", "PT1M-30S", "pt5s", "P1DT1H",
            "1h30m", "00005s", "+5s", "1d", "0d", "PT0.5S", "P0D", "-PT-5S");

    static final List<String> WRONG_RAW = List.of("true", "false", "null", "~", "0", "-1", "1.5", "yes", "off");

    static final List<String> ENUM_LOOKALIKES = List.of("tcp", "Tcp", " TCP", "TCP ", "http", "none", "NONE ",
            "send_expect", "SEND-EXPECT", "maglev", "Weighted_Round_Robin", "POWER_OF_TWO_CHOICES", "source_ip",
            "OFF", "off", "On", "allow", "DENY", "refuse", "fail_open", "keep", "CLOSE", "all", "ALL", "1-65535",
            "8000-8100", "8100-8000", "0-1", "65535-65536");

    static final List<String> TAGS = List.of("!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary",
            "!!timestamp", "!!map", "!!seq", "!!set", "!!omap", "!foo", "!<tag:yaml.org,2002:str>",
            "!!java.lang.Object", "!!javax.script.ScriptEngineManager");

    /** Keys whose values, when changed, make a runnable specification point elsewhere (another port, host, …). */
    private static final Set<String> FROZEN_FOR_RUN = Set.of("port", "address", "provider", "launcher", "capacity",
            "send", "expect", "path", "host", "expectedStatuses", "inProcess", "process");

    private Mutations() {
    }

    // ---- tree ----

    /** A change of a document tree. */
    interface TreeMutation {
        void apply(Node root);

        /** A simpler form of this mutation for shrinking, or {@code null}. */
        default TreeMutation simpler() {
            return null;
        }
    }

    private static Slot pick(Node root, long selector, Predicate<Slot> allowed) {
        List<Slot> slots = Docs.slots(root).stream().filter(allowed).toList();
        return slots.isEmpty() ? null : slots.get((int) Math.floorMod(selector, (long) slots.size()));
    }

    record Delete(long at, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun));
            if (s != null) {
                s.remove();
            }
        }
    }

    record Duplicate(long at, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun));
            if (s == null) {
                return;
            }
            if (s.container instanceof Obj o) {
                Entry e = o.entries.get(s.index);
                o.entries.add(s.index + 1, new Entry(e.key, Docs.copy(e.value), e.rawKey));
            } else {
                ((Arr) s.container).items.add(s.index + 1, Docs.copy(s.get()));
            }
        }
    }

    /** Replaces a value; {@code label} says with what, for descriptions. */
    record Replace(long at, Node with, String label, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun));
            if (s != null) {
                s.set(Docs.copy(with));
            }
        }

        @Override
        public TreeMutation simpler() {
            if (with instanceof Scalar sc && !sc.raw() && sc.text().length() > 1) {
                return new Replace(at, Scalar.str(sc.text().substring(0, sc.text().length() / 2)),
                        "string of " + sc.text().length() / 2 + " characters", forRun);
            }
            return null;
        }

        @Override
        public String toString() {
            return "Replace[at=" + at + ", with " + label + "]";
        }
    }

    record AddKey(long at, String key, Node value, boolean raw) implements TreeMutation {
        @Override
        public void apply(Node root) {
            List<Obj> objects = Docs.objects(root);
            if (!objects.isEmpty()) {
                Obj o = objects.get((int) Math.floorMod(at, (long) objects.size()));
                o.entries.add(new Entry(key, Docs.copy(value), raw));
            }
        }

        @Override
        public TreeMutation simpler() {
            return key.length() > 1 ? new AddKey(at, key.substring(0, key.length() / 2), value, raw) : null;
        }

        @Override
        public String toString() {
            return "AddKey[at=" + at + ", key=" + Docs.visible(key, 80) + " (" + key.length() + " characters)]";
        }
    }

    record Rename(long at, int how, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun).and(x -> x.container instanceof Obj));
            if (s == null) {
                return;
            }
            Entry e = ((Obj) s.container).entries.get(s.index);
            if (e.key.isEmpty()) {
                return;
            }
            e.key = switch (how % 6) {
                case 0 -> e.key.toUpperCase();
                case 1 -> e.key + " ";
                case 2 -> Character.toUpperCase(e.key.charAt(0)) + e.key.substring(1);
                case 3 -> e.key + "\u200B";
                case 4 -> "";
                default -> e.key.replace('e', 'е'); // a Cyrillic e
            };
        }
    }

    /** Wraps a value in {@code depth} lists or objects. */
    record Nest(long at, int depth, boolean objects, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun));
            if (s == null) {
                return;
            }
            Node v = s.get();
            for (int i = 0; i < depth; i++) {
                if (objects) {
                    Obj o = new Obj();
                    o.entries.add(new Entry("n", v, false));
                    v = o;
                } else {
                    Arr a = new Arr();
                    a.items.add(v);
                    v = a;
                }
            }
            s.set(v);
        }

        @Override
        public TreeMutation simpler() {
            return depth > 1 ? new Nest(at, depth / 2, objects, forRun) : null;
        }
    }

    /** Anchors one value and puts an alias of it in another place (YAML; malformed in JSON). */
    record AliasOf(long from, long to, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot a = pick(root, from, allowed(forRun));
            if (a == null) {
                return;
            }
            String name = "a" + Math.floorMod(from, 1000);
            a.set(new Anchored(name, a.get()));
            Slot b = pick(root, to, allowed(forRun));
            if (b != null && b != a) {
                b.set(new Alias(name));
            }
        }
    }

    /** Anchors an object and merges it into another ({@code <<: *a}), or merges something that is no object. */
    record Merge(long from, long into, boolean notAnObject) implements TreeMutation {
        @Override
        public void apply(Node root) {
            List<Obj> objects = Docs.objects(root);
            if (objects.size() < 2) {
                return;
            }
            Obj target = objects.get((int) Math.floorMod(into, (long) objects.size()));
            if (notAnObject) {
                target.entries.add(0, new Entry("<<", Scalar.str("x"), true));
                return;
            }
            Slot a = pick(root, from, s -> s.get() instanceof Obj);
            if (a == null) {
                return;
            }
            String name = "m" + Math.floorMod(from, 1000);
            a.set(new Anchored(name, a.get()));
            target.entries.add(new Entry("<<", new Alias(name), true));
        }
    }

    record Tag(long at, String tag, boolean forRun) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun));
            if (s != null) {
                s.set(new Tagged(tag, s.get()));
            }
        }
    }

    /**
     * Replaces a scalar by an extreme one of the same kind: a number by an extreme number, a duration by an extreme
     * duration, a boolean by its opposite, a word in capitals (an enum constant) by a word in another case or a
     * near one, any other text by another text. Values of the right kind keep more documents valid.
     */
    record SameKind(long at, long choice, boolean forRun) implements TreeMutation {
        private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile(
                "-?\\d+(ms|s|m|h|d)|-?[Pp].*");
        private static final java.util.regex.Pattern CONSTANT = java.util.regex.Pattern.compile("[A-Z_]+");

        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, allowed(forRun).and(x -> x.get() instanceof Scalar));
            if (s == null) {
                return;
            }
            Scalar v = (Scalar) s.get();
            s.set(replacement(v));
        }

        private Scalar replacement(Scalar v) {
            if (v.raw() && (v.text().equals("true") || v.text().equals("false"))) {
                return Scalar.raw(v.text().equals("true") ? "false" : "true");
            }
            if (v.raw()) {
                return Scalar.raw(pickFrom(EXTREME_NUMBERS));
            }
            if (DURATION.matcher(v.text()).matches()) {
                return Scalar.str(pickFrom(EXTREME_DURATIONS));
            }
            if (CONSTANT.matcher(v.text()).matches()) {
                return Scalar.str(switch ((int) Math.floorMod(choice, 4L)) {
                    case 0 -> v.text().toLowerCase(java.util.Locale.ROOT);
                    case 1 -> " " + v.text() + " ";
                    case 2 -> v.text().charAt(0) + v.text().substring(1).toLowerCase(java.util.Locale.ROOT);
                    default -> pickFrom(ENUM_LOOKALIKES);
                });
            }
            return Scalar.str(pickFrom(Texts.YAML_LOOKALIKES));
        }

        private String pickFrom(List<String> values) {
            return values.get((int) Math.floorMod(choice, (long) values.size()));
        }
    }

    /** The billion laughs: {@code levels} levels of {@code fanout} aliases each. */
    record AliasBomb(long at, int levels, int fanout) implements TreeMutation {
        @Override
        public void apply(Node root) {
            Slot s = pick(root, at, x -> true);
            if (s == null) {
                return;
            }
            Arr defs = new Arr();
            Arr first = new Arr();
            for (int i = 0; i < fanout; i++) {
                first.items.add(Scalar.str("lol"));
            }
            defs.items.add(new Anchored("b0", first));
            for (int l = 1; l <= levels; l++) {
                Arr level = new Arr();
                for (int i = 0; i < fanout; i++) {
                    level.items.add(new Alias("b" + (l - 1)));
                }
                defs.items.add(new Anchored("b" + l, level));
            }
            s.set(defs);
        }

        @Override
        public TreeMutation simpler() {
            return levels > 1 ? new AliasBomb(at, levels - 1, fanout) : null;
        }
    }

    private static Predicate<Slot> allowed(boolean forRun) {
        return forRun ? s -> !frozenForRun(s.path) : s -> true;
    }

    /** Whether a path holds a value a runnable specification must keep: where it listens, what it reaches. */
    static boolean frozenForRun(String path) {
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            String key = parts[i].replaceAll("\\[\\d+]", "");
            if (FROZEN_FOR_RUN.contains(key)) {
                return true;
            }
            if (key.equals("timeout") && i > 0 && parts[i - 1].replaceAll("\\[\\d+]", "").equals("healthCheck")) {
                return true; // the probes need the time they have
            }
        }
        return false;
    }

    /**
     * A random tree mutation; {@code forRun}: only values a runnable specification may change, and no values larger
     * than a start can afford.
     */
    static TreeMutation tree(Random r, boolean forRun) {
        long at = r.nextLong();
        int kind = r.nextInt(14);
        if (forRun) { // mostly the values a valid file may hold: deletions, extreme numbers and durations, words
            int[] runKinds = {0, 0, 14, 14, 14, 14, 14, 14, 14, 2, 3, 5, 6, 1, 4, 7, 8};
            kind = runKinds[r.nextInt(runKinds.length)];
        } else if (r.nextInt(4) == 0) {
            kind = 14;
        }
        return switch (kind) {
            case 14 -> new SameKind(at, r.nextLong(), forRun);
            case 0 -> new Delete(at, forRun);
            case 1 -> new Duplicate(at, forRun);
            case 2 -> {
                String n = EXTREME_NUMBERS.get(r.nextInt(EXTREME_NUMBERS.size()));
                yield new Replace(at, Scalar.raw(n), "number " + Docs.visible(n, 40), forRun);
            }
            case 3 -> {
                String d = EXTREME_DURATIONS.get(r.nextInt(EXTREME_DURATIONS.size()));
                yield new Replace(at, Scalar.str(d), "duration \"" + Docs.visible(d, 40) + '"', forRun);
            }
            case 4 -> {
                Node n = wrongType(r);
                yield new Replace(at, n, "wrong type " + describe(n), forRun);
            }
            case 5 -> {
                String e = ENUM_LOOKALIKES.get(r.nextInt(ENUM_LOOKALIKES.size()));
                yield new Replace(at, Scalar.str(e), "word \"" + e + '"', forRun);
            }
            case 6 -> {
                String u = r.nextBoolean() ? Texts.randomUnicodeRaw(r, 1 + r.nextInt(20)) : Texts.any(r, 50);
                yield new Replace(at, Scalar.str(u), "text \"" + Docs.visible(u, 60) + '"', forRun);
            }
            case 7 -> new Rename(at, r.nextInt(6), forRun);
            case 8 -> {
                int len = forRun ? 1 + r.nextInt(10_000) : longLength(r);
                String s = longString(r, len);
                yield new Replace(at, Scalar.str(s), "string of " + len + " characters", forRun);
            }
            case 9 -> new Nest(at, 1 + (r.nextBoolean() ? r.nextInt(8) : r.nextInt(200)), r.nextBoolean(), false);
            case 10 -> {
                int len = r.nextBoolean() ? 1 + r.nextInt(20) : longLength(r);
                String key = r.nextInt(4) == 0 ? "" : r.nextBoolean() ? Texts.any(r, 30) : longString(r, len);
                yield new AddKey(at, key, wrongType(r), false);
            }
            case 11 -> r.nextBoolean() ? new AliasOf(at, r.nextLong(), false)
                    : new Merge(at, r.nextLong(), r.nextInt(4) == 0);
            case 12 -> new Tag(at, TAGS.get(r.nextInt(TAGS.size())), false);
            default -> new AliasBomb(at, 1 + r.nextInt(9), 2 + r.nextInt(9));
        };
    }

    private static int longLength(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1 << 20; // 1 MiB
            case 1 -> 64 + r.nextInt(3);
            case 2 -> 255 + r.nextInt(3);
            case 3 -> 1 + r.nextInt(100_000);
            default -> 1 + r.nextInt(2_000);
        };
    }

    static String longString(Random r, int length) {
        return switch (r.nextInt(4)) {
            case 0 -> "é".repeat(length);
            case 1 -> "😀".repeat(Math.max(1, length / 2));
            case 2 -> "ab ".repeat(length / 3 + 1).substring(0, length);
            default -> "x".repeat(length);
        };
    }

    static Node wrongType(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> Scalar.raw(WRONG_RAW.get(r.nextInt(WRONG_RAW.size())));
            case 1 -> Scalar.str(Texts.word(r));
            case 2 -> new Obj();
            case 3 -> new Arr();
            case 4 -> {
                Arr a = new Arr();
                a.items.add(Scalar.str(Texts.word(r)));
                yield a;
            }
            case 5 -> {
                Obj o = new Obj();
                o.entries.add(new Entry("x", Scalar.raw("1"), false));
                yield o;
            }
            default -> Scalar.str("");
        };
    }

    private static String describe(Node n) {
        if (n instanceof Scalar s) {
            return (s.raw() ? "" : "\"") + s.text() + (s.raw() ? "" : "\"");
        }
        return n instanceof Obj o ? (o.entries.isEmpty() ? "{}" : "{x: 1}")
                : ((Arr) n).items.isEmpty() ? "[]" : "[word]";
    }

    // ---- text ----

    /** A change of the written text. */
    interface TextMutation {
        String apply(String text);

        default TextMutation simpler() {
            return null;
        }
    }

    private static int at(String text, long selector) {
        return (int) Math.floorMod(selector, (long) text.length() + 1);
    }

    record Splice(long at, String chars) implements TextMutation {
        @Override
        public String apply(String text) {
            int i = Mutations.at(text, at);
            return text.substring(0, i) + chars + text.substring(i);
        }

        @Override
        public TextMutation simpler() {
            return chars.length() > 1 ? new Splice(at, chars.substring(0, chars.length() / 2)) : null;
        }

        @Override
        public String toString() {
            return "Splice[at=" + at + ", chars=\"" + Docs.visible(chars, 100) + "\"]";
        }
    }

    record DeleteRange(long at, int length) implements TextMutation {
        @Override
        public String apply(String text) {
            int i = Mutations.at(text, at);
            return text.substring(0, i) + text.substring(Math.min(text.length(), i + length));
        }
    }

    record DuplicateLine(long at) implements TextMutation {
        @Override
        public String apply(String text) {
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (lines.isEmpty()) {
                return text;
            }
            int i = (int) Math.floorMod(at, (long) lines.size());
            lines.add(i + 1, lines.get(i));
            return String.join("\n", lines) + '\n';
        }
    }

    record Truncate(long at) implements TextMutation {
        @Override
        public String apply(String text) {
            return text.substring(0, Mutations.at(text, at));
        }
    }

    record Affix(String prefix, String suffix) implements TextMutation {
        @Override
        public String apply(String text) {
            return prefix + text + suffix;
        }

        @Override
        public String toString() {
            return "Affix[prefix=\"" + Docs.visible(prefix, 60) + "\", suffix=\"" + Docs.visible(suffix, 60) + "\"]";
        }
    }

    /** Indents a line with a tab instead of spaces. */
    record TabIndent(long at) implements TextMutation {
        @Override
        public String apply(String text) {
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (lines.isEmpty()) {
                return text;
            }
            int i = (int) Math.floorMod(at, (long) lines.size());
            lines.set(i, lines.get(i).replaceFirst("^ +", "\t"));
            return String.join("\n", lines) + '\n';
        }
    }

    /** Makes the text larger than {@link SpecFiles#MAX_DOCUMENT_BYTES}, in bytes of UTF-8 or in characters. */
    record Oversize(boolean threeByteChars) implements TextMutation {
        @Override
        public String apply(String text) {
            int bytes = SpecFiles.MAX_DOCUMENT_BYTES + 1 - text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes <= 0) {
                return text;
            }
            return text + "#" + (threeByteChars ? "€".repeat(bytes / 3 + 1) : " ".repeat(bytes));
        }
    }

    static TextMutation text(Random r) {
        long at = r.nextLong();
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> {
                int n = 1 + r.nextInt(r.nextBoolean() ? 3 : 40);
                StringBuilder sb = new StringBuilder();
                String pool = Texts.AWKWARD + Texts.UNENCODABLE + "{}[]:,#&*!|>'\"%@`-?\n\t \\";
                for (int i = 0; i < n; i++) {
                    if (r.nextBoolean()) {
                        sb.append(pool.charAt(r.nextInt(pool.length())));
                    } else {
                        sb.append(Texts.randomUnicodeRaw(r, 1));
                    }
                }
                yield new Splice(at, sb.toString());
            }
            case 3 -> new DeleteRange(at, 1 + r.nextInt(r.nextBoolean() ? 5 : 200));
            case 4 -> new DuplicateLine(at);
            case 5 -> new Truncate(at);
            case 6 -> new Affix("\uFEFF", "");
            case 7 -> switch (r.nextInt(6)) {
                case 0 -> new Affix("---\n", "");
                case 1 -> new Affix("", "---\nname: second\n");
                case 2 -> new Affix("", "...\n");
                case 3 -> new Affix("%YAML 1.1\n---\n", "");
                case 4 -> new Affix("", "\n{}\n");
                default -> new Affix("# a comment\n", "# the end\n");
            };
            case 8 -> new TabIndent(at);
            case 9 -> new Splice(at, r.nextBoolean() ? " # comment" : r.nextBoolean() ? "/* c */" : "// c\n");
            case 10 -> new Oversize(r.nextBoolean());
            default -> new Splice(at, "\u0000");
        };
    }

    // ---- bytes ----

    /** A change of the file's bytes. */
    interface ByteMutation {
        byte[] apply(byte[] bytes);
    }

    record InsertBytes(long at, byte[] bytes) implements ByteMutation {
        @Override
        public byte[] apply(byte[] in) {
            int i = (int) Math.floorMod(at, (long) in.length + 1);
            byte[] out = new byte[in.length + bytes.length];
            System.arraycopy(in, 0, out, 0, i);
            System.arraycopy(bytes, 0, out, i, bytes.length);
            System.arraycopy(in, i, out, i + bytes.length, in.length - i);
            return out;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("InsertBytes[at=" + at + ",");
            for (byte b : bytes) {
                sb.append(String.format(" 0x%02X", b & 0xFF));
            }
            return sb.append(']').toString();
        }
    }

    static ByteMutation bytes(Random r) {
        long at = r.nextLong();
        byte[][] choices = {
            {(byte) 0x80}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8},
            {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xC3}, {0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}
        };
        if (r.nextInt(5) == 0) {
            return new InsertBytes(0, r.nextBoolean() ? new byte[] {(byte) 0xFE, (byte) 0xFF}
                    : new byte[] {(byte) 0xFF, (byte) 0xFE});
        }
        if (r.nextInt(4) == 0) {
            byte[] random = new byte[1 + r.nextInt(16)];
            r.nextBytes(random);
            return new InsertBytes(at, random);
        }
        return new InsertBytes(at, choices[r.nextInt(choices.length)]);
    }
}
