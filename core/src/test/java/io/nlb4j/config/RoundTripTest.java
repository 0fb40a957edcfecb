package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Specs;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {

    /** A small specification: one listener, a static server, a template's labels given out of order. */
    private static LoadBalancerSpec small() {
        return LoadBalancerSpec.builder("lb")
                .region("r1").vpc("v1").zones("z1")
                .listener(Listener.tcp(80).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.http("/").expectedStatuses("200"))
                        .staticServers(StaticServer.of("10.0.0.1", 8080))))
                .build();
    }

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void writeThenReadGivesAnEqualSpec(ConfigFormat format) {
        LoadBalancerSpec spec = Specs.full();
        String text = SpecFiles.write(spec, format);
        LoadBalancerSpec read = SpecFiles.read(text, format);
        assertThat(read).isEqualTo(spec);
        assertThat(SpecFiles.write(read, format)).isEqualTo(text);
    }

    @Test
    void yamlIsWrittenInReferenceOrderWithoutEmptyOptionalValues() {
        assertThat(SpecFiles.write(small(), ConfigFormat.YAML)).isEqualTo("""
                name: lb
                placement:
                  region: r1
                  vpc: v1
                  zones:
                    - z1
                listeners:
                  - protocol: TCP
                    port: 80
                    idleTimeout: 30m
                    backendService:
                      name: web
                      protocol: TCP
                      scheduling: WEIGHTED_ROUND_ROBIN
                      sessionPersistence:
                        mode: "OFF"
                        timeout: 24m
                      connectionDraining: 5m
                      healthCheck:
                        type: HTTP
                        interval: 5s
                        timeout: 3s
                        healthyThreshold: 3
                        unhealthyThreshold: 3
                        path: /
                        expectedStatuses:
                          - "200"
                        allUnhealthy: REFUSE
                        unhealthyConnections: KEEP
                        outlierDetection:
                          enabled: true
                          consecutiveFailures: 5
                          baseEjectionTime: 30s
                          maxEjectionPercent: 10
                      servers:
                        static:
                          - address: 10.0.0.1
                            port: 8080
                            weight: 1
                """);
    }

    @Test
    void mapsAreWrittenSortedByKey() {
        InstanceTemplate template = InstanceTemplate.builder("t")
                .launcher(InstanceLauncher.inProcess(Specs.NoopFactory.class))
                .labels(Map.of("zeta", "1", "alpha", "2", "mu", "3")).port(0).build();
        LoadBalancerSpec spec = small().toBuilder().clearListeners()
                .listener(Listener.tcp(80).backendService(BackendService.builder("web").availabilityGroup(
                        AvailabilityGroup.builder("g").region("r1").vpc("v1").zones("z1").template(template).build())))
                .build();
        assertThat(SpecFiles.write(spec, ConfigFormat.YAML))
                .containsSubsequence("labels:\n", "alpha: \"2\"\n", "mu: \"3\"\n", "zeta: \"1\"\n");
    }

    @Test
    void aLauncherMadeFromALambdaCannotBeWrittenAndTheFieldIsNamed() {
        InstanceTemplate template = InstanceTemplate.builder("t")
                .launcher(InstanceLauncher.inProcess(context -> {
                    throw new UnsupportedOperationException("never started");
                })).port(0).build();
        LoadBalancerSpec spec = small().toBuilder().clearListeners()
                .listener(Listener.tcp(80).backendService(BackendService.builder("web").availabilityGroup(
                        AvailabilityGroup.builder("g").region("r1").vpc("v1").zones("z1").template(template).build())))
                .build();
        assertThatThrownBy(() -> SpecFiles.write(spec, ConfigFormat.YAML))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("listeners[0].backendService.servers.availabilityGroup.template.launcher.inProcess:"
                        + " inProcess(")
                .hasMessageEndingWith("(expected: an in-process launcher made from a factory class, such as"
                        + " InstanceLauncher.inProcess(EchoFactory.class), or a process launcher; a launcher made from a"
                        + " lambda or object cannot be written to a file)");
    }

    @Test
    void aFileIsWrittenInTheFormatOfItsName(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("lb.json");
        SpecFiles.write(Specs.full(), json);
        assertThat(json).content().startsWith("{");
        assertThat(SpecFiles.read(json)).isEqualTo(Specs.full());
        Path yaml = dir.resolve("lb.yml");
        SpecFiles.write(Specs.full(), yaml);
        assertThat(yaml).content().startsWith("name: web-lb\n");
        assertThat(SpecFiles.read(yaml)).isEqualTo(Specs.full());
    }
}
