package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a violation shows of a value stays short and on one line, whatever the value: a long text is cut after
 * {@value SpecValidationException#MAX_VALUE_LENGTH} characters and followed by its length, control characters are
 * escaped, and the exception's message is at most {@value SpecValidationException#MAX_MESSAGE_LENGTH} characters
 * however many violations there are.
 */
class ViolationTextTest {

    private static final String NL = System.lineSeparator();
    private static final String MB = "w".repeat(1 << 20);
    private static final String SHOWN = '"' + "w".repeat(SpecValidationException.MAX_VALUE_LENGTH)
            + "\"…(1048576 characters)";

    @Test
    void aLongValueIsCutAndFollowedByItsLength() {
        LoadBalancerSpec.Builder builder = ModelApi.lb().name(MB);
        assertThat(builder.violations()).containsExactly(new Violation("name", SHOWN,
                SpecValidator.NAME_RULE));
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(SpecValidationException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("invalid load balancer \"" + "w".repeat(64)
                    + "…(1048576 characters)\": name: " + SHOWN + " (expected: " + SpecValidator.NAME_RULE + ')');
            assertThat(e.getMessage().length()).isLessThan(400);
        });
    }

    @Test
    void quotedShowsACallersTextAsViolationsShowValues() {
        assertThat(Violation.quoted(MB)).isEqualTo(SHOWN);
        assertThat(Violation.quoted("web")).isEqualTo("\"web\"");
        assertThat(Violation.quoted("a\nb\u0000\uD800")).isEqualTo("\"a\\nb\\u0000\\uD800\"");
    }

    @Test
    void aValueOfTheLongestLengthIsShownWhole() {
        String longest = "-" + "w".repeat(SpecValidationException.MAX_VALUE_LENGTH - 1); // invalid: starts with '-'
        assertThat(ModelApi.lb().name(longest).violations())
                .containsExactly(new Violation("name", '"' + longest + '"', SpecValidator.NAME_RULE));
        String oneMore = longest + "x";
        assertThat(ModelApi.lb().name(oneMore).violations()).extracting(Violation::value)
                .containsExactly('"' + longest + "\"…(65 characters)");
    }

    @Test
    void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
        String text = "w".repeat(SpecValidationException.MAX_VALUE_LENGTH - 1) + "😀".repeat(10);
        assertThat(ModelApi.lb().name(text).violations()).extracting(Violation::value)
                .containsExactly('"' + "w".repeat(SpecValidationException.MAX_VALUE_LENGTH - 1) + "\"…(83 characters)");
    }

    @Test
    void longKeysInPathsAndLongNamesInExpectationsAreCutToo() {
        String key = "K".repeat(1000);
        ProcessLauncher.Builder launcher = ProcessLauncher.builder("server").environment(Map.of(key, "{prot}"));
        assertThatThrownBy(launcher::build).isInstanceOfSatisfying(SpecValidationException.class, e ->
                assertThat(e.violations()).extracting(Violation::path)
                        .containsExactly("environment." + "K".repeat(64) + "…(1000 characters)"));

        String zone = "z".repeat(1 << 16);
        LoadBalancerSpec.Builder builder = LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web")
                .zones(zone).listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .availabilityGroup(ModelApi.group().zones("az-b"))));
        assertThat(builder.violations()).singleElement().satisfies(v -> {
            assertThat(v.value()).isEqualTo("\"az-b\"");
            assertThat(v.expected()).isEqualTo("a zone the load balancer serves [" + "z".repeat(64)
                    + "…(65536 characters)]; this one is not served by the load balancer");
        });
    }

    @Test
    void aLongZoneListInAnExpectationIsCut() {
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            zones.add("az-" + i);
        }
        LoadBalancerSpec.Builder builder = LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web")
                .zones(zones).listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .availabilityGroup(ModelApi.group().zones("az-x"))));
        assertThat(builder.violations()).singleElement().extracting(Violation::expected).asString()
                .startsWith("a zone the load balancer serves [az-0, az-1, ")
                .contains("az-15, …(1000 zones)]")
                .doesNotContain("az-16");
    }

    @Test
    void controlCharactersAreEscapedSoThatEveryViolationIsOneLine() {
        LoadBalancerSpec.Builder builder = ModelApi.lb().name("web\nlb\u0000\t\u001b\u2028");
        assertThat(builder.violations()).extracting(Violation::value)
                .containsExactly("\"web\\nlb\\u0000\\t\\u001B\\u2028\"");
        assertThatThrownBy(builder::build).hasMessageNotContaining("\n").hasMessageNotContaining("\u0000");
    }

    @Test
    void theMessageIsBoundedHoweverManyViolationsThereAre() {
        List<String> zones = new ArrayList<>(Collections.nCopies(100_000, (String) null));
        LoadBalancerSpec.Builder builder = ModelApi.lb().zones(zones);
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(SpecValidationException.class, e -> {
            assertThat(e.violations()).hasSize(100_000);
            String message = e.getMessage();
            assertThat(message.length()).isLessThanOrEqualTo(SpecValidationException.MAX_MESSAGE_LENGTH);
            assertThat(message).startsWith("invalid load balancer \"web-lb\", 100000 violations:" + NL
                    + "  placement.zones[0]: absent (expected: an availability zone name)" + NL);
            List<String> lines = message.lines().toList();
            int listed = lines.size() - 2;
            assertThat(lines.get(lines.size() - 1)).isEqualTo("  … and " + (100_000 - listed) + " more violations");
            assertThat(listed).isGreaterThan(50);
        });
    }

    @Test
    void aSingleViolationTooLongForTheMessageIsCut() {
        Violation huge = new Violation("name", MB, "x");
        SpecValidationException e = new SpecValidationException("thing", List.of(huge));
        assertThat(e.getMessage()).hasSize(SpecValidationException.MAX_MESSAGE_LENGTH).startsWith("invalid thing: name: ww")
                .endsWith("w…");
        assertThat(e.violations()).containsExactly(huge);
        SpecValidationException two = new SpecValidationException("thing", List.of(huge, huge));
        assertThat(two.getMessage().length()).isLessThanOrEqualTo(SpecValidationException.MAX_MESSAGE_LENGTH);
        assertThat(two.getMessage()).endsWith(NL + "  … and 1 more violations");
    }

    @Test
    void anExceptionNeedsAViolation() {
        assertThatThrownBy(() -> new SpecValidationException("thing", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("violations: [] (expected: at least one violation)");
    }
}
