package io.nlb4j.config;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.config.Document.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one walk of a document into builders finds: the problems of the file itself (unknown fields,
 * values of the wrong type), and the paths of the values that were therefore not given to the builders,
 * so that the validator's complaints about them ({@code absent}) can be left out.
 */
final class Binding {

    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> notBound = new HashSet<>();

    /** Reports a value that was not given to its builder, located at the value. */
    void reject(String path, Node value, String expected) {
        reject(path, value.shown(), expected, value);
    }

    /** Reports a value that was not given to its builder, shown as {@code shown} and located at {@code at}. */
    void reject(String path, String shown, String expected, Node at) {
        problems.add(new Problem(path, shown, expected, at.line, at.column));
        notBound.add(path);
    }

    /** Reports a field no object of its kind has, located at its key. */
    void unknownField(String path, Document.Member member, String expected) {
        problems.add(new Problem(path, "unknown field", expected, member.line(), member.column()));
    }

    /** Marks a path as not given to the builders, without a problem of its own (one was reported inside it). */
    void notBound(String path) {
        notBound.add(path);
    }

    boolean isBound(String path) {
        return !notBound.contains(path);
    }

    /**
     * Whether a violation at a path follows from a value that was not given to the builders: the path is at
     * or under such a value, or is the list that such an element was left out of (its place kept as null).
     */
    boolean coversNotBound(String path) {
        String element = path + '[';
        if (notBound.stream().anyMatch(p -> p.startsWith(element))) {
            return true;
        }
        for (String p = path; ; p = parent(p)) {
            if (notBound.contains(p)) {
                return true;
            }
            if (p.isEmpty()) {
                return false;
            }
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    List<Problem> problems() {
        return problems;
    }
}
