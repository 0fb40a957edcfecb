package io.nlb4j.balancer.properties;

import io.nlb4j.model.ProcessLauncher;
import java.util.List;
import java.util.Random;

/**
 * Generators of text: names the model takes, free texts of every kind (YAML-look-alikes, unicode, control
 * characters, lone surrogates, long runs), and their restricted forms (addresses, paths, placeholders).
 */
final class Texts {

    /** Texts a YAML reader might take for something other than a string when written plain. */
    static final List<String> YAML_LOOKALIKES = List.of("yes", "No", "ON", "off", "y", "n", "Y", "N", "true", "False",
            "null", "Null", "~", "1", "-1", "1.5", "1e3", "0x1F", "0o17", "017", "+1", ".inf", "-.Inf", ".NaN", "1_000",
            "12:30", "1:20:30", "2001-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "-", "?", ":", "#x", "x #y",
            "&a", "*a", "!x", "!!str", "%x", "@x", "`x", "|", ">", "'q'", "\"q\"", "[a]", "{a: b}", "a: b", "- a",
            "---", "...", " padded ", "trailing ", "\ttab", "line\nbreak", "cr\rx", "a\\b", "\\u0041", "{{", "}}",
            "{port}", "%", "0", "00", "-0", "1e400", "NaN", "Infinity");

    private static final String NAME_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String NAME_REST = NAME_FIRST + "._-";

    /**
     * Characters no text should hold raw in a file, and some that YAML treats specially: a specification may hold
     * them all, and writing must escape or quote them.
     */
    static final String AWKWARD = "\u0000\u0001\u0007\b\t\n\u000B\f\r\u001B\u007F\u0085\u00A0\u2028\u2029\uFEFF"
            + "\u200B\u202E";

    /** Characters no file can hold, in YAML or JSON, which the model refuses in every text: lone surrogates, U+FFFE/F. */
    static final String UNENCODABLE = "\uFFFE\uFFFF\uD800\uDC00\uDBFF\uDFFF";

    private static final String[] SCRIPTS = {"héllo", "Grüße", "日本語", "한국어", "עברית", "العربية", "Ελληνικά",
        "кириллица", "😀🎉", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301", "ﬁ", "İı", "ß"};

    private Texts() {
    }

    /** A name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; short ones most often. */
    static String name(Random r) {
        int length = r.nextInt(10) == 0 ? 1 + r.nextInt(64) : 1 + r.nextInt(12);
        StringBuilder sb = new StringBuilder(length);
        sb.append(NAME_FIRST.charAt(r.nextInt(NAME_FIRST.length())));
        for (int i = 1; i < length; i++) {
            sb.append(NAME_REST.charAt(r.nextInt(NAME_REST.length())));
        }
        return sb.toString();
    }

    /** A short plain word. */
    static String word(Random r) {
        int length = 1 + r.nextInt(10);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    /** Any text, possibly empty or blank: words, YAML look-alikes, unicode, awkward characters, long runs. */
    static String any(Random r, int maxLength) {
        switch (r.nextInt(10)) {
            case 0, 1, 2:
                return word(r) + (r.nextBoolean() ? "-" + r.nextInt(100) : "");
            case 3:
                return YAML_LOOKALIKES.get(r.nextInt(YAML_LOOKALIKES.size()));
            case 4:
                return SCRIPTS[r.nextInt(SCRIPTS.length)];
            case 5: {
                StringBuilder sb = new StringBuilder(word(r));
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    sb.insert(r.nextInt(sb.length() + 1), AWKWARD.charAt(r.nextInt(AWKWARD.length())));
                }
                return sb.toString();
            }
            case 6: {
                int length = r.nextInt(Math.max(1, maxLength));
                StringBuilder sb = new StringBuilder(length);
                char c = (char) ('a' + r.nextInt(26));
                for (int i = 0; i < length; i++) {
                    sb.append(c);
                }
                return sb.toString();
            }
            case 7:
                return randomUnicode(r, 1 + r.nextInt(12));
            case 8:
                return r.nextBoolean() ? "" : " ";
            default:
                return word(r) + ' ' + word(r) + (r.nextBoolean() ? ": " + word(r) : " #" + word(r));
        }
    }

    /** Any text that is not blank. */
    static String nonBlank(Random r, int maxLength) {
        String s = any(r, maxLength);
        return s.isBlank() ? "x" + s : s;
    }

    /** Code points from anywhere in the BMP and beyond, controls included, but none a file cannot hold. */
    static String randomUnicode(Random r, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) r.nextInt(0x80));
                case 1 -> {
                    char c;
                    do {
                        c = (char) r.nextInt(0x10000);
                    } while (Character.isSurrogate(c) || c >= '\uFFFE');
                    sb.append(c);
                }
                case 2 -> sb.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
                default -> sb.append(AWKWARD.charAt(r.nextInt(AWKWARD.length())));
            }
        }
        return sb.toString();
    }

    /** Like {@link #randomUnicode}, with surrogate halves and U+FFFE/U+FFFF among the characters: for raw files. */
    static String randomUnicodeRaw(Random r, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (r.nextInt(5) == 0) {
                sb.append(UNENCODABLE.charAt(r.nextInt(UNENCODABLE.length())));
            } else {
                sb.append(randomUnicode(r, 1));
            }
        }
        return sb.toString();
    }

    /** Some text with one character no file can hold, which the model refuses wherever it is. */
    static String unencodable(Random r) {
        StringBuilder sb = new StringBuilder(word(r));
        sb.insert(r.nextInt(sb.length() + 1), UNENCODABLE.charAt(r.nextInt(UNENCODABLE.length())));
        return sb.toString();
    }

    /** Text without whitespace, space characters or control characters, not empty: an address, a host. */
    static String token(Random r) {
        String s = nonBlank(r, 80);
        StringBuilder sb = new StringBuilder();
        s.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isISOControl(c)
                && !Character.isSpaceChar(c)).forEach(sb::appendCodePoint);
        return sb.length() == 0 ? word(r) : sb.toString();
    }

    /** Text without NUL characters. */
    static String withoutNul(String s) {
        return s.replace("\u0000", "");
    }

    /** Text with its braces doubled, so that a process launcher takes it as literal; sometimes a placeholder. */
    static String placeholderSafe(Random r, String s) {
        String escaped = withoutNul(s).replace("{", "{{").replace("}", "}}");
        if (r.nextInt(3) == 0) {
            String placeholder = "{" + ProcessLauncher.PLACEHOLDERS.get(r.nextInt(ProcessLauncher.PLACEHOLDERS.size()))
                    + "}";
            int at = r.nextInt(escaped.length() + 1);
            // never inside an escaped pair of braces, nor inside a surrogate pair
            while (at > 0 && at < escaped.length() && ((escaped.charAt(at) == '{' || escaped.charAt(at) == '}')
                    && escaped.charAt(at - 1) == escaped.charAt(at) || Character.isLowSurrogate(escaped.charAt(at))
                    && Character.isHighSurrogate(escaped.charAt(at - 1)))) {
                at--;
            }
            escaped = escaped.substring(0, at) + placeholder + escaped.substring(at);
        }
        return escaped;
    }
}
