package io.nlb4j.balancer.properties;

import io.nlb4j.balancer.properties.Docs.Arr;
import io.nlb4j.balancer.properties.Docs.Node;
import io.nlb4j.balancer.properties.Docs.Scalar;
import io.nlb4j.balancer.properties.Docs.Slot;
import io.nlb4j.config.ConfigException;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Shrinks a specification through its JSON form: each candidate leaves out one field or list element, or
 * simplifies one value (a string to {@code "a"} or to one of its halves, a number to {@code 1}, a list to its first
 * element), and is kept if it still reads as a valid specification. Any specification that can be written shrinks this way, whatever
 * builders made it.
 */
final class SpecShrink {

    private SpecShrink() {
    }

    static Stream<LoadBalancerSpec> candidates(LoadBalancerSpec spec) {
        return candidates(spec, path -> true);
    }

    /** Candidates that change only values at paths {@code allowed} takes. */
    static Stream<LoadBalancerSpec> candidates(LoadBalancerSpec spec, Predicate<String> allowed) {
        String json;
        try {
            json = SpecFiles.write(spec, ConfigFormat.JSON);
        } catch (RuntimeException e) {
            return Stream.empty();
        }
        Node root = Docs.parseJson(json);
        int n = Docs.slots(root).size();
        long[] size = size(json);
        List<String> texts = Docs.slots(root).stream().map(Slot::get).filter(v -> v instanceof Scalar sc && !sc.raw())
                .map(v -> ((Scalar) v).text()).distinct().toList();
        // every occurrence of one text at once (a region the groups repeat), to "a", then to either half
        Stream<LoadBalancerSpec> together = IntStream.range(0, 3 * texts.size()).mapToObj(i -> {
            String text = texts.get(i % texts.size());
            String by = i < texts.size() ? "a" : i < 2 * texts.size() ? text.substring(0, text.length() / 2)
                    : text.substring(text.length() / 2);
            if (by.equals(text) || by.isEmpty() && i >= texts.size()) {
                return null;
            }
            Node copy = Docs.copy(root);
            for (Slot s : Docs.slots(copy)) {
                if (s.get() instanceof Scalar sc && !sc.raw() && sc.text().equals(text) && allowed.test(s.path)) {
                    s.set(Scalar.str(by));
                }
            }
            return smallerOrNull(copy, size);
        }).filter(Objects::nonNull);
        Stream<LoadBalancerSpec> one = IntStream.range(0, 4 * n).mapToObj(i -> {
            Node copy = Docs.copy(root);
            List<Slot> slots = Docs.slots(copy);
            Slot s = slots.get(i % n);
            if (!allowed.test(s.path)) {
                return null;
            }
            if (i < n) {
                s.remove();
            } else if (i < 2 * n ? !simplify(s) : !halve(s, i < 3 * n)) {
                return null;
            }
            return smallerOrNull(copy, size);
        }).filter(Objects::nonNull);
        return Stream.concat(one, together);
    }

    /** The specification a changed tree reads as, if it is valid and strictly smaller, so that shrinking ends. */
    private static LoadBalancerSpec smallerOrNull(Node copy, long[] size) {
        try {
            LoadBalancerSpec smaller = SpecFiles.read(Docs.toJson(copy), ConfigFormat.JSON);
            long[] smallerSize = size(SpecFiles.write(smaller, ConfigFormat.JSON));
            boolean less = smallerSize[0] < size[0] || smallerSize[0] == size[0] && smallerSize[1] < size[1];
            return less ? smaller : null; // a default written back is no smaller
        } catch (RuntimeException e) {
            return null; // not valid, or not writable
        }
    }

    /** How big a specification is: the length of its JSON, then the sum of its digits. */
    private static long[] size(String json) {
        long digits = json.chars().filter(Character::isDigit).map(c -> c - '0').sum();
        return new long[] {json.length(), digits};
    }

    /** Keeps one half of a string, to find the characters that matter. */
    private static boolean halve(Slot s, boolean first) {
        if (s.get() instanceof Scalar sc && !sc.raw() && sc.text().length() > 1) {
            String t = sc.text();
            int mid = t.length() / 2;
            s.set(Scalar.str(first ? t.substring(0, mid) : t.substring(mid)));
            return true;
        }
        return false;
    }

    private static boolean simplify(Slot s) {
        Node v = s.get();
        if (v instanceof Scalar sc && !sc.raw() && !sc.text().equals("a")) {
            s.set(Scalar.str("a"));
            return true;
        }
        if (v instanceof Scalar sc && sc.raw() && !sc.text().equals("1") && !sc.text().equals("true")
                && !sc.text().equals("false")) {
            s.set(Scalar.raw("1"));
            return true;
        }
        if (v instanceof Arr a && a.items.size() > 1) {
            a.items.subList(1, a.items.size()).clear();
            return true;
        }
        return false;
    }
}
