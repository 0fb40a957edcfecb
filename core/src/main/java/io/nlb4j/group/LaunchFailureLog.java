package io.nlb4j.group;

import io.nlb4j.control.ControlContext;
import io.nlb4j.model.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import reactor.core.Disposable;

/**
 * Logs a group's launch failures without flooding the log when launches keep failing alike. The first failure of
 * a kind is logged in full, at WARN; further failures of that kind within the next {@link #WINDOW} are counted,
 * and the count is logged once at the window's end, with the latest failure's sentence
 * ({@code availability group web-ag: 57 more launch failures in the last 10s: ...}). A kind that keeps failing
 * gets one summary per window; one that stays quiet for a whole window is forgotten, so that its next failure is
 * logged in full again. Failures are of the same kind when their sentences are the same but for the instance id
 * and numbers (process ids, ports, durations). Windows are measured on the control clock.
 *
 * <p>Used in the group's control context only.
 */
final class LaunchFailureLog {

    /** How long failures of one kind are counted before they are summarized. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    private final Logger log;
    private final String group;
    private final ControlContext ctx;
    private final long windowNanos;
    /** The kinds seen in the current window of each, by normalized sentence. */
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private Disposable timer;

    LaunchFailureLog(Logger log, String group, ControlContext ctx) {
        this(log, group, ctx, WINDOW);
    }

    LaunchFailureLog(Logger log, String group, ControlContext ctx, Duration window) {
        this.log = log;
        this.group = group;
        this.ctx = ctx;
        this.windowNanos = window.toNanos();
    }

    /**
     * Logs a launch failure, or counts it if one like it was logged within the window.
     *
     * @param instanceId the instance whose launch failed
     * @param error why
     * @param description the failure in full, as its event describes it
     */
    void failed(String instanceId, Throwable error, String description) {
        ctx.checkInContext();
        String sentence = Errors.launchSentence(instanceId, error);
        String key = NUMBERS.matcher(sentence.replace(instanceId, "{instance}")).replaceAll("#");
        Kind kind = kinds.get(key);
        if (kind != null) {
            kind.more++;
            kind.latest = sentence;
            return;
        }
        log.warn("availability group {}: {}", group, description);
        if (log.isDebugEnabled()) {
            log.debug("availability group {}: launch of {} failed", group, instanceId, error);
        }
        kinds.put(key, new Kind(ctx.nanoTime(), sentence));
        schedule();
    }

    /** Logs what is still counted, as the group stops; nothing is scheduled afterwards. */
    void close() {
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
        long now = ctx.nanoTime();
        for (Kind kind : kinds.values()) {
            summarize(kind, now - kind.since);
        }
        kinds.clear();
    }

    private void schedule() {
        if (timer != null || kinds.isEmpty()) {
            return;
        }
        long now = ctx.nanoTime();
        long next = Long.MAX_VALUE;
        for (Kind kind : kinds.values()) {
            next = Math.min(next, kind.since + windowNanos - now);
        }
        timer = ctx.schedule(this::windowEnded, Duration.ofNanos(Math.max(0, next)));
    }

    private void windowEnded() {
        timer = null;
        long now = ctx.nanoTime();
        for (Iterator<Kind> it = kinds.values().iterator(); it.hasNext(); ) {
            Kind kind = it.next();
            if (now - kind.since < windowNanos) {
                continue;
            }
            if (kind.more == 0) {
                it.remove(); // quiet for a whole window: its next failure is news again
            } else {
                summarize(kind, now - kind.since);
                kind.since = now;
            }
        }
        schedule();
    }

    private void summarize(Kind kind, long elapsedNanos) {
        if (kind.more == 0) {
            return;
        }
        log.warn("availability group {}: {} more launch {} in the last {}: {}", group, kind.more,
                kind.more == 1 ? "failure" : "failures",
                Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(elapsedNanos))), kind.latest);
        kind.more = 0;
    }

    /** Failures of one kind in the current window. */
    private static final class Kind {
        long since;
        int more;
        String latest;

        Kind(long since, String latest) {
            this.since = since;
            this.latest = latest;
        }
    }
}
