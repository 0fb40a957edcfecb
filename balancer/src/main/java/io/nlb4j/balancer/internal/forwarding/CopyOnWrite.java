package io.nlb4j.balancer.internal.forwarding;

import java.util.Arrays;

/** The copy-on-write arrays the per-connection path reads without a lock: a copy with one more, or one fewer. */
final class CopyOnWrite {

    private CopyOnWrite() {
    }

    /** A copy of {@code array} with {@code item} at its end. */
    static <T> T[] with(T[] array, T item) {
        T[] next = Arrays.copyOf(array, array.length + 1);
        next[array.length] = item;
        return next;
    }

    /** A copy of {@code array} without the first {@code item} (by identity); {@code array} itself if it has none. */
    static <T> T[] without(T[] array, T item) {
        for (int i = 0; i < array.length; i++) {
            if (array[i] == item) {
                T[] next = Arrays.copyOf(array, array.length - 1);
                System.arraycopy(array, i + 1, next, i, array.length - i - 1);
                return next;
            }
        }
        return array;
    }
}
