package io.nlb4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.ProcessLauncher;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Placement;
import io.nlb4j.model.PortRange;
import io.nlb4j.model.ProviderSpec;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Command line" section and the quick-start files true: every file loads, the README's
 * examples load, and its specification reference lists exactly the fields the records have.
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
            assertThat(spec.violations()).as(f.toString()).isEmpty();
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
    void readmeSpecificationReferenceListsEveryField() throws IOException {
        String readme = Files.readString(README);
        String reference = between(readme, "### Specification reference\n", "<!-- cli-example:begin -->");
        Set<String> documented = reference.lines()
                .filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3)))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> fields = new TreeSet<>();
        fields(LoadBalancerSpec.class, "", fields);
        assertThat(documented).as("fields in the README's specification reference")
                .containsExactlyInAnyOrderElementsOf(fields);
    }

    /** Every path a file can hold, from the records: objects and lists as well as values. */
    private static void fields(Type type, String path, Set<String> out) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            fields(argument(type, 0), path, out);
            return;
        }
        if (!path.isEmpty()) {
            out.add(path);
        }
        if (List.class.isAssignableFrom(raw)) {
            Type element = argument(type, 0);
            if (structured(raw(element), path)) {
                fields(element, path + "[]", out);
                out.remove(path + "[]"); // written as the list's row
            }
            return;
        }
        if (raw == InstanceLauncher.class) {
            out.add(path + ".inProcess");
            fields(ProcessLauncher.class, path + ".process", out);
            return;
        }
        if (raw == ProviderSpec.class) { // a provider given as an object cannot be in a file
            out.add(path + ".type");
            out.add(path + ".properties");
            return;
        }
        if (!structured(raw, path)) {
            return; // a value: text, number, duration, enum, port range, map (labels, environment, properties)
        }
        for (RecordComponent c : raw.getRecordComponents()) {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = renamed != null ? renamed.value() : c.getName();
            fields(c.getGenericType(), path.isEmpty() ? name : path + '.' + name, out);
        }
    }

    /** A record documented field by field; a nested placement is documented once, as {@code placement}. */
    private static boolean structured(Class<?> type, String path) {
        return type.isRecord() && type != PortRange.class && !(type == Placement.class && !path.equals("placement"))
                || type == InstanceLauncher.class || type == ProviderSpec.class;
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType ? (Class<?>) ((ParameterizedType) type).getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int i) {
        return ((ParameterizedType) type).getActualTypeArguments()[i];
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
