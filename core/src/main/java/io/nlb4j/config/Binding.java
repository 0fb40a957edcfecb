package io.nlb4j.config;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.config.Document.Node;
import io.nlb4j.config.Document.ScalarNode;
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

    /** An integer beyond the range of an {@code int}: where it is, and on which side (1 above, -1 below). */
    record BeyondInt(String path, ScalarNode node, int side) {
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> notBound = new HashSet<>();
    private final List<BeyondInt> beyondInt = new ArrayList<>();
    /** Whether this walk only asks the validator what it expects of integers beyond an int's range. */
    private final boolean probing;

    Binding() {
        this(false);
    }

    private Binding(boolean probing) {
        this.probing = probing;
    }

    /**
     * A walk that gives the builders, in place of each integer beyond an int's range, the nearest int, so that
     * the validator says what range the field takes: an integer of 20 digits is out of a port's range as 70000
     * is, and is reported alike. Its builders are for that question only.
     */
    static Binding probing() {
        return new Binding(true);
    }

    /**
     * Takes note of an integer beyond the range of an {@code int}, to be reported once the validator has said
     * what the field takes.
     *
     * @return {@code null} in a reading walk, which does not give it to the builder; in a probing walk, the
     *         nearest int
     */
    Integer beyondInt(String path, ScalarNode node, int side) {
        if (probing) {
            return side > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        }
        beyondInt.add(new BeyondInt(path, node, side));
        notBound.add(path);
        return null;
    }

    /** The integers beyond an int's range found, in the order of the walk. */
    List<BeyondInt> beyondInt() {
        return beyondInt;
    }

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
        if (notBound.stream().anyMatch(p -> p.startsWith(element) && p.length() > element.length()
                && Character.isDigit(p.charAt(element.length())))) {
            return true;
        }
        for (String p = path; ; p = PathSteps.parent(p)) {
            if (notBound.contains(p)) {
                return true;
            }
            if (p.isEmpty()) {
                return false;
            }
        }
    }

    List<Problem> problems() {
        return problems;
    }
}
