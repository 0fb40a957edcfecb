package io.nlb4j.control;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Puts a {@link Throwable} into words for people: its message, the sentence, never the class name
 * ({@code no binary for web-1}, not {@code java.io.IOException: no binary for web-1}). Every user-facing message,
 * event description and log line of nlb4j goes through {@link #sentence(Throwable)}; the throwable itself stays
 * available to programs (typed events, exception causes) and in DEBUG logs.
 */
public final class Failures {

    /** Nested causes followed at most, so that a cyclic or endless chain cannot loop. */
    private static final int MAX_DEPTH = 8;

    private Failures() {
    }

    /**
     * Renders a throwable as a sentence: its message if it has one; else its cause's sentence; else a plain
     * description of its kind ({@code connection refused}, {@code timed out}); the simple class name only as a
     * last resort. A message that merely repeats the cause ({@code new RuntimeException(cause)} makes
     * {@code java.io.IOException: boom}) gives way to the cause's sentence.
     *
     * @param error the throwable; {@code null} gives {@code unknown error}
     * @return the sentence, never blank
     */
    public static String sentence(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            String message = t.getMessage();
            Throwable cause = t.getCause();
            if (message != null && !message.isBlank()
                    && !(cause != null && cause != t && message.equals(cause.toString()))) {
                return withKind(t, message.strip());
            }
            if (cause == null || cause == t) {
                return describe(t);
            }
            t = cause;
        }
        return t == null ? "unknown error" : describe(t);
    }

    /** Messages that are only a name (a host, a file) say what is wrong with it. */
    private static String withKind(Throwable t, String message) {
        if (t instanceof UnknownHostException && !message.contains(" ")) {
            return "unknown host " + message;
        }
        if (t instanceof FileSystemException f && f.getReason() == null) {
            if (t instanceof NoSuchFileException) {
                return "no such file: " + message;
            }
            if (t instanceof AccessDeniedException) {
                return "access denied: " + message;
            }
            if (t instanceof FileAlreadyExistsException) {
                return "file already exists: " + message;
            }
        }
        return message;
    }

    /** A throwable without a message, in words. */
    private static String describe(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return "timed out";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof PortUnreachableException) {
            return "port unreachable";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host";
        }
        if (t instanceof FileNotFoundException) {
            return "file not found";
        }
        if (t instanceof EOFException) {
            return "unexpected end of stream";
        }
        if (t instanceof ClosedChannelException) {
            return "channel closed";
        }
        if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
            return "interrupted";
        }
        if (t instanceof CancellationException) {
            return "cancelled";
        }
        if (t instanceof NullPointerException) {
            return "a required value was missing (null)";
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow";
        }
        String name = t.getClass().getSimpleName();
        return name.isEmpty() ? t.getClass().getName() : name;
    }

}
