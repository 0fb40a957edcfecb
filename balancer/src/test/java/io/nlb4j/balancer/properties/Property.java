package io.nlb4j.balancer.properties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestReporter;

/**
 * A small property-based testing harness: a generator of inputs, an explicit number of tries, a seed that
 * reproduces every try, greedy shrinking of a failing input, and a report of the tries and their outcomes.
 *
 * <p>It is plain JUnit 5 (Jupiter), with no property-testing library. Generators are plain functions of a
 * {@link Random} and checks plain methods, so that they could be wrapped for a library such as jqwik
 * ({@code Arbitraries.randomValue(...)}) with the checks kept as they are.
 *
 * <p>Knobs, as system properties of the test JVM:
 * <ul>
 *   <li>{@code nlb4j.properties.seed}: the base seed of every property (default: one fixed seed per property, so
 *   that the default build is repeatable); a failure names the seed and the try that reproduce it;</li>
 *   <li>{@code nlb4j.properties.triesFactor}: multiplies every property's tries (default 1), for longer runs.</li>
 * </ul>
 *
 * @param <T> the input type
 */
final class Property<T> {

    /** Makes one input from a source of randomness. */
    @FunctionalInterface
    interface Gen<T> {
        T generate(Random random);
    }

    /** Checks one input; returns a label for the statistics (what kind of outcome it was), or {@code null}. */
    @FunctionalInterface
    interface Check<T> {
        String check(T input) throws Exception;
    }

    /** Proposes smaller inputs than a failing one, simplest first. */
    @FunctionalInterface
    interface Shrinker<T> {
        Stream<T> candidates(T input);
    }

    /** Where every property appends its report line, for the build's record of tries and times. */
    static final Path REPORT = Path.of("target", "property-report.txt");

    private static final int MAX_SHRINK_EVALUATIONS = 3000;
    private static final long MAX_SHRINK_MILLIS = 15_000;

    private final String name;
    private final Gen<T> gen;
    private int tries = 100;
    private Shrinker<T> shrinker = t -> Stream.empty();
    private Function<T, String> describe = String::valueOf;

    private Property(String name, Gen<T> gen) {
        this.name = name;
        this.gen = gen;
    }

    static <T> Property<T> forAll(String name, Gen<T> gen) {
        return new Property<>(name, gen);
    }

    Property<T> tries(int tries) {
        this.tries = tries;
        return this;
    }

    Property<T> shrinkWith(Shrinker<T> shrinker) {
        this.shrinker = shrinker;
        return this;
    }

    Property<T> describeWith(Function<T, String> describe) {
        this.describe = describe;
        return this;
    }

    /** The tries this property runs: its explicit count times {@code nlb4j.properties.triesFactor}. */
    int effectiveTries() {
        String factor = System.getProperty("nlb4j.properties.triesFactor");
        return factor == null ? tries : Math.max(1, (int) Math.round(tries * Double.parseDouble(factor)));
    }

    /**
     * Runs every try; on the first failure, shrinks the input and throws an {@link AssertionError} naming the
     * property, the seed, the try, the input as generated and as shrunk, and the failure of the shrunk input.
     */
    void check(TestReporter reporter, Check<T> check) {
        long seed = baseSeed();
        int n = effectiveTries();
        Map<String, Integer> statistics = new TreeMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long trySeed = trySeed(seed, i);
            T input;
            try {
                input = gen.generate(new Random(trySeed));
            } catch (RuntimeException e) {
                throw new AssertionError(name + ": the generator failed at try " + (i + 1) + " (seed " + seed + ')', e);
            }
            Throwable failure = attempt(check, input, statistics);
            if (failure != null) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                record(reporter, String.format(Locale.ROOT, "%s: FALSIFIED at try %d of %d, seed %d, %d ms", name,
                        i + 1, n, seed, ms));
                throw falsified(check, input, failure, i, n, seed);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        record(reporter, String.format(Locale.ROOT, "%s: %d tries passed, seed %d, %d ms; outcomes %s", name, n, seed,
                ms, statistics.entrySet().stream().map(e -> e.getKey() + '=' + e.getValue())
                        .collect(Collectors.joining(", ", "{", "}"))));
    }

    private Throwable attempt(Check<T> check, T input, Map<String, Integer> statistics) {
        try {
            String label = check.check(input);
            if (statistics != null && label != null) {
                statistics.merge(label, 1, Integer::sum);
            }
            return null;
        } catch (Throwable t) { // StackOverflowError and OutOfMemoryError included: each is a finding
            return t;
        }
    }

    private AssertionError falsified(Check<T> check, T original, Throwable failure, int index, int n, long seed) {
        T current = original;
        Throwable currentFailure = failure;
        int steps = 0;
        int evaluations = 0;
        long deadline = System.currentTimeMillis() + MAX_SHRINK_MILLIS;
        boolean progress = true;
        while (progress && evaluations < MAX_SHRINK_EVALUATIONS && System.currentTimeMillis() < deadline) {
            progress = false;
            Iterator<T> candidates;
            try {
                candidates = shrinker.candidates(current).iterator();
            } catch (RuntimeException e) {
                break;
            }
            while (candidates.hasNext() && evaluations < MAX_SHRINK_EVALUATIONS
                    && System.currentTimeMillis() < deadline) {
                T candidate;
                try {
                    candidate = candidates.next();
                } catch (RuntimeException e) {
                    continue; // a candidate that cannot be made
                }
                evaluations++;
                Throwable t = attempt(check, candidate, null);
                if (t != null && sameKind(t, failure)) {
                    current = candidate;
                    currentFailure = t;
                    steps++;
                    progress = true;
                    break;
                }
            }
        }
        String message = name + " falsified at try " + (index + 1) + " of " + n + " (reproduce with"
                + " -Dnlb4j.properties.seed=" + seed + ")\n"
                + "  failure: " + oneLine(currentFailure) + "\n"
                + "  shrunk input (" + steps + " steps, " + evaluations + " candidates tried):\n"
                + indent(safeDescribe(current)) + "\n"
                + (steps == 0 ? "" : "  input as generated:\n" + indent(safeDescribe(original)) + "\n"
                + "  failure as generated: " + oneLine(failure) + "\n");
        return new AssertionError(message, currentFailure);
    }

    /**
     * Whether a shrunk input fails the same way: the same class and, for assertion errors, the same category (the
     * message's text before its first colon), so that shrinking does not wander to another failure.
     */
    private static boolean sameKind(Throwable a, Throwable b) {
        return a.getClass() == b.getClass() && (!(a instanceof AssertionError) || category(a).equals(category(b)));
    }

    private static String category(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int colon = m.indexOf(':');
        return colon < 0 ? m : m.substring(0, colon);
    }

    private String safeDescribe(T input) {
        try {
            String text = describe.apply(input);
            return text.length() > 20_000 ? text.substring(0, 20_000) + "…(" + text.length() + " characters)" : text;
        } catch (RuntimeException e) {
            return "(cannot describe: " + e + ')';
        }
    }

    private static String oneLine(Throwable t) {
        String s = t.toString();
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    }

    private long baseSeed() {
        String s = System.getProperty("nlb4j.properties.seed");
        if (s != null && !s.isBlank()) {
            return Long.parseLong(s.trim());
        }
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return h;
    }

    /** A different, well-mixed seed for each try (SplitMix64). */
    private static long trySeed(long seed, int index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Records an extra line of a property's report, such as statistics the check gathered itself. */
    static void note(TestReporter reporter, String line) {
        record(reporter, line);
    }

    private static void record(TestReporter reporter, String line) {
        System.out.println("[property] " + line);
        if (reporter != null) {
            reporter.publishEntry("property", line);
        }
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, java.time.Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the report file is a convenience; the line is on stdout and in the test report
        }
    }
}
