package io.nlb4j.balancer.properties;

import static org.awaitility.Awaitility.await;

import io.nlb4j.config.ConfigException;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.CloudCompatibility;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/** The invariants the properties share: what a refusal of a file must look like, and what a stop must leave. */
final class Checks {

    /** The most a cut text adds to its limit: an ellipsis and {@code (2147483647 characters)}. */
    static final int CUT_TAIL = "…(2147483647 characters)".length();
    /** The longest text of one problem's part (path, value, expectation) as {@link ConfigException} documents it. */
    static final int MAX_PART = ConfigException.MAX_SHOWN_TEXT_LENGTH + CUT_TAIL;
    /** The longest line of one problem: three parts, their punctuation and a place. */
    static final int MAX_PROBLEM_LINE = 3 * MAX_PART + ": (expected: )".length()
            + " at line 2147483647, column 2147483647".length() + 4;
    /** The longest message: the source, the count, {@value ConfigException#MAX_LISTED_PROBLEMS} problems, the rest. */
    static final int MAX_MESSAGE = MAX_PART + 64 + ConfigException.MAX_LISTED_PROBLEMS * (MAX_PROBLEM_LINE + 4) + 64;

    /** Words that name code: a parser's or the JDK's classes, which no problem may show (unless the file has them). */
    private static final List<String> CODE_WORDS = List.of("com.fasterxml", "org.yaml", "snakeyaml", "jackson",
            "Jackson", "Exception", "java.lang", "java.io", "JsonParser", "YAMLParser", "StreamReadConstraints",
            "io.nlb4j.config", "NullPointer");

    private Checks() {
    }

    /**
     * Checks a refusal of a document: problems, each naming a path (or, for a problem of the whole document, alone
     * with an empty path), texts and message within the documented bounds, one line each, places within the text,
     * nothing of the parsers' code.
     *
     * @return a label for the statistics: what the first problem was about
     */
    static String refusal(ConfigException e, String text, String source) {
        List<ConfigException.Problem> problems = e.problems();
        require(!problems.isEmpty(), "no problems", "a ConfigException without problems: " + e.getMessage());
        require(source.equals(e.source()), "wrong source", "source " + e.source() + " (expected " + source + ')');
        int lines = lines(text);
        for (ConfigException.Problem p : problems) {
            String shown = p.toString();
            if (p.path().isEmpty()) {
                require(problems.size() == 1, "unlocated problem among others",
                        "a problem with an empty path is one of " + problems.size() + ": " + shown + "\nall: "
                                + problems);
            }
            require(p.path().length() <= MAX_PART && p.value().length() <= MAX_PART
                    && p.expected().length() <= MAX_PART, "problem text too long",
                    "a part longer than " + MAX_PART + " characters: path " + p.path().length() + ", value "
                            + p.value().length() + ", expected " + p.expected().length() + ": "
                            + Docs.visible(shown, 600));
            require(!p.value().isEmpty() && !p.expected().isEmpty(), "empty problem text", shown);
            require(noControl(shown), "control character in a problem", Docs.visible(shown, 600));
            require(p.line() >= 0 && p.column() >= 0, "negative place", shown);
            require(p.line() == 0 || p.column() >= 1, "line without column", shown);
            require(p.line() <= lines + 1, "place beyond the text",
                    "line " + p.line() + " of a text of " + lines + " lines: " + Docs.visible(shown, 600));
        }
        String message = e.getMessage();
        require(message != null && message.length() <= MAX_MESSAGE, "message too long",
                "a message of " + (message == null ? 0 : message.length()) + " characters (bound " + MAX_MESSAGE + ')');
        require(message.lines().allMatch(Checks::noControl), "control character in the message",
                Docs.visible(message, 2000));
        for (String word : CODE_WORDS) {
            require(!message.contains(word) || text.contains(word), "code named in the message",
                    "\"" + word + "\" in: " + Docs.visible(message, 2000));
        }
        ConfigException.Problem first = problems.get(0);
        if (first.path().isEmpty()) {
            return "refused: whole document (" + first.value().replaceAll("[ (:].*", "") + ')';
        }
        return first.value().equals("unknown field") ? "refused: unknown field" : "refused: invalid value";
    }

    /** Counts lines as the parsers do: a line feed, a carriage return, or both, and YAML's other line breaks. */
    static int lines(String text) {
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n') || c == 0x85
                    || c == 0x2028 || c == 0x2029) {
                lines++;
            }
        }
        return lines;
    }

    static boolean noControl(String s) {
        return s.chars().noneMatch(c -> c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x2028 || c == 0x2029);
    }

    /**
     * Checks that a valid specification writes and reads back as itself in both formats, and that writing is stable;
     * also that the cloud check takes it.
     */
    static void writesAndReadsBack(LoadBalancerSpec spec) {
        CloudCompatibility.check(spec);
        for (ConfigFormat format : ConfigFormat.values()) {
            String text = SpecFiles.write(spec, format);
            LoadBalancerSpec back;
            try {
                back = SpecFiles.read(text, format);
            } catch (ConfigException e) {
                throw new AssertionError("written " + format + " does not read back (" + firstPath(e) + "): "
                        + Docs.visible(e.getMessage(), 3000) + "\n--- the " + format + " written:\n"
                        + Docs.visible(text, 6000), e);
            }
            require(back.equals(spec), "written " + format + " reads back different",
                    "wrote\n" + Docs.visible(text, 6000) + "\n--- read back\n" + Docs.visible(SpecFiles.write(back,
                            format), 6000));
            require(SpecFiles.write(back, format).equals(text), "writing " + format + " is not stable",
                    Docs.visible(text, 3000));
        }
    }

    private static String firstPath(ConfigException e) {
        return e.problems().isEmpty() ? "" : e.problems().get(0).path().replaceAll("\\[\\d+]", "[]");
    }

    static void require(boolean condition, String category, String detail) {
        if (!condition) {
            throw new AssertionError(category + ": " + detail);
        }
    }

    // ---- what a stopped load balancer leaves ----

    /** The threads a load balancer and its groups run: {@code nlb4j-<name>-…}, its control thread, its groups'. */
    static List<String> threadsOf(LoadBalancerSpec spec) {
        Set<String> prefixes = new LinkedHashSet<>();
        prefixes.add("nlb4j-" + spec.name() + '-');
        prefixes.add("nlb4j-control-" + spec.name());
        for (Listener l : spec.listeners()) {
            if (l.backendService().servers() instanceof ServerSource.Group g) {
                prefixes.add("nlb4j-group-" + g.group().name());
            }
        }
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> prefixes.stream().anyMatch(n::startsWith)).collect(Collectors.toList());
    }

    /** Waits up to five seconds for the threads of a stopped load balancer to end; fails naming those left. */
    static void noThreadsLeft(LoadBalancerSpec spec) {
        if (!eventually(() -> threadsOf(spec).isEmpty())) {
            throw new AssertionError("threads left after close: " + threadsOf(spec));
        }
    }

    /** Whether a condition holds within five seconds. */
    static boolean eventually(java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Fails if any of the addresses still accepts connections. */
    static void nothingListening(List<InetSocketAddress> addresses) {
        List<String> open = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            try (Socket s = new Socket()) {
                s.connect(a, 1000);
                open.add(a.toString());
            } catch (IOException expected) {
                // refused: closed
            }
        }
        require(open.isEmpty(), "listeners left open after close", open.toString());
    }

    /** Waits up to five seconds for a counter of live things to return to where it was. */
    static void backTo(java.util.concurrent.atomic.AtomicInteger counter, int expected, String what) {
        if (!eventually(() -> counter.get() == expected)) {
            throw new AssertionError(what + " left after close: " + counter.get() + " (expected " + expected + ')');
        }
    }
}
