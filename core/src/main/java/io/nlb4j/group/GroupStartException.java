package io.nlb4j.group;

import java.util.List;

/**
 * Thrown when an availability group cannot start: fewer than its minimum capacity of instances could be
 * launched. Every instance it did launch has been terminated by then. The message says why each launch failed in
 * words ({@code ...; 2 of 2 launches failed: no binary for web-1; no binary for web-2}), never with class names;
 * the throwables themselves are {@link #launchErrors()}.
 */
public final class GroupStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Throwable> launchErrors;

    /**
     * Creates the exception.
     *
     * @param message what failed, with the numbers
     * @param launchErrors the failures of the first launches, in launch order
     */
    public GroupStartException(String message, List<Throwable> launchErrors) {
        super(message, launchErrors.isEmpty() ? null : launchErrors.get(0));
        this.launchErrors = List.copyOf(launchErrors);
        launchErrors.stream().skip(1).forEach(this::addSuppressed);
    }

    /**
     * Returns why each failed launch failed.
     *
     * @return the failures, in launch order
     */
    public List<Throwable> launchErrors() {
        return launchErrors;
    }
}
