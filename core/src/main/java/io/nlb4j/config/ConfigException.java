package io.nlb4j.config;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when a configuration file cannot be read as a load balancer specification: it is missing or
 * unreadable, it is not well-formed, it has unknown fields or values of the wrong type, or the
 * specification it holds is invalid. It lists every problem found, each with its path and, where known,
 * its line and column.
 *
 * <p>Messages stay readable whatever the file holds: a value quoted from it (a string, a number, a word) is
 * shown in at most {@value #MAX_SHOWN_VALUE_LENGTH} characters, and any text of a problem (its path, its value,
 * what was expected) and the source name in at most {@value #MAX_SHOWN_TEXT_LENGTH}, each followed, when cut,
 * by the length of the whole ({@code "aaaa"…(1048576 characters)}); control characters are shown escaped
 * ({@code \n}, {@code \u0001}), so that each problem is one line, and so are unpaired surrogates and U+FFFE/U+FFFF,
 * so that it can be encoded; and the message lists at most
 * {@value #MAX_LISTED_PROBLEMS} problems, while {@link #problems()} holds them all.
 */
public final class ConfigException extends IllegalArgumentException {

    /** The most characters of one value (a quoted string, a number, a word) that a problem shows: {@value}. */
    public static final int MAX_SHOWN_VALUE_LENGTH = 64;

    /** The most characters of any text of a problem (path, value, expectation) or a source name shown: {@value}. */
    public static final int MAX_SHOWN_TEXT_LENGTH = 256;

    /** The most problems the message lists; {@link #problems()} holds every one: {@value}. */
    public static final int MAX_LISTED_PROBLEMS = 100;

    private static final long serialVersionUID = 1L;

    /** How a cut text ends, after the length of the whole. */
    private static final String CUT_TAIL = " characters)";

    private final String source;
    private final transient List<Problem> problems;

    /**
     * One problem in a file. Its texts are kept as messages show them: each string or word of the value cut to
     * {@link #MAX_SHOWN_VALUE_LENGTH} characters, every text to {@link #MAX_SHOWN_TEXT_LENGTH}, control
     * characters escaped.
     *
     * @param path the path of the field, such as {@code listeners[0].port}; empty for the whole file
     * @param value the offending value as text
     * @param expected what would have been accepted
     * @param line the 1-based line, or 0 if unknown
     * @param column the 1-based column, or 0 if unknown
     */
    public record Problem(String path, String value, String expected, int line, int column) {

        /**
         * Creates a problem, bounding and escaping its texts.
         *
         * @throws NullPointerException if a text is {@code null}
         */
        public Problem {
            path = shown(Objects.requireNonNull(path, "path"), MAX_SHOWN_TEXT_LENGTH);
            value = shown(Objects.requireNonNull(value, "value"), MAX_SHOWN_VALUE_LENGTH, MAX_SHOWN_TEXT_LENGTH);
            expected = shown(Objects.requireNonNull(expected, "expected"), MAX_SHOWN_TEXT_LENGTH);
        }

        @Override
        public String toString() {
            return (path.isEmpty() ? "" : path + ": ") + value + " (expected: " + expected + ')'
                    + (line > 0 ? " at line " + line + ", column " + column : "");
        }
    }

    /**
     * Creates an exception.
     *
     * @param source the file or source name
     * @param problems the problems, at least one
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if there is no problem
     */
    public ConfigException(String source, List<Problem> problems) {
        this(source, problems, null);
    }

    ConfigException(String source, List<Problem> problems, Throwable cause) {
        super(message(source, problems), cause);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /**
     * Returns the file or source name.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * Returns every problem found.
     *
     * @return the problems
     */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String source, List<Problem> problems) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
        }
        String from = shown(source, MAX_SHOWN_TEXT_LENGTH);
        if (problems.size() == 1) {
            return from + ": " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder(from).append(": ").append(problems.size()).append(" problems:");
        int listed = Math.min(problems.size(), MAX_LISTED_PROBLEMS);
        for (int i = 0; i < listed; i++) {
            sb.append(System.lineSeparator()).append("  ").append(problems.get(i));
        }
        if (listed < problems.size()) {
            int more = problems.size() - listed;
            sb.append(System.lineSeparator()).append("  … and ").append(more)
                    .append(more == 1 ? " more problem" : " more problems");
        }
        return sb.toString();
    }

    /**
     * A text as messages show it: control characters escaped, so that it stays on one line, and cut to
     * {@code max} characters followed by the length of the whole if longer. Every text a problem holds passes
     * here.
     */
    static String shown(String text, int max) {
        return shown(text, 0, max);
    }

    /**
     * A value as messages show it: as {@link #shown(String, int)}, and each quoted string or word (a run without
     * spaces) of more than {@code spanMax} characters cut to that many, followed by its length:
     * {@code "aaaa"…(1048576 characters)}, as the model shows long values. A description around values, such as a
     * parser's, stays whole.
     *
     * @param spanMax the most characters of one string or word, or 0 for no such limit
     */
    static String shown(String text, int spanMax, int max) {
        int n = text.length();
        int plain = spanMax > 0 ? Math.min(spanMax, max) : max;
        if ((n <= plain || isCut(text, 0, n, max)) && !needsEscape(text)) {
            return text; // the common case, or a text shown already
        }
        StringBuilder sb = new StringBuilder(max + 32);
        int i = 0;
        while (i < n && sb.length() <= max) {
            char c = text.charAt(i);
            if (spanMax > 0 && c == '"') {
                int close = text.indexOf('"', i + 1);
                int end = close < 0 ? n : close;
                sb.append('"');
                String length = append(sb, text, i + 1, end, spanMax);
                if (close >= 0) {
                    sb.append('"');
                }
                sb.append(length); // after the quotes, as the model shows a long text: "aaaa"…(1048576 characters)
                i = close < 0 ? n : close + 1;
            } else if (spanMax > 0 && !Character.isWhitespace(c)) {
                int end = i;
                while (end < n && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '"') {
                    end++;
                }
                if (text.startsWith(CUT_TAIL, end) && isCut(text, i, end + CUT_TAIL.length(), spanMax)) {
                    end += CUT_TAIL.length(); // a word cut already, with its length
                }
                sb.append(append(sb, text, i, end, spanMax));
                i = end;
            } else {
                String escape = escape(text, i);
                sb.append(escape != null ? escape : String.valueOf(c));
                i++;
            }
        }
        if (i == n && (sb.length() <= max || isCut(sb, 0, sb.length(), max))) {
            return sb.toString();
        }
        sb.setLength(cut(sb, max));
        return sb.append("…(").append(n).append(CUT_TAIL).toString();
    }

    /**
     * Appends {@code text[from, to)} escaped, cut to {@code spanMax} characters if longer.
     *
     * @return what to write after it: the length of the whole if it was cut ({@code …(1048576 characters)}),
     *         else nothing
     */
    private static String append(StringBuilder sb, String text, int from, int to, int spanMax) {
        int end = to - from > spanMax && !isCut(text, from, to, spanMax) ? from + spanMax : to;
        if (end < to && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never half a character
        }
        for (int j = from; j < end; j++) {
            String escape = escape(text, j);
            sb.append(escape != null ? escape : String.valueOf(text.charAt(j)));
        }
        return end < to ? "…(" + (to - from) + CUT_TAIL : "";
    }

    /**
     * Whether {@code text[from, to)} was cut here already: at most {@code max} characters and the length of the
     * whole, so that a text shown is shown as it is (a problem made from another's texts is equal to it).
     */
    private static boolean isCut(CharSequence text, int from, int to, int max) {
        int end = to - CUT_TAIL.length();
        if (end <= from || !text.subSequence(end, to).toString().equals(CUT_TAIL)) {
            return false;
        }
        int digits = end;
        while (digits > from && Character.isDigit(text.charAt(digits - 1))) {
            digits--;
        }
        return digits < end && digits - from >= 2 && text.charAt(digits - 1) == '(' && text.charAt(digits - 2) == '…'
                && digits - 2 - from <= max;
    }

    /** Where to cut a text to at most {@code max} characters without splitting a character. */
    private static int cut(CharSequence text, int max) {
        int cut = Math.min(max, text.length());
        return cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1)) ? cut - 1 : cut;
    }

    private static boolean needsEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c >= 0x7F) && escape(text, i) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * How the character at {@code i} is written in a message if it is a control character, a line or paragraph
     * separator, an unpaired surrogate or one of the noncharacters U+FFFE and U+FFFF, or {@code null} for another
     * character: as the model shows values, so that a message is one line and can be encoded.
     */
    private static String escape(String text, int i) {
        char c = text.charAt(i);
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFFFE' || c == '\uFFFF'
                    || Character.isHighSurrogate(c) && (i + 1 >= text.length()
                            || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))
                    ? String.format("\\u%04X", (int) c) : null;
        };
    }
}
