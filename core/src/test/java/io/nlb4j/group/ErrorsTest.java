package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Throwables in words: the sentence, never the class name unless nothing else is known. */
class ErrorsTest {

    @Test
    void aMessageIsTheSentence() {
        assertThat(Errors.sentence(new IOException("no binary for web-1"))).isEqualTo("no binary for web-1");
        assertThat(Errors.sentence(new IllegalArgumentException("  port: 70000 (expected: 0-65535)\n")))
                .isEqualTo("port: 70000 (expected: 0-65535)");
    }

    @Test
    void aWrapperThatOnlyRepeatsItsCauseGivesWayToTheCause() {
        assertThat(Errors.sentence(new UncheckedIOException(new IOException("disk full")))).isEqualTo("disk full");
        assertThat(Errors.sentence(new RuntimeException(new IOException("disk full")))).isEqualTo("disk full");
        assertThat(Errors.sentence(new ExecutionException(new ConnectException()))).isEqualTo("connection refused");
        assertThat(Errors.sentence(new IllegalStateException("cannot start web-1", new IOException("disk full"))))
                .isEqualTo("cannot start web-1");
    }

    @Test
    void withoutAMessageAPlainDescriptionAndTheSimpleClassNameOnlyAsALastResort() {
        assertThat(Errors.sentence(new ConnectException())).isEqualTo("connection refused");
        assertThat(Errors.sentence(new SocketTimeoutException())).isEqualTo("timed out");
        assertThat(Errors.sentence(new InterruptedException())).isEqualTo("interrupted");
        assertThat(Errors.sentence(new NullPointerException())).isEqualTo("a required value was missing (null)");
        assertThat(Errors.sentence(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(Errors.sentence(null)).isEqualTo("unknown error");
    }

    @Test
    void namesAloneSayWhatIsWrongWithThem() {
        assertThat(Errors.sentence(new UnknownHostException("backend.invalid"))).isEqualTo("unknown host backend.invalid");
        assertThat(Errors.sentence(new NoSuchFileException("/opt/app/bin/server")))
                .isEqualTo("no such file: /opt/app/bin/server");
    }

    @Test
    void aLaunchSentenceDropsTheInstancePrefixTheMessageAroundItAlreadyHas() {
        assertThat(Errors.launchSentence("web-3", new IOException("instance web-3: process 12 exited with code 1")))
                .isEqualTo("process 12 exited with code 1");
        assertThat(Errors.launchSentence("web-3", new IOException("instance web-30: gone")))
                .isEqualTo("instance web-30: gone");
    }
}
