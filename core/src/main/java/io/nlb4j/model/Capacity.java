package io.nlb4j.model;

/**
 * How many instances an availability group runs: {@code min <= desired <= max}.
 *
 * @param min the fewest instances, at least 0
 * @param desired the instances to run now
 * @param max the most instances, at least 1
 */
public record Capacity(int min, int desired, int max) {

    /** The capacity of a group that sets none: one instance. */
    public static final Capacity DEFAULT = new Capacity(1, 1, 1);

    /**
     * A capacity.
     *
     * @param min the fewest instances
     * @param desired the instances to run now
     * @param max the most instances
     * @return the capacity
     */
    public static Capacity of(int min, int desired, int max) {
        return new Capacity(min, desired, max);
    }
}
