package io.nlb4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Copies for builders, which keep {@code null} elements so that validation can report them by index, and the
 * immutable copies of built values.
 */
final class Lists {

    private Lists() {
    }

    static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    static <K, V> Map<K, V> copy(Map<K, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * Checks that a list and its elements are not {@code null}.
     *
     * @throws NullPointerException naming the list, or the element as {@code name[index]}
     */
    static <T> List<T> nonNull(List<T> list, String name) {
        Objects.requireNonNull(list, name);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new NullPointerException(name + '[' + i + ']');
            }
        }
        return list;
    }

    /** Builds each element of a validated list of builders. */
    static <B, T> List<T> build(List<B> builders, Function<B, T> make) {
        List<T> out = new ArrayList<>(builders.size());
        for (B b : builders) {
            out.add(make.apply(b));
        }
        return List.copyOf(out);
    }
}
