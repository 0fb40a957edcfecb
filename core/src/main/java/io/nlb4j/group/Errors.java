package io.nlb4j.group;

import io.nlb4j.control.Failures;

/** The group package's words for failures: {@link Failures#sentence}, and launch failures without a repeated prefix. */
final class Errors {

    private Errors() {
    }

    /**
     * Renders a throwable as a sentence, as {@link Failures#sentence(Throwable)} does.
     *
     * @param error the throwable; {@code null} gives {@code unknown error}
     * @return the sentence, never blank
     */
    static String sentence(Throwable error) {
        return Failures.sentence(error);
    }

    /**
     * The sentence of a launch failure of an instance, without a leading {@code instance <id>: } that would repeat
     * what the surrounding message already says.
     *
     * @param instanceId the instance
     * @param error why its launch failed
     * @return the sentence
     */
    static String launchSentence(String instanceId, Throwable error) {
        String s = sentence(error);
        String prefix = "instance " + instanceId + ": ";
        return s.startsWith(prefix) && s.length() > prefix.length() ? s.substring(prefix.length()) : s;
    }
}
