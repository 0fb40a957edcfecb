package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The placeholders of a process launcher: validation and substitution read them with one grammar, so that what
 * validates is substituted as the documentation says and nothing is passed to a process literally by mistake.
 */
class PlaceholdersTest {

    private static final InstanceContext INSTANCE = new InstanceContext("web-ag-3", "web-ag", "az-b", "10.0.0.7",
            8080, Map.of());

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "--port={port}|--port=8080",
            "{host}:{port}|10.0.0.7:8080",
            "--id={instanceId} --zone={zone} --group={group}|--id=web-ag-3 --zone=az-b --group=web-ag",
            "{port}{port}|80808080",
            "no placeholders|no placeholders",
            "''|''",
            "{{|{",
            "}}|}",
            "{{port}}|{port}",
            "{{{port}}}|{8080}",
            "'--json={{\"port\": {port}}}'|'--json={\"port\": 8080}'",
            "'awk {{print $1}}'|'awk {print $1}'"})
    void aValidTextIsSubstitutedAsDocumented(String text, String expanded) {
        assertThat(Placeholders.valid(text)).isTrue();
        ProcessLauncher launcher = ProcessLauncher.builder("server", text).environment(Map.of("V", text)).build();
        assertThat(launcher.commandFor(INSTANCE)).containsExactly("server", expanded);
        assertThat(launcher.environmentFor(INSTANCE)).containsExactly(Map.entry("V", expanded));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"{prot}", "--port={PORT}", "{port", "port}", "{}", "{ port}", "{{port}", "{port}}",
            "{{{port}}", "--json={\"port\": {port}}", "}{", "{a{port}}", "{"})
    void anyOtherBraceIsInvalid(String text) {
        assertThat(Placeholders.valid(text)).isFalse();
        ProcessLauncher.Builder launcher = ProcessLauncher.builder("server", text);
        assertThat(SpecValidator.violations(v -> v.processLauncher("", launcher))).extracting(Violation::path)
                .containsExactly("command[1]");
    }

    @Test
    void aSubstitutedValueIsNotReadAgain() {
        InstanceContext odd = new InstanceContext("web-ag-3", "web-ag", "{port}", "{{host}}", 8080, Map.of());
        ProcessLauncher launcher = ProcessLauncher.builder("server", "{zone}/{host}/{port}").build();
        assertThat(launcher.commandFor(odd)).containsExactly("server", "{port}/{{host}}/8080");
    }

    @Test
    void thePlaceholdersAreTheDocumentedOnes() {
        assertThat(ProcessLauncher.PLACEHOLDERS).containsExactly("port", "host", "instanceId", "zone", "group");
        assertThat(Placeholders.EXPECTED).isEqualTo("placeholders among {port}, {host}, {instanceId}, {zone}, {group};"
                + " {{ and }} for literal braces");
        assertThat(ProcessLauncher.builder("server").build().commandFor(INSTANCE)).isEqualTo(List.of("server"));
    }
}
