package io.nlb4j.samples.cli;

import static io.nlb4j.samples.cli.JarProcess.writeYaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.samples.cli.JarProcess.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar nlb4j.jar validate ...} and command-line mistakes, run as a process. */
class ValidateCommandIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Valid for nlb4j, but with millisecond health checks and an ephemeral port, which the cloud has not. */
    private static final String LOCAL_SPEC = """
            name: local-lb
            placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
            listeners:
              - port: 0
                backendService:
                  name: web
                  port: 9000
                  healthCheck: {type: TCP, interval: 200ms, timeout: 100ms}
                  servers:
                    static:
                      - {address: 127.0.0.1, port: 9001}
                      - {address: 127.0.0.1, port: 9002, weight: 3}
            """;

    private static final String CLOUD_SPEC = """
            name: cloud-lb
            placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
            listeners:
              - port: 8080
                backendService:
                  name: web
                  port: 9000
                  healthCheck: {type: HTTP, path: /health, interval: 5s, timeout: 3s}
                  servers:
                    static: [{address: 10.0.0.11}, {address: 10.0.0.12}]
            """;

    /** Five mistakes: an unknown field, a port out of range, timeout not under interval, no port, weight 0. */
    private static final String BROKEN_SPEC = """
            name: broken-lb
            placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
            listeners:
              - port: 70000
                colour: blue
                backendService:
                  name: web
                  healthCheck: {type: TCP, interval: 1s, timeout: 2s}
                  servers:
                    static:
                      - {address: 127.0.0.1, weight: 0}
            """;

    @TempDir
    Path dir;

    @Test
    void aValidFileExitsZero() throws Exception {
        Path file = writeYaml(dir, "local.yaml", LOCAL_SPEC);
        Result r = JarProcess.run(TIMEOUT, "validate", "--config", file.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).contains("valid load balancer \"local-lb\" with 1 listener");
        assertThat(r.stderr()).isBlank();
        assertNoStackTrace(r);
    }

    @Test
    void aBrokenFileListsEveryViolationWithLineAndColumn() throws Exception {
        Path file = writeYaml(dir, "broken.yaml", BROKEN_SPEC);
        Result r = JarProcess.run(TIMEOUT, "validate", "--config", file.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
        assertThat(r.stdout()).contains("invalid, 5 problems:");
        // Each violation: path, value, (expected: ...), line and column.
        assertThat(r.stdout().lines().map(String::strip)).anyMatch(l -> l.matches(
                "listeners\\[0]\\.colour: unknown field \\(expected: one of .*port.*\\) at line 5, column \\d+"));
        assertThat(r.stdout().lines().map(String::strip)).anyMatch(l -> l.matches(
                "listeners\\[0]\\.port: 70000 \\(expected: .*65535.*\\) at line 4, column \\d+"));
        assertThat(r.stdout().lines().map(String::strip)).anyMatch(l -> l.matches(
                "listeners\\[0]\\.backendService\\.healthCheck\\.timeout: 2s \\(expected: less than interval 1s\\)"
                        + " at line 8, column \\d+"));
        assertThat(r.stdout().lines().map(String::strip)).anyMatch(l -> l.matches(
                "listeners\\[0]\\.backendService\\.servers\\.static\\[0]\\.port: absent \\(expected: .+\\)"
                        + " at line 11, column \\d+"));
        assertThat(r.stdout().lines().map(String::strip)).anyMatch(l -> l.matches(
                "listeners\\[0]\\.backendService\\.servers\\.static\\[0]\\.weight: 0 \\(expected: 1-100\\)"
                        + " at line 11, column \\d+"));
        assertNoStackTrace(r);
    }

    @Test
    void aBadProviderBlockIsReportedByPath() throws Exception {
        Path file = writeYaml(dir, "providers.yaml", """
                name: provider-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      servers: {provider: {type: file, properties: {pth: servers.txt}}}
                  - port: 8081
                    backendService:
                      name: db
                      servers: {provider: {type: consul, properties: {}}}
                """);
        Result r = JarProcess.run(TIMEOUT, "validate", "--config", file.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
        assertThat(r.stdout()).contains("invalid, 3 problems:")
                .contains("listeners[0].backendService.servers.provider.properties.pth: unknown (expected: path)")
                .contains("listeners[0].backendService.servers.provider.properties.path: missing (expected: the file"
                        + " that lists the servers)")
                .contains("listeners[1].backendService.servers.provider.type: \"consul\" (expected: an installed"
                        + " provider type, one of [dns, file, kubernetes, zookeeper])");
        assertNoStackTrace(r);
    }

    @Test
    void cloudCheckListsMillisecondHealthChecks() throws Exception {
        Path file = writeYaml(dir, "local.yaml", LOCAL_SPEC);
        Result r = JarProcess.run(TIMEOUT, "validate", "--config", file.toString(), "--cloud");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
        assertThat(r.stdout()).contains("valid for nlb4j, but 3 values are outside the cloud's ranges:")
                .contains("listeners[0].port: 0 (expected: ")
                .contains("listeners[0].backendService.healthCheck.interval: 200ms (expected: 5-300 s")
                .contains("listeners[0].backendService.healthCheck.timeout: 100ms (expected: 2-60 s");
        assertNoStackTrace(r);
    }

    @Test
    void cloudCheckPassesASpecWithinTheCloudsRanges() throws Exception {
        Path file = writeYaml(dir, "cloud.yaml", CLOUD_SPEC);
        Result r = JarProcess.run(TIMEOUT, "validate", "--cloud", "--config", file.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).contains("valid load balancer \"cloud-lb\" with 1 listener, within the cloud's ranges");
        assertNoStackTrace(r);
    }

    @ParameterizedTest(name = "{0} of a missing file")
    @MethodSource("commands")
    void aMissingFileIsOneLine(String command) throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Result r = JarProcess.run(TIMEOUT, command, "--config", missing.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
        assertThat(r.errorLines()).as(r.output()).singleElement().asString()
                .isEqualTo("nlb4j: " + missing + ": no such file (expected: an existing, readable YAML file)");
        assertThat(r.stdout()).isBlank();
        assertNoStackTrace(r);
    }

    static Stream<String> commands() {
        return Stream.of("validate", "run");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aCommandLineMistakeIsOneLine(String name, List<String> args, String expected) throws Exception {
        Path file = writeYaml(dir, "local.yaml", LOCAL_SPEC);
        Result r = JarProcess.run(TIMEOUT, args.stream().map(a -> a.replace("FILE", file.toString()))
                .toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.USAGE);
        assertThat(r.errorLines()).as(r.output()).singleElement().asString()
                .startsWith("nlb4j: ").contains(expected).contains("--help");
        assertThat(r.stdout()).isBlank();
        assertNoStackTrace(r);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown command", List.of("frobnicate", "--config", "FILE"),
                        "unknown command \"frobnicate\" (expected: one of run, validate, help)"),
                Arguments.of("misspelt command", List.of("valdate", "--config", "FILE"), "did you mean validate?"),
                Arguments.of("unknown option", List.of("validate", "--config", "FILE", "--colour"),
                        "Unknown option: '--colour'"),
                Arguments.of("missing --config", List.of("run"), "Missing required option: '--config=FILE'"),
                Arguments.of("bad --drain-timeout", List.of("run", "--config", "FILE", "--drain-timeout", "soon"),
                        "\"soon\" (expected: a duration"),
                Arguments.of("--drain-timeout beyond the maximum", List.of("run", "--config", "FILE",
                        "--drain-timeout", "1000000d"), "\"1000000d\" (expected: 0s or a positive duration of at most"
                                + " 365d)"),
                Arguments.of("empty --bind-address", List.of("run", "--config", "FILE", "--bind-address", ""),
                        "Invalid value for option '--bind-address': \"\" (expected: an IP address or host name of"
                                + " this host"),
                Arguments.of("malformed IPv6 --bind-address", List.of("run", "--config", "FILE", "--bind-address",
                        "[::1"), "Invalid value for option '--bind-address': \"[::1\" (expected: an IP address or"
                                + " host name of this host, such as 0.0.0.0 or 127.0.0.1; it does not resolve)"),
                Arguments.of("unknown --transport", List.of("run", "--config", "FILE", "--transport", "kqueue"),
                        "Invalid value for option '--transport': expected one of [AUTO, IO_URING, EPOLL, NIO]"
                                + " (case-sensitive) but was 'kqueue'"),
                Arguments.of("bad --toxiproxy-api", List.of("run", "--config", "FILE", "--toxiproxy-api", "toxi:proxy"),
                        "Invalid value for option '--toxiproxy-api': \"toxi:proxy\" (expected: [ADDRESS:]PORT, such as"
                                + " 8474 or 127.0.0.1:8474)"),
                Arguments.of("no command", List.of(), "a command is required: run or validate"));
    }

    static void assertNoStackTrace(Result r) {
        assertThat(r.output()).as("no stack trace or exception class in the output").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
