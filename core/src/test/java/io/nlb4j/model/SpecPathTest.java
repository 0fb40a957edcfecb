package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A key that is not a plain identifier is written in brackets and quotes, so that no path is empty or ambiguous. */
class SpecPathTest {

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "placement | region  | placement.region",
        "''        | name    | name",
        "env       | _A-1_b  | env._A-1_b",
        "placement | ''      | placement[\"\"]",
        "''        | ''      | [\"\"]",
        "placement | a.b     | placement[\"a.b\"]",
        "''        | listeners[0] | [\"listeners[0]\"]",
        "environment | A=B   | environment[\"A=B\"]",
        "labels    | 1st     | labels[\"1st\"]",
        "labels    | -x      | labels[\"-x\"]",
        "labels    | a b     | labels[\"a b\"]",
        "labels    | <<      | labels[\"<<\"]",
        "labels    | é       | labels[\"é\"]",
        "labels    | say \"hi\" | labels[\"say \\\"hi\\\"\"]",
        "labels    | a\\b    | labels[\"a\\\\b\"]",
    })
    void aKeyIsPlainOnlyIfItIsAnIdentifier(String parent, String key, String path) {
        assertThat(SpecPath.of(parent, key)).isEqualTo(path);
    }

    @Test
    void controlCharactersLineBreaksAndUnpairedSurrogatesAreEscaped() {
        assertThat(SpecPath.of("labels", "a\nb\t\u0000\u0085\u2028\uD800\uFFFF"))
                .isEqualTo("labels[\"a\\nb\\t\\u0000\\u0085\\u2028\\uD800\\uFFFF\"]");
        assertThat(SpecPath.of("labels", "\uD83D\uDE00")).isEqualTo("labels[\"\uD83D\uDE00\"]");
    }

    @Test
    void aLongKeyIsCutAsAValueIs() {
        assertThat(SpecPath.of("environment", "K".repeat(1000)))
                .isEqualTo("environment." + "K".repeat(64) + "…(1000 characters)");
        assertThat(SpecPath.of("labels", "a b" + "c".repeat(997)))
                .isEqualTo("labels[\"a b" + "c".repeat(61) + "\"…(1000 characters)]");
    }

    @Test
    void theModelWritesTheKeysOfItsMapsSoInViolations() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("A.B", null);
        environment.put("PORT", "{prot}");
        environment.put("listeners[0]", "{zon}");
        assertThatThrownBy(ProcessLauncher.builder("server").environment(environment)::build)
                .isInstanceOfSatisfying(SpecValidationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::path)
                        .containsExactly("environment[\"A.B\"]", "environment.PORT",
                                "environment[\"listeners[0]\"]"));
    }

    @Test
    void aBracketedPathStaysWholeUnderAParent() {
        assertThat(new Violation("[\"a.b\"]", "absent", "a value").under("labels").path())
                .isEqualTo("labels[\"a.b\"]");
    }
}
