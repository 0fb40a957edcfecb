package io.nlb4j.samples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's "Testing with nlb4j" sample the test that runs. */
class TestingDocsTest {

    @Test
    void theReadmeSampleIsTheSampleTest() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String block = between(between(readme, "<!-- testing-sample:begin -->\n", "<!-- testing-sample:end -->"),
                "```java\n", "```");
        String source = Files.readString(Path.of("src", "test", "java", "io", "nlb4j", "samples", "testing",
                "TestingWithNlb4jTest.java"));
        assertThat(block.strip()).isEqualTo(between(source, "// readme:testing-sample:start\n",
                "// readme:testing-sample:end").strip());
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("marker %s", start.trim()).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("marker %s", end.trim()).isNotNegative();
        return text.substring(from + start.length(), to);
    }
}
