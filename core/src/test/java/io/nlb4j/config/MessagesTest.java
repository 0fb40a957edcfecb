package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.SpecValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Messages stay readable whatever the file holds: long values are cut where every message is made, control
 * characters are escaped, the list of problems is bounded, and nothing a parser says of its own code reaches
 * them.
 */
class MessagesTest {

    private static final ConfigFormat YAML = ConfigFormat.YAML;
    private static final String NAME_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    @Test
    void aLongValueIsCutToItsFirstCharactersAndItsLength() {
        String name = "a".repeat(1024 * 1024);
        String text = ConfigErrorsTest.VALID.replace("name: web-lb", "name: " + name);
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(new Problem("name",
                            "\"" + "a".repeat(64) + "\"…(1048576 characters)", NAME_RULE, 1, 7));
                    assertThat(e.getMessage()).hasSizeLessThan(300);
                });
    }

    @Test
    void aLongNumberIsCutAlike() {
        // in JSON: YAML reads so long a number as a string
        String text = ConfigErrorsTest.JSON_VALID.replace("\"port\": 8080", "\"port\": " + "9".repeat(5000));
        assertThatThrownBy(() -> SpecFiles.read(text, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("listeners[0].port", "9".repeat(64) + "…(5000 characters)",
                                "0-65535, 0 for an ephemeral port", 2, 25)));
    }

    @Test
    void aLongKeyIsCutInThePath() {
        String key = "k".repeat(100_000); // in JSON: YAML allows no simple key of more than 1024 characters
        String text = "{\"name\": \"web-lb\", \"placement\": {\"region\": \"r\", \"vpc\": \"v\", \"zones\": [\"z\"]},"
                + " \"" + key + "\": 1, \"listeners\": [{\"port\": 80, \"backendService\": {\"name\": \"web\","
                + " \"port\": 9000, \"servers\": {\"static\": []}}}]}";
        assertThatThrownBy(() -> SpecFiles.read(text, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            // cut as a value is, and as the model cuts the keys of its maps in paths
                            assertThat(p.path()).isEqualTo("k".repeat(SpecValidationException.MAX_VALUE_LENGTH)
                                    + "…(100000 characters)");
                            assertThat(p.value()).isEqualTo("unknown field");
                        }));
    }

    @Test
    void controlCharactersInValuesAreEscapedSoThatEachProblemIsOneLine() {
        String text = ConfigErrorsTest.VALID.replace("name: web-lb", "name: \"web\\nlb\\u0007\\t\"");
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(new Problem("name", "\"web\\nlb\\u0007\\t\"", NAME_RULE,
                            1, 7));
                    assertThat(e.getMessage()).doesNotContain("\n").contains("\"web\\nlb\\u0007\\t\"");
                });
    }

    @Test
    void theMessageListsAtMostTheLimitOfProblemsAndCountsTheRest() {
        String unknown = IntStream.range(0, 1000).mapToObj(i -> "x" + i + ": 1\n").collect(Collectors.joining());
        String text = ConfigErrorsTest.VALID + unknown;
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(1000);
                    List<String> lines = e.getMessage().lines().toList();
                    assertThat(lines).hasSize(1 + ConfigException.MAX_LISTED_PROBLEMS + 1);
                    assertThat(lines.get(0)).isEqualTo("yaml text: 1000 problems:");
                    assertThat(lines.get(100)).startsWith("  x99: unknown field");
                    assertThat(lines.get(101)).isEqualTo("  … and 900 more problems");
                });
    }

    @Test
    void aTextShownIsShownAsItIs() {
        for (String text : List.of("\"" + "a".repeat(1000) + "\"", "9".repeat(1000), "x".repeat(10_000),
                "a b\nc\u0001", "word " + "w".repeat(100) + " and " + "v".repeat(100))) {
            String once = ConfigException.shown(text, 64, 256);
            assertThat(ConfigException.shown(once, 64, 256)).isEqualTo(once);
            assertThat(new Problem("p", text, "e", 1, 1)).isEqualTo(new Problem("p", once, "e", 1, 1));
            Problem p = new Problem(text, text, text, 1, 1);
            assertThat(new Problem(p.path(), p.value(), p.expected(), 1, 1)).isEqualTo(p);
        }
    }

    @Test
    void textsAreCutWithoutSplittingACharacter() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        String cut = ConfigException.shown("a" + emoji.repeat(100), 64, 256);
        assertThat(cut).startsWith("a" + emoji.repeat(31) + "…(201 characters)");
        assertThat(ConfigException.shown("short and plain", 64, 256)).isEqualTo("short and plain");
        assertThat(ConfigException.shown("x".repeat(300), 0, 256)).isEqualTo("x".repeat(256) + "…(300 characters)");
        // a description made of short words is kept whole, up to the text limit
        String described = "malformed document (while parsing a block mapping: expected <block end>, but found '-')";
        assertThat(ConfigException.shown(described, 64, 256)).isEqualTo(described);
    }

    @Test
    void whatParsersSayOfTheirOwnCodeIsLeftOut() {
        assertThat(Document.summary("Document nesting depth (1001) exceeds the maximum allowed (1000, from"
                + " `StreamReadConstraints.getMaxNestingDepth()`)", ConfigFormat.JSON))
                .isEqualTo("Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertThat(Document.summary("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`"
                + " to allow", ConfigFormat.JSON)).isEqualTo("Non-standard token 'NaN'");
        assertThat(Document.summary("Illegal unquoted character ((CTRL-CHAR, code 1)): has to be escaped",
                ConfigFormat.JSON)).isEqualTo("Illegal unquoted character (U+0001): has to be escaped");
        assertThat(Document.summary("Expected a field name (Scalar value in YAML), got this instead:"
                + " <org.yaml.snakeyaml.events.AliasEvent(anchor=s)>", YAML)).isEqualTo("not well-formed YAML");
        assertThat(Document.summary("Malformed Number token: failed to tokenize due to"
                + " (java.lang.NumberFormatException): For input string", YAML)).isEqualTo("not well-formed YAML");
        assertThat(Document.summary(null, ConfigFormat.JSON)).isEqualTo("not well-formed JSON");
        // a backtick the document holds is not code
        assertThat(Document.summary("while scanning for the next token\nfound character '`' that cannot start any"
                + " token", YAML)).isEqualTo("while scanning for the next token: found character '`' that cannot"
                + " start any token");
    }

    @Test
    void problemsNameNoCodeForMalformedDocuments() {
        List<String> documents = new ArrayList<>(List.of("name: x\n*a : 1\n", "name: [a\n", "name: \"\\q\"\n",
                "name: @x\n", "name: `x\n", "%YAML 2.1\n---\nname: x\n", "name: !!binary 'a$$$'\n",
                "a: *\n", "{\"a\": +1}", "{\"a\": NaN}", "{\"a\": 1 /* c */}", "{\"a\": 'x'}", "{\"a\": [1}",
                "{\"a\": 1}}", "{\"a\": \"\\x\"}", "{\"a\": 01}", "{\"a\": tru}", "{\"a\" 1}", "{'a': 1}"));
        List<String> failures = new ArrayList<>();
        for (String document : documents) {
            for (ConfigFormat format : ConfigFormat.values()) {
                String failure = NothingEscapesTest.failure(document, format);
                if (failure != null) {
                    failures.add(format + " " + document + ": " + failure);
                }
            }
        }
        assertThat(failures).isEmpty();
    }
}
