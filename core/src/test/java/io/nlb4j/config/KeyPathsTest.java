package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.SpecPath;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key that is not a plain identifier is written in a path in brackets and quotes, as the model writes the keys
 * of its maps: an empty key is never an empty path (the whole document), and a key holding dots or brackets never
 * passes for a path of several steps.
 */
class KeyPathsTest {

    private static final String ROOT_FIELDS = "one of cluster, listeners, name, placement, securityGroups";
    private static final String PLACEMENT_FIELDS = "one of region, subnet, vpc, zones";
    private static final String T = "listeners[0].backendService.servers.availabilityGroup.template";
    private static final String PL = T + ".launcher.process";

    /** A valid JSON document with a group; {@code %s} stands inside its process launcher, after the command. */
    private static final String WITH_PROCESS = """
            {"name": "web-lb", "placement": {"region": "r", "vpc": "v", "zones": ["z"]},
             "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000, "servers": {
               "availabilityGroup": {"name": "g", "placement": {"region": "r", "vpc": "v", "zones": ["z"]},
                 "capacity": {"min": 1, "desired": 1, "max": 1}, "template": {"name": "t", "port": 9100,
                   "launcher": {"process": {"command": ["server"]%s}}}}}}}]}
            """;

    static Stream<Arguments> unknownKeys() {
        String json = ConfigErrorsTest.JSON_VALID;
        return Stream.of(
                Arguments.of("an empty key at the root", json.replace("{\"name\": \"web-lb\"", "{\"\": 1, \"name\": \"web-lb\""), "[\"\"]"),
                Arguments.of("an empty key nested", json.replace("{\"region\"", "{\"\": 1, \"region\""),
                        "placement[\"\"]"),
                Arguments.of("a dotted key", json.replace("{\"region\"", "{\"a.b\": 1, \"region\""),
                        "placement[\"a.b\"]"),
                Arguments.of("a key like an element at the root", json.replace("{\"name\": \"web-lb\"",
                        "{\"listeners[0]\": 1, \"name\": \"web-lb\""), "[\"listeners[0]\"]"),
                Arguments.of("a key with a quote and a backslash", json.replace("{\"region\"",
                        "{\"a\\\"b\\\\\": 1, \"region\""), "placement[\"a\\\"b\\\\\"]"),
                Arguments.of("a key with a line break", json.replace("{\"region\"", "{\"a\\nb\": 1, \"region\""),
                        "placement[\"a\\nb\"]"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("unknownKeys")
    void anUnknownKeyIsNamedSoThatItsPathIsNeitherEmptyNorAmbiguous(String mistake, String json, String path) {
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.path()).isEqualTo(path);
                            assertThat(p.value()).isEqualTo("unknown field");
                            assertThat(p.expected()).isEqualTo(path.startsWith("placement") ? PLACEMENT_FIELDS
                                    : ROOT_FIELDS);
                        }));
    }

    @Test
    void anEmptyKeyInYamlIsNamedToo() {
        String yaml = ConfigErrorsTest.VALID.replace("placement: {region", "placement: {\"\": 1, region");
        assertThatThrownBy(() -> SpecFiles.read(yaml, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("placement[\"\"]", "unknown field", PLACEMENT_FIELDS, 2, 13)));
    }

    @Test
    void aMapValueOfTheWrongTypeIsReportedOnceAtTheSamePathAsTheModelGivesIt() {
        // the file's problem and the model's complaint of the value missing have one path: only the first is shown
        String json = WITH_PROCESS.formatted(", \"environment\": {\"A.B\": [1], \"OK\": \"x\"}");
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path, Problem::value)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(PL + ".environment[\"A.B\"]", "a list")));
    }

    @Test
    void aMapKeyRefusedByTheModelIsNamedInBracketsAndLocated() {
        String json = WITH_PROCESS.formatted(", \"environment\": {\"A=B\": \"{zon}\", \"A.B\": \"{prot}\"}");
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem(PL + ".environment", "\"A=B\"",
                                "non-blank variable names without '=' or NUL characters", 5, 71),
                        new Problem(PL + ".environment[\"A.B\"]", "\"{prot}\"", "placeholders among {port}, {host},"
                                + " {instanceId}, {zone}, {group}; {{ and }} for literal braces", 5, 95)));
    }

    @Test
    void aLongKeyIsCutAlikeInTheFileAndInTheModelSoThatItIsReportedOnce() {
        String key = "a.b" + "c".repeat(200);
        String json = WITH_PROCESS.formatted(", \"environment\": {\"" + key + "\": {}}");
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.path()).isEqualTo(SpecPath.of(PL + ".environment", key))
                                    .endsWith("\"…(203 characters)]");
                            assertThat(p.value()).isEqualTo("an object");
                        }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", "listeners[0]", "a\"b", "a\\b", "\"]", "[\"x\"]", "a\nb\u0000", "é",
        "<<", "x\uD800", "plain", "_a-1"})
    void aPathReadsBackIntoTheStepsItWasWrittenFrom(String key) {
        String path = SpecPath.of(SpecPath.of("", "labels") + "[3]", key) + ".x";
        List<PathSteps.Step> steps = PathSteps.of(path);
        assertThat(steps).extracting(PathSteps.Step::key).containsExactly("labels", null, key, "x");
        assertThat(steps).extracting(PathSteps.Step::index).containsExactly(-1, 3, -1, -1);
        assertThat(PathSteps.parent(path)).isEqualTo(SpecPath.of("labels[3]", key));
        assertThat(PathSteps.parent(PathSteps.parent(path))).isEqualTo("labels[3]");
        assertThat(PathSteps.parent("labels")).isEmpty();
    }

    @Test
    void aKeyCutInAPathNamesNoKey() {
        String path = SpecPath.of("labels", "a b" + "c".repeat(100)) + ".x";
        assertThat(PathSteps.of(path)).extracting(PathSteps.Step::key).containsExactly("labels", null, "x");
        assertThat(PathSteps.parent(PathSteps.parent(path))).isEqualTo("labels");
    }
}
