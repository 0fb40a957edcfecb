package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.CloudCompatibility;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.Violation;
import org.junit.jupiter.api.Test;

/**
 * Per-server {@code maxConnections} (on a static server and on an instance template) and a service's {@code slowStart}:
 * read, checked, written back.
 */
class ServerLimitSpecTest {

    private static final String HEAD = """
            name: web-lb
            placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
            listeners:
              - port: 80
                backendService:
                  name: web
            """;

    private static String statics(String limit) {
        return HEAD + "      servers: {static: [{address: 10.0.0.5, port: 8080" + limit + "}]}\n";
    }

    private static String group(String limit) {
        return HEAD + """
                      port: 8080
                      servers:
                        availabilityGroup:
                          name: ag
                          placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                          template: {name: t, launcher: {inProcess: io.nlb4j.config.NoSuchFactory}%s}
                          capacity: {min: 1, desired: 1, max: 2}
                """.formatted(limit);
    }

    @Test
    void readWrittenBackAndReportedByTheCloudCheck() {
        LoadBalancerSpec s = SpecFiles.read(statics(", maxConnections: 50"), ConfigFormat.YAML);
        ServerSource.Static st = (ServerSource.Static) s.listeners().get(0).backendService().servers();
        assertThat(st.servers().get(0).maxConnections()).hasValue(50);
        assertThat(SpecFiles.read(statics(""), ConfigFormat.YAML).listeners().get(0).backendService().servers())
                .satisfies(x -> assertThat(((ServerSource.Static) x).servers().get(0).maxConnections()).isEmpty());
        for (ConfigFormat f : ConfigFormat.values()) {
            assertThat(SpecFiles.read(SpecFiles.write(s, f), f)).isEqualTo(s);
        }
        assertThat(CloudCompatibility.check(s)).extracting(Violation::toString).contains(
                "listeners[0].backendService.servers.static[0].maxConnections: 50 (expected: no limit in the cloud,"
                        + " which has no per-server connection limit)");
    }

    @Test
    void slowStartIsReadCheckedWrittenBackAndReportedByTheCloudCheck() {
        String withSlowStart = HEAD + "      slowStart: 30s\n      servers: {static: [{address: 10.0.0.5, port: 8080}]}\n";
        LoadBalancerSpec s = SpecFiles.read(withSlowStart, ConfigFormat.YAML);
        assertThat(s.listeners().get(0).backendService().slowStart()).hasValue(java.time.Duration.ofSeconds(30));
        assertThat(SpecFiles.read(statics(""), ConfigFormat.YAML).listeners().get(0).backendService().slowStart())
                .isEmpty();
        for (ConfigFormat f : ConfigFormat.values()) {
            assertThat(SpecFiles.read(SpecFiles.write(s, f), f)).isEqualTo(s);
        }
        assertThat(CloudCompatibility.check(s)).extracting(Violation::toString).contains(
                "listeners[0].backendService.slowStart: 30s (expected: none in the cloud, which has no slow start)");
        assertThatThrownBy(() -> SpecFiles.read(withSlowStart.replace("30s", "0s"), ConfigFormat.YAML, "web.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].backendService.slowStart: 0s (expected: a positive duration");
    }

    @Test
    void outOfRangeLimitsAreNamedByPath() {
        assertThatThrownBy(() -> SpecFiles.read(statics(", maxConnections: 0"), ConfigFormat.YAML, "web.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].backendService.servers.static[0].maxConnections: 0 (expected: at least 1)");
        assertThatThrownBy(() -> SpecFiles.read(group(", maxConnections: -3"), ConfigFormat.YAML, "web.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].backendService.servers.availabilityGroup.template.maxConnections:"
                        + " -3 (expected: at least 1)");
    }
}
