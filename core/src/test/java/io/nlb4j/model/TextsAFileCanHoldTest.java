package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every text of a specification, and every key of its maps, is text a file can hold: no unpaired surrogate, no
 * U+FFFE or U+FFFF. Such a text would be written to a file that does not read back (JSON) or that reads back as
 * other characters (YAML merges a lone high surrogate with the character after it), so the validator refuses it,
 * whether the specification is built in code or read from a file that writes it as an escape.
 */
class TextsAFileCanHoldTest {

    private static final String S = "listeners[0].backendService";
    private static final String HC = S + ".healthCheck";
    private static final String T = S + ".servers.availabilityGroup.template";
    private static final String PL = T + ".launcher.process";
    private static final String PR = S + ".servers.provider";

    /** Texts no file can hold, each with the value a violation shows for it: the character escaped. */
    static Stream<Arguments> unencodable() {
        return Stream.of(
                Arguments.of("x\uD800", "x\\uD800"),   // a high surrogate at the end
                Arguments.of("\uD800x", "\\uD800x"),   // a high surrogate before another character
                Arguments.of("\uDC00", "\\uDC00"),     // a low surrogate alone
                Arguments.of("a\uDFFF\uD83D", "a\\uDFFF\\uD83D"), // both halves, in the wrong order
                Arguments.of("\uFFFE", "\\uFFFE"),
                Arguments.of("y\uFFFF", "y\\uFFFF"));
    }

    /** Every text field, and every map key, of a specification: its path, how its texts start, how to set it. */
    private static List<Arguments> fields() {
        return List.of(
                field("placement.region", t -> lb().region(t)),
                field("placement.vpc", t -> lb().vpc(t)),
                field("placement.subnet", t -> lb().subnet(t)),
                field("placement.zones[1]", t -> lb().zones("az-a", t)),
                field(HC + ".path", "/", t -> with(service().healthCheck(HealthCheck.http(t)))),
                field(HC + ".host", t -> with(service().healthCheck(HealthCheck.http("/").host(t)))),
                field(HC + ".expect", t -> with(service().healthCheck(HealthCheck.http("/").expectBody(t)))),
                field(HC + ".send", t -> with(service().healthCheck(HealthCheck.sendExpect(t, "OK")))),
                field(HC + ".expect", t -> with(service().healthCheck(HealthCheck.sendExpect("", t)))),
                field(S + ".servers.static[0].address", t -> with(BackendService.builder("web").port(9000)
                        .staticServer(StaticServer.builder(t)))),
                field(PR + ".type", t -> with(BackendService.builder("web").provider(t, Map.of()))),
                field(PR + ".properties", t -> with(BackendService.builder("web").provider("file", Map.of(t, "v")))),
                field(PR + ".properties.path", t -> with(BackendService.builder("web")
                        .provider("file", Map.of("path", t)))),
                field(T + ".labels", t -> withTemplate(template().labels(Map.of(t, "v")))),
                field(T + ".labels.tier", t -> withTemplate(template().labels(Map.of("tier", t)))),
                field(PL + ".command[0]", t -> withTemplate(template().launcher(ProcessLauncher.builder(t)))),
                field(PL + ".command[1]", t -> withTemplate(template().launcher(ProcessLauncher.builder("server",
                        t)))),
                field(PL + ".environment", t -> withTemplate(template().launcher(ProcessLauncher.builder("server")
                        .environment(Map.of(t, "v"))))),
                field(PL + ".environment.ZONE", t -> withTemplate(template().launcher(ProcessLauncher.builder("server")
                        .environment(Map.of("ZONE", t))))),
                field(PL + ".workingDirectory", t -> withTemplate(template().launcher(ProcessLauncher.builder("server")
                        .workingDirectory(t)))));
    }

    static Stream<Arguments> everyFieldWithEveryUnencodableText() {
        return fields().stream().flatMap(f -> unencodable().map(u -> Arguments.of(f.get()[0], f.get()[2],
                f.get()[1] + (String) u.get()[0], f.get()[1] + (String) u.get()[1])));
    }

    @ParameterizedTest(name = "[{index}] {0} = {3}")
    @MethodSource("everyFieldWithEveryUnencodableText")
    void everyTextRefusesCharactersNoFileCanHold(String path, Function<String, LoadBalancerSpec.Builder> set,
                                                 String text, String shown) {
        assertThat(set.apply(text).violations())
                .containsExactly(new Violation(path, '"' + shown + '"', SpecValidator.WHOLE_CHARACTERS));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("fields")
    void everyTextTakesWholeCharactersOfEveryPlane(String path, String prefix,
                                                   Function<String, LoadBalancerSpec.Builder> set) {
        // a pair of surrogates is one character; U+FFFD and a noncharacter of another plane are characters too
        assertThat(set.apply(prefix + "ok-\uD83D\uDE00-\uFFFD-\uDBFF\uDFFF-\uFDD0").violations()).isEmpty();
    }

    @Test
    void aSendExpectCheckRefusesALoneLowSurrogateWithTheUsualMessage() {
        HealthCheck.SendExpect.Builder check = HealthCheck.sendExpect("\uDC00", "+OK");
        assertThatThrownBy(check::build).isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid health check: send: \"\\uDC00\" (expected: text a file can hold: no unpaired"
                        + " surrogate (U+D800-U+DFFF), no U+FFFE or U+FFFF)");
    }

    @Test
    void aRefusedKeyIsReportedAtItsMapAndItsValueIsNotChecked() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("\uDBFF", null);
        labels.put("a.b", null);
        assertThat(withTemplate(template().labels(labels)).violations()).containsExactly(
                new Violation(T + ".labels", "\"\\uDBFF\"", SpecValidator.WHOLE_CHARACTERS),
                new Violation(T + ".labels[\"a.b\"]", "absent", "a value"));
    }

    // ---- valid building blocks ----

    private static Arguments field(String path, Function<String, LoadBalancerSpec.Builder> set) {
        return field(path, "", set);
    }

    /** A field whose texts must start with {@code prefix}, such as an HTTP check's path with {@code /}. */
    private static Arguments field(String path, String prefix, Function<String, LoadBalancerSpec.Builder> set) {
        return Arguments.of(path, prefix, set);
    }

    private static LoadBalancerSpec.Builder lb() {
        return LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .listener(Listener.tcp(8080).backendService(service()));
    }

    private static BackendService.Builder service() {
        return BackendService.builder("web").port(9000).staticServers(StaticServer.of("10.0.0.1"));
    }

    private static LoadBalancerSpec.Builder with(BackendService.Builder service) {
        return lb().clearListeners().listener(Listener.tcp(8080).backendService(service));
    }

    private static InstanceTemplate.Builder template() {
        return InstanceTemplate.builder("web-template").launcher(InstanceLauncher.inProcess(Specs.NoopFactory.class))
                .port(9100);
    }

    private static LoadBalancerSpec.Builder withTemplate(InstanceTemplate.Builder template) {
        return with(BackendService.builder("web").port(9000).availabilityGroup(AvailabilityGroup.builder("web-ag")
                .region("cn-north-1").vpc("vpc-web").zones("az-a").template(template).capacity(1, 1, 2)));
    }
}
