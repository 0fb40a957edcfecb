package io.nlb4j.config;

import io.nlb4j.model.SpecPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a path as {@link SpecPath} writes it back into its steps: fields and map entries by key
 * ({@code .name} or {@code ["a.b"]}), list elements by index ({@code [0]}).
 */
final class PathSteps {

    /**
     * One step of a path.
     *
     * @param key the field's or entry's key; {@code null} for a list index, and for a step that names no key
     *        exactly (one cut to its first characters), with index -1
     * @param index the list index, or -1
     * @param start where the step starts in the path, at its {@code .} or {@code [}
     */
    record Step(String key, int index, int start) {
        boolean isIndex() {
            return index >= 0;
        }
    }

    private PathSteps() {
    }

    /** The steps of a path; what cannot be read is one last step without a key. */
    static List<Step> of(String path) {
        List<Step> steps = new ArrayList<>();
        int n = path.length();
        int i = 0;
        while (i < n) {
            int start = i;
            char c = path.charAt(i);
            if (c == '[' && i + 1 < n && path.charAt(i + 1) == '"') {
                StringBuilder key = new StringBuilder();
                int end = quoted(path, i + 2, key);
                if (end < 0 || end >= n || path.charAt(end) != ']') { // cut, with its length after the quote
                    int close = end < 0 ? -1 : path.indexOf(']', end);
                    steps.add(new Step(null, -1, start));
                    if (close < 0) {
                        return steps;
                    }
                    i = close + 1;
                } else {
                    steps.add(new Step(key.toString(), -1, start));
                    i = end + 1;
                }
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                int index = close < 0 ? -1 : parseIndex(path.substring(i + 1, close));
                if (index < 0) {
                    steps.add(new Step(null, -1, start));
                    return steps;
                }
                steps.add(new Step(null, index, start));
                i = close + 1;
            } else {
                int from = c == '.' ? i + 1 : i;
                int end = from;
                while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                steps.add(new Step(path.substring(from, end), -1, start));
                i = end;
            }
        }
        return steps;
    }

    /** The path of what holds the value at a path: the path without its last step; empty for a root field. */
    static String parent(String path) {
        List<Step> steps = of(path);
        return steps.isEmpty() ? "" : path.substring(0, steps.get(steps.size() - 1).start());
    }

    /**
     * Reads a quoted key from just after its opening quote, unescaping it into {@code key}.
     *
     * @return the index just after its closing quote, or -1 if it has none
     */
    private static int quoted(String path, int from, StringBuilder key) {
        int n = path.length();
        int i = from;
        while (i < n) {
            char c = path.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char e = path.charAt(i + 1);
                if (e == 'u' && i + 6 <= n && isHex(path, i + 2, i + 6)) {
                    key.append((char) Integer.parseInt(path.substring(i + 2, i + 6), 16));
                    i += 6;
                    continue;
                }
                key.append(switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> e; // \" and \\
                });
                i += 2;
                continue;
            }
            key.append(c);
            i++;
        }
        return -1;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    private static int parseIndex(String digits) {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }
}
