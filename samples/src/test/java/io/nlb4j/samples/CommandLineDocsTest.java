package io.nlb4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Command line" section and the quick-start files true: every file loads, the README's
 * examples load, and its specification reference lists exactly the fields a file can hold; and its "Testing with
 * nlb4j" sample is the test that runs.
 */
class CommandLineDocsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path QUICKSTART = Path.of("src", "main", "resources", "quickstart");

    @Test
    void everyQuickstartFileLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(QUICKSTART)) {
            files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")
                    || f.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("static-servers.yaml", "availability-group.yaml");
        for (Path f : files) {
            LoadBalancerSpec spec = SpecFiles.read(f); // throws, listing every problem, if invalid
            assertThat(spec.listeners()).as(f.toString()).isNotEmpty();
        }
    }

    @Test
    void readmeSchemaExampleLoads() throws IOException {
        LoadBalancerSpec spec = SpecFiles.read(block("cli-example"), ConfigFormat.YAML, "README.md cli-example");
        assertThat(spec.name()).isEqualTo("shop-lb");
        assertThat(spec.listeners()).hasSize(3);
    }

    @Test
    void readmeWorkedExampleIsTheQuickstartFile() throws IOException {
        String file = Files.readString(QUICKSTART.resolve("static-servers.yaml"));
        String withoutHeader = file.lines().dropWhile(l -> l.startsWith("#"))
                .collect(Collectors.joining("\n")).strip();
        assertThat(block("cli-quickstart")).isEqualTo(withoutHeader);
        SpecFiles.read(block("cli-quickstart"), ConfigFormat.YAML, "README.md cli-quickstart");
    }

    @Test
    void readmeClusterExampleLoads() throws IOException {
        LoadBalancerSpec spec = SpecFiles.read(block("cluster-example"), ConfigFormat.YAML, "README.md cluster-example");
        assertThat(spec.cluster().orElseThrow().node()).contains("node-a");
    }

    @Test
    void readmeSpecificationReferenceListsEveryField() throws IOException {
        String readme = Files.readString(README);
        String reference = between(readme, "### Specification reference\n", "<!-- cli-example:begin -->");
        Set<String> documented = reference.lines()
                .filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3)))
                .collect(Collectors.toCollection(TreeSet::new));
        // A nested placement is documented once, as a row pointing to the top-level placement's fields.
        Set<String> fields = SpecFiles.fields().stream()
                .filter(f -> !f.matches(".+\\.placement\\..+"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(fields).contains("name", "listeners[].name", "listeners[].backendService.healthCheck.type",
                "listeners[].backendService.servers.static[].placement");
        assertThat(documented).as("fields in the README's specification reference")
                .containsExactlyInAnyOrderElementsOf(fields);
    }

    /** The README's "Testing with nlb4j" sample is the sample test that runs, between its markers. */
    @Test
    void readmeTestingSampleIsTheSampleTest() throws IOException {
        String block = between(between(Files.readString(README), "<!-- testing-sample:begin -->\n",
                "<!-- testing-sample:end -->"), "```java\n", "```");
        String source = Files.readString(Path.of("src", "test", "java", "io", "nlb4j", "samples", "testing",
                "TestingWithNlb4jTest.java"));
        assertThat(block.strip()).isEqualTo(between(source, "// readme:testing-sample:start\n",
                "// readme:testing-sample:end").strip());
    }

    private static String block(String marker) throws IOException {
        String section = between(Files.readString(README), "<!-- " + marker + ":begin -->\n",
                "<!-- " + marker + ":end -->");
        return between(section, "```yaml\n", "```").strip();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("marker %s", start.trim()).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("marker %s", end.trim()).isNotNegative();
        return text.substring(from + start.length(), to);
    }
}
