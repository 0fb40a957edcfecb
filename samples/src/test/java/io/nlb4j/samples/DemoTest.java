package io.nlb4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command runs this demo; it must succeed and say what happened. */
class DemoTest {

    @Test
    void demoScalesOutAndInWithoutLosingAConnectionOrAByte() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        boolean ok = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(out).isTrue();
        assertThat(out).contains("with 2 instances in service", "Scaling out to 6 instances",
                "Scaling in to 2 instances", "Result: OK");
        assertThat(out).containsPattern("Client connections: +[1-9][0-9]* succeeded, 0 failed, 0 with mismatched bytes");
        // Six instances served traffic, four of them were scaled in after draining.
        assertThat(out.lines().filter(l -> l.matches(" +demo-ag-\\d+ +[1-9]\\d* +.*"))).hasSize(6);
        assertThat(out.lines().filter(l -> l.contains("scaled in (drained, then terminated)"))).hasSize(4);
        assertThat(out).contains("Servers drained out: 4");
    }
}
