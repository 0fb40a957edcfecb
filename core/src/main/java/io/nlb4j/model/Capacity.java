package io.nlb4j.model;

/**
 * How many instances an availability group runs: {@code 0 <= min <= desired <= max},
 * {@code 1 <= max <= }{@value #MAX_INSTANCES}.
 *
 * @param min the fewest instances, 0-{@value #MAX_INSTANCES}
 * @param desired the instances to run now, between {@code min} and {@code max}
 * @param max the most instances, 1-{@value #MAX_INSTANCES}
 */
public record Capacity(int min, int desired, int max) {

    /**
     * The most instances one availability group may have: {@value}. Instances are processes or servers this JVM
     * starts and watches, and counts of them are added and multiplied (connections per instance times instances);
     * the bound keeps both within reason.
     */
    public static final int MAX_INSTANCES = 1000;

    /** The capacity of a group that sets none: one instance. */
    public static final Capacity DEFAULT = new Capacity(1, 1, 1);

    /**
     * Creates a capacity.
     *
     * @throws SpecValidationException naming every wrong field, its value and what was expected
     */
    public Capacity {
        SpecValidator.throwIfInvalid("capacity", v -> v.capacity("", min, desired, max));
    }

    /**
     * A capacity.
     *
     * @param min the fewest instances
     * @param desired the instances to run now
     * @param max the most instances
     * @return the capacity
     * @throws SpecValidationException naming every wrong field, its value and what was expected
     */
    public static Capacity of(int min, int desired, int max) {
        return new Capacity(min, desired, max);
    }

    /**
     * Returns this capacity with another desired count.
     *
     * @param desired the instances to run, between {@link #min()} and {@link #max()}
     * @return the new capacity
     * @throws SpecValidationException if {@code desired} is out of range, such as
     *         {@code desired: 7 (expected: between min 1 and max 6)}
     */
    public Capacity withDesired(int desired) {
        return new Capacity(min, desired, max);
    }

    @Override
    public String toString() {
        return "min " + min + ", desired " + desired + ", max " + max;
    }
}
