package io.nlb4j.control;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger to hand to the code under test (a group's {@code GroupOptions.Builder#logger}, a load balancer's access
 * log) that records every line at INFO and above, formatted, and passes it on to a real logger so that test output
 * still shows it. DEBUG and TRACE are off, as in a default configuration.
 */
public final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    /**
     * One recorded line.
     *
     * @param level its level
     * @param message the formatted message
     * @param throwable what it was logged with, or {@code null}
     */
    public record Line(Level level, String message, Throwable throwable) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final transient Logger delegate;
    private final transient List<Line> lines = new CopyOnWriteArrayList<>();

    /**
     * Records lines and passes them on.
     *
     * @param delegate the real logger, whose name this one takes
     */
    public RecordingLogger(Logger delegate) {
        this.delegate = delegate;
        this.name = delegate.getName();
    }

    /** Every line so far, in order. */
    public List<Line> lines() {
        return lines;
    }

    /** The lines at a level. */
    public List<Line> at(Level level) {
        return lines.stream().filter(l -> l.level == level).toList();
    }

    /** The messages so far, in order. */
    public List<String> messages() {
        return lines.stream().map(Line::message).toList();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        lines.add(new Line(level, message, throwable));
        switch (level) {
            case ERROR -> delegate.error(message, throwable);
            case WARN -> delegate.warn(message, throwable);
            default -> delegate.info(message, throwable);
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
