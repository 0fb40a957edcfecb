package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.BackendService;
import io.nlb4j.model.CloudCompatibility;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ProxyProtocol;
import io.nlb4j.model.Violation;
import org.junit.jupiter.api.Test;

/** The PROXY protocol fields: read, validated by path, written back, and reported by the cloud check. */
class ProxyProtocolSpecTest {

    private static String lb(String listener, String service, String check) {
        return """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                listeners:
                  - port: 80
                %s
                    backendService:
                      name: web
                %s
                      healthCheck: {type: TCP%s}
                      servers: {static: [{address: 10.0.0.5, port: 8080}]}
                """.formatted(listener, service, check);
    }

    @Test
    void theFieldsAreReadWithTheirDefaultsAndWrittenBack() {
        LoadBalancerSpec plain = SpecFiles.read(lb("", "", ""), ConfigFormat.YAML);
        Listener l = plain.listeners().get(0);
        assertThat(l.acceptProxyProtocol()).isFalse();
        assertThat(l.backendService().proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(((HealthCheck.Active) l.backendService().healthCheck()).proxyProtocol()).isFalse();
        assertThat(SpecFiles.write(plain, ConfigFormat.YAML)).doesNotContain("roxyProtocol");

        LoadBalancerSpec spec = SpecFiles.read(lb("    acceptProxyProtocol: true", "      proxyProtocol: V2",
                ", proxyProtocol: true"), ConfigFormat.YAML);
        Listener p = spec.listeners().get(0);
        assertThat(p.acceptProxyProtocol()).isTrue();
        assertThat(p.backendService().proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(((HealthCheck.Active) p.backendService().healthCheck()).proxyProtocol()).isTrue();
        for (ConfigFormat f : ConfigFormat.values()) {
            assertThat(SpecFiles.read(SpecFiles.write(spec, f), f)).isEqualTo(spec);
        }
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThat(spec).isNotEqualTo(plain);
    }

    @Test
    void badValuesAreNamedByPath() {
        assertThatThrownBy(() -> SpecFiles.read(lb("    acceptProxyProtocol: yes please", "      proxyProtocol: V3",
                ""), ConfigFormat.YAML, "web.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].acceptProxyProtocol: \"yes please\"")
                .hasMessageContaining("listeners[0].backendService.proxyProtocol: \"V3\" (expected: one of NONE, V1, V2)");
        assertThatThrownBy(() -> SpecFiles.read(lb("", "", ", proxyProtocol: true"), ConfigFormat.YAML, "web.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners[0].backendService.healthCheck.proxyProtocol: true (expected: false"
                        + " while the backend service sends no PROXY header (listeners[0].backendService.proxyProtocol:"
                        + " NONE; set it to V1 or V2))");
        assertThatThrownBy(() -> BackendService.builder("web").proxyProtocol(null))
                .isInstanceOf(NullPointerException.class).hasMessage("version");
    }

    @Test
    void theCloudHasNoneOfThem() {
        LoadBalancerSpec spec = SpecFiles.read(lb("    acceptProxyProtocol: true", "      proxyProtocol: V1",
                ", proxyProtocol: true, interval: 5s, timeout: 2s"), ConfigFormat.YAML);
        assertThat(CloudCompatibility.check(spec)).extracting(Violation::toString).contains(
                "listeners[0].acceptProxyProtocol: true (expected: false in the cloud, which has no PROXY protocol)",
                "listeners[0].backendService.proxyProtocol: V1 (expected: NONE in the cloud, which has no PROXY"
                        + " protocol)",
                "listeners[0].backendService.healthCheck.proxyProtocol: true (expected: false in the cloud, which"
                        + " has no PROXY protocol)");
        assertThat(CloudCompatibility.check(SpecFiles.read(lb("", "", ", interval: 5s, timeout: 2s"),
                ConfigFormat.YAML))).isEmpty();
    }
}
