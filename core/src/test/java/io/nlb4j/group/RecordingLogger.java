package io.nlb4j.group;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger for the group's control logic ({@code GroupOptions.Builder#logger}) that records every line at INFO and
 * above, formatted, and passes it on to the real logger so that test output still shows it. DEBUG and TRACE are
 * off, as in a default configuration.
 */
final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    /** One recorded line. */
    record Line(Level level, String message, Throwable throwable) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final transient Logger delegate = LoggerFactory.getLogger(GroupController.class);
    final transient List<Line> lines = new CopyOnWriteArrayList<>();

    RecordingLogger() {
        this.name = GroupController.class.getName();
    }

    List<Line> at(Level level) {
        return lines.stream().filter(l -> l.level == level).toList();
    }

    List<String> messages() {
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
