package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.control.RecordingLogger;
import io.nlb4j.model.Capacity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import reactor.test.StepVerifier;

/** Launch failures in the log: sentences, not class names, and a bounded number of lines however many fail. */
class LaunchFailureLoggingTest extends GroupTestSupport {

    private static final Pattern SUMMARY = Pattern.compile(
            "availability group g: (\\d+) more launch failures? in the last (\\S+): (.*)");

    private final AtomicInteger failures = new AtomicInteger();

    private GroupOptions.Builder failing() {
        launcher.failuresLeft.set(Integer.MAX_VALUE);
        return options().launchRetry(Duration.ofMillis(100), Duration.ofMillis(100)).eventListener(e -> {
            if (e instanceof GroupEvent.LaunchFailed) {
                failures.incrementAndGet();
            }
        });
    }

    @Test
    void repeatedFailuresAreLoggedOnceInFullThenSummarizedOncePerWindowWithTheRightCounts() {
        start(spec(Capacity.of(0, 2, 2), "az-a", "az-b"), failing());
        for (int i = 0; i < 350; i++) { // 35 s: two failures every 100 ms
            advance(Duration.ofMillis(100));
        }
        StepVerifier.create(group.stop()).expectComplete().verify(WAIT);
        int n = failures.get();
        assertThat(n).isGreaterThan(600);

        List<String> warnings = logs.at(Level.WARN).stream().map(RecordingLogger.Line::message).toList();
        List<String> full = warnings.stream().filter(m -> m.contains("launch failed")).toList();
        assertThat(full).containsExactly("availability group g: instance g-1 launch failed: simulated failure of g-1;"
                + " failure 1 in a row, next launch in 100ms");
        List<Matcher> summaries = warnings.stream().map(SUMMARY::matcher).filter(Matcher::matches).toList();
        // one summary at the end of each 10 s window (10, 20, 30 s) and one for the last 5 s at the stop
        assertThat(summaries).extracting(m -> m.group(2)).containsExactly("10s", "10s", "10s", "5s");
        assertThat(summaries).allSatisfy(m -> assertThat(m.group(3)).matches("simulated failure of g-\\d+"));
        int summarized = summaries.stream().mapToInt(m -> Integer.parseInt(m.group(1))).sum();
        assertThat(1 + summarized).isEqualTo(n); // every failure is told, once
        assertThat(warnings).hasSize(full.size() + summaries.size());
        // retries are not announced one by one either: the whole run is a handful of lines
        assertThat(logs.lines()).hasSizeLessThan(15);
        assertThat(logs.messages()).noneMatch(m -> m.contains("java.") || m.contains("Exception"));
    }

    @Test
    void anotherKindOfFailureIsLoggedInFullAtOnceAndAQuietKindIsNewsAgain() {
        start(spec(Capacity.of(0, 1, 1), "az-a"), failing());
        advance(Duration.ofSeconds(3));
        launcher.failure = "no space left on device for ";
        advance(Duration.ofSeconds(3)); // t = 6 s
        List<String> full = logs.at(Level.WARN).stream().map(RecordingLogger.Line::message)
                .filter(m -> m.contains("launch failed")).toList();
        assertThat(full).hasSize(2);
        assertThat(full.get(1)).contains("launch failed: no space left on device for g-");

        // the first kind stops; after a quiet window it is forgotten, and logged in full when it comes back
        advance(Duration.ofSeconds(25)); // t = 31 s
        launcher.failure = "simulated failure of ";
        advance(Duration.ofMillis(200));
        List<String> again = logs.at(Level.WARN).stream().map(RecordingLogger.Line::message)
                .filter(m -> m.contains("launch failed: simulated failure")).toList();
        assertThat(again).hasSize(2);
        assertThat(logs.at(Level.WARN).stream().map(RecordingLogger.Line::message)
                .filter(m -> m.equals("availability group g: 30 more launch failures in the last 10s: simulated"
                        + " failure of g-31")))
                .hasSize(1); // g-2 to g-31 (t = 0.1 s to 3 s), told at the end of the first window
    }

    @Test
    void aGroupThatCanNeverLaunchFailsItsStartListingTheLaunchErrorsAsSentences() {
        launcher.failuresLeft.set(Integer.MAX_VALUE);
        StepVerifier.create(AvailabilityGroups.start(spec(Capacity.of(2, 3, 3), "az-a", "az-b"), membership,
                        options().build()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(GroupStartException.class).hasMessage("availability group \"g\" could"
                            + " not start: 0 of its minimum 2 instances in service; 3 of 3 launches failed:"
                            + " simulated failure of g-1; simulated failure of g-2; simulated failure of g-3");
                    assertThat(((GroupStartException) e).launchErrors()).hasSize(3)
                            .allMatch(t -> t instanceof java.io.IOException); // the throwables are kept
                })
                .verify(WAIT);
        assertThat(launcher.live.get()).isZero();
        assertThat(eventsOf(GroupEvent.Stopped.class)).hasSize(1);
        assertThatThrownBy(() -> AvailabilityGroups.startNow(spec(Capacity.of(1, 1, 1), "az-a"), membership,
                options().build())).isInstanceOf(GroupStartException.class)
                .hasMessageEndingWith("1 of 1 launches failed: simulated failure of g-1");
    }
}
