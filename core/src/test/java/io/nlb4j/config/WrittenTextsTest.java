package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ProcessLauncher;
import io.nlb4j.model.SpecValidationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever text a valid specification holds, writing it and reading it back gives an equal specification, in YAML
 * and in JSON; and a text that no file can hold, written in a file as an escape, is refused on reading, so that
 * whatever reads can be written.
 */
class WrittenTextsTest {

    private static final String WHOLE_CHARACTERS = "text a file can hold: no unpaired surrogate (U+D800-U+DFFF),"
            + " no U+FFFE or U+FFFF";
    private static final String HC = "listeners[0].backendService.healthCheck";

    /** Texts a YAML reader might take for something else, and characters either reader treats specially. */
    private static final List<String> AWKWARD_TEXTS = List.of("yes", "No", "ON", "off", "y", "n", "true", "null",
            "~", "1", "-1", "1.5", "1e3", "0x1F", "017", "+1", ".inf", ".NaN", "12:30", "2001-01-01", "<<", "=", "-",
            "?", ":", "#x", "x #y", "&a", "*a", "!x", "!!str", "%x", "@x", "`x", "|", ">", "'q'", "\"q\"", "[a]",
            "{a: b}", "a: b", "- a", "---", "...", " padded ", "trailing ", "\ttab", "line\nbreak", "cr\rx",
            "crlf\r\nx", "a\\b", "\\u0041", "\\N", "{{", "}}", "%", "0", "-0", "", " ", "\n", "a\n", "\na",
            // the line breaks only YAML has, alone, after a colon (which ends a plain key there), in a block
            "\u0085", "a\u0085", "\u0085a", "a:\u0085b", "a:\u2028", "x:\u2029y", "\u2028", "\u2029", "a\n\u0085b",
            "a\nb\u2028", "a\n\u2029\n", "a: \u0085",
            // controls: DEL and the C1 range, which JSON must escape; C0 controls
            "\u007F", "\u0080", "\u0084", "\u0086", "\u009F", "a\u007Fb", "\u0001", "\u001B[0m", "\u000B", "\f",
            "a\n\u007F",
            // other invisible or special characters, and characters of every plane
            "\uFEFF", "a\uFEFF", "\u00A0", "\u200B", "\u202E", "\uFFFD", "\uFDD0", "\uD83D\uDE00", "\uDBFF\uDFFF",
            "héllo", "日本語", "e\u0301");

    static Stream<String> texts() {
        Set<String> texts = new LinkedHashSet<>(AWKWARD_TEXTS);
        for (String t : AWKWARD_TEXTS) {
            if (t.length() == 1) { // each special character among others, and before and after a colon
                texts.add("x" + t + "y");
                texts.add("k:" + t);
                texts.add("k" + t + ": v");
            }
        }
        return texts.stream();
    }

    /**
     * A valid specification holding a text in each place a file can hold it: as a label's and an environment
     * variable's key and value, a provider property's key and value, a send/expect check's texts, a command's
     * argument, a working directory.
     */
    static LoadBalancerSpec holding(String text) {
        String key = text.isBlank() ? "k" + text : text;
        String braces = text.replace("\0", "").replace("{", "{{").replace("}", "}}");
        String variable = key.replace("=", "").replace("\0", "");
        ProcessLauncher.Builder process = ProcessLauncher.builder("server", braces)
                .environment(Map.of(variable.isBlank() ? "V" + variable : variable, braces, "ZONE", braces));
        if (!braces.isBlank()) {
            process.workingDirectory(braces);
        }
        AvailabilityGroup.Builder group = AvailabilityGroup.builder("web-ag").region("r").vpc("v").zones("z")
                .template(InstanceTemplate.builder("t").port(9100).launcher(process)
                        .labels(Map.of(key, text, "tier", text)))
                .capacity(1, 1, 2);
        return LoadBalancerSpec.builder("web-lb").region("r").vpc("v").zones("z")
                .listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.sendExpect(text, text.isEmpty() ? "+OK" : text))
                        .availabilityGroup(group)))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("registry")
                        .healthCheck(HealthCheck.http("/").expectBody(text.isEmpty() ? "ok" : text))
                        .provider("file", Map.of(key, text, "path", text))))
                .build();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("texts")
    void everyTextReadsBackAsWrittenInYamlAndJson(String text) {
        LoadBalancerSpec spec = holding(text);
        for (ConfigFormat format : ConfigFormat.values()) {
            String written = SpecFiles.write(spec, format);
            LoadBalancerSpec read = SpecFiles.read(written, format);
            assertThat(read).as("%s read back from:%n%s", format, written).isEqualTo(spec);
            assertThat(SpecFiles.write(read, format)).isEqualTo(written);
        }
    }

    @Test
    void jsonEscapesDelAndTheC1ControlsWhichAReaderRefusesRaw() {
        LoadBalancerSpec spec = holding("a\u007Fb\u0085c\u009F\u0001");
        String json = SpecFiles.write(spec, ConfigFormat.JSON);
        assertThat(json).contains("\"send\" : \"a\\u007Fb\\u0085c\\u009F\\u0001\"")
                .doesNotContain("\u007F", "\u0085", "\u009F", "\u0001");
        assertThat(SpecFiles.read(json, ConfigFormat.JSON)).isEqualTo(spec);
    }

    @Test
    void aSendExpectCheckOfDelReadsBackInJson() {
        LoadBalancerSpec spec = LoadBalancerSpec.builder("lb").region("r").vpc("v").zones("z")
                .listener(Listener.tcp(80).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.sendExpect("", "\u007F"))
                        .staticServers(io.nlb4j.model.StaticServer.of("10.0.0.1"))))
                .build();
        String json = SpecFiles.write(spec, ConfigFormat.JSON);
        assertThat(json).contains("\"expect\" : \"\\u007F\"");
        assertThat(SpecFiles.read(json, ConfigFormat.JSON)).isEqualTo(spec);
    }

    @Test
    void yamlDoubleQuotesTheLineBreaksOnlyItHasAndTheMergeKey() {
        String yaml = SpecFiles.write(holding("a:\u0085b"), ConfigFormat.YAML);
        assertThat(yaml).contains("send: \"a:\\Nb\"").doesNotContain("\u0085");
        assertThat(SpecFiles.write(holding("x\u2028\ny"), ConfigFormat.YAML)).contains("send: \"x\\L\\ny\"");
        assertThat(SpecFiles.write(holding("<<"), ConfigFormat.YAML)).contains("\"<<\": <<");
    }

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void aMapKeyOfTheMergeKeyReadsBackAsAKey(ConfigFormat format) {
        LoadBalancerSpec spec = holding("<<");
        assertThat(SpecFiles.read(SpecFiles.write(spec, format), format)).isEqualTo(spec);
    }

    @Test
    void aLoneSurrogateNeverReachesAWriterToBeMergedWithTheNextCharacter() {
        // YAML's writer would write "\uD800x" as one character, U+2478, and JSON's would write it raw
        assertThatThrownBy(() -> holding("\uD800x")).isInstanceOf(SpecValidationException.class);
        assertThatThrownBy(() -> holding("\uD800\uF2FE")).isInstanceOf(SpecValidationException.class);
    }

    /** Escapes of texts no file can hold, and how a problem shows each. */
    static Stream<Arguments> escapedLoneSurrogates() {
        return Stream.of(Arguments.of("\\uD800", "\\uD800"), Arguments.of("\\udc00", "\\uDC00"),
                Arguments.of("x\\uDBFFy", "x\\uDBFFy"), Arguments.of("\\uDFFF\\uD800", "\\uDFFF\\uD800"),
                Arguments.of("\\uFFFE", "\\uFFFE"), Arguments.of("a\\uffff", "a\\uFFFF"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("escapedLoneSurrogates")
    void aTextNoFileCanHoldWrittenAsAnEscapeIsRefusedOnReading(String escape, String value) {
        String shown = '"' + value + '"';
        String json = """
                {"name": "web-lb", "placement": {"region": "r", "vpc": "v", "zones": ["z"]},
                 "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                   "healthCheck": {"type": "SEND_EXPECT", "send": "%s", "expect": "+OK"},
                   "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
                """.formatted(escape);
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(new Problem(HC + ".send", shown, WHOLE_CHARACTERS, 3, 51)));
        String yaml = """
                name: web-lb
                placement: {region: r, vpc: v, zones: [z]}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      port: 9000
                      healthCheck: {type: SEND_EXPECT, send: "%s", expect: +OK}
                      servers: {static: [{address: 10.0.0.1}]}
                """.formatted(escape);
        assertThatThrownBy(() -> SpecFiles.read(yaml, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(new Problem(HC + ".send", shown, WHOLE_CHARACTERS, 8, 46)));
    }

    @Test
    void aKeyNoFileCanHoldIsRefusedAtItsMap() {
        // in YAML: the JSON parser itself refuses a lone surrogate in a key
        String yaml = ConfigErrorsTest.VALID.replace("servers: {static: [{address: 10.0.0.1}]}",
                "servers: {provider: {type: file, properties: {\"\\uDC00\": x}}}");
        assertThatThrownBy(() -> SpecFiles.read(yaml, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("listeners[0].backendService.servers.provider.properties", "\"\\uDC00\"",
                                WHOLE_CHARACTERS, 8, 52)));
    }

    @Test
    void aLoneSurrogateInAValueOfTheWrongTypeIsShownEscaped() {
        String json = ConfigErrorsTest.JSON_VALID.replace("\"port\": 8080", "\"port\": \"\\ud800\"");
        assertThatThrownBy(() -> SpecFiles.read(json, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(Problem::value).containsExactly("\"\\uD800\"");
                    assertThat(e.getMessage()).doesNotContain("\uD800");
                });
    }

    @Test
    void whatReadsCanBeWrittenAndReadsBackTheSame() {
        // every text above, each written by hand in a JSON file as escapes: what reads, writes back as itself
        List<String> failures = new ArrayList<>();
        texts().forEach(text -> {
            StringBuilder escaped = new StringBuilder();
            text.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
            String json = """
                    {"name": "web-lb", "placement": {"region": "r", "vpc": "v", "zones": ["z"]},
                     "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                       "healthCheck": {"type": "SEND_EXPECT", "send": "%1$s", "expect": "%1$s+"},
                       "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
                    """.formatted(escaped);
            LoadBalancerSpec spec = SpecFiles.read(json, ConfigFormat.JSON);
            for (ConfigFormat format : ConfigFormat.values()) {
                try {
                    if (!SpecFiles.read(SpecFiles.write(spec, format), format).equals(spec)) {
                        failures.add(format + " " + escaped + ": read back different");
                    }
                } catch (ConfigException e) {
                    failures.add(format + " " + escaped + ": " + e.getMessage());
                }
            }
        });
        assertThat(failures).isEmpty();
    }
}
