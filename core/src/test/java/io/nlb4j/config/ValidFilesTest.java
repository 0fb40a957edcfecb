package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.SessionPersistence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Files that read: the parts whose reading depends on more than a field's kind. */
class ValidFilesTest {

    private static final String S = "listeners[0].backendService";

    /** {@link ConfigErrorsTest#VALID} with its servers replaced by {@code service}, fields of the backend service. */
    private static String withService(String service) {
        return ConfigErrorsTest.VALID.replace("      servers: {static: [{address: 10.0.0.1}]}\n", service.indent(6));
    }

    private static BackendService service(String text) {
        return SpecFiles.read(text, ConfigFormat.YAML).listeners().get(0).backendService();
    }

    private static String staticServers() {
        return "servers: {static: [{address: 10.0.0.1}]}";
    }

    @Test
    void aHealthCheckWithoutTypeIsTcp() {
        HealthCheck check = service(withService("""
                healthCheck: {port: 9090, interval: 10s, timeout: 4s, healthyThreshold: 2, unhealthyThreshold: 5,
                              allUnhealthy: fail_open, unhealthyConnections: CLOSE}
                """ + staticServers())).healthCheck();
        assertThat(check).isEqualTo(HealthCheck.tcp().port(9090).interval(Duration.ofSeconds(10))
                .timeout(Duration.ofSeconds(4)).healthyThreshold(2).unhealthyThreshold(5)
                .allUnhealthy(HealthCheck.AllUnhealthy.FAIL_OPEN)
                .unhealthyConnections(HealthCheck.UnhealthyConnections.CLOSE).build());
    }

    @Test
    void anHttpCheckReadsItsOwnFieldsAndExpectAsTheBodyText() {
        HealthCheck check = service(withService("""
                healthCheck:
                  type: http
                  path: /health
                  host: web.internal
                  expectedStatuses: [200, 3xx]
                  expect: ok
                  interval: 5s
                """ + staticServers())).healthCheck();
        assertThat(check).isInstanceOfSatisfying(HealthCheck.Http.class, http -> {
            assertThat(http.path()).isEqualTo("/health");
            assertThat(http.host()).contains("web.internal");
            assertThat(http.expectedStatuses()).containsExactly("200", "3xx");
            assertThat(http.expectBody()).contains("ok");
        });
    }

    @Test
    void aSendExpectCheckReadsSendAndExpect() {
        HealthCheck check = service(withService("""
                healthCheck: {type: SEND_EXPECT, send: "PING\\r\\n", expect: "+PONG", timeout: 2s}
                """ + staticServers())).healthCheck();
        assertThat(check).isEqualTo(HealthCheck.sendExpect("PING\r\n", "+PONG").timeout(Duration.ofSeconds(2))
                .build());
    }

    @Test
    void aNoneCheckTakesOnlyOutlierDetection() {
        HealthCheck check = service(withService("""
                healthCheck: {type: None, outlierDetection: {enabled: false}}
                """ + staticServers())).healthCheck();
        assertThat(check).isEqualTo(HealthCheck.none(OutlierDetection.off()));
    }

    @Test
    void theTypeMayComeAfterTheFieldsOfItsKind() {
        HealthCheck check = service(withService("""
                healthCheck: {send: "", expect: "220 ", port: 25, type: SEND_EXPECT}
                """ + staticServers())).healthCheck();
        assertThat(check).isEqualTo(HealthCheck.sendExpect("", "220 ").port(25).build());
    }

    @Test
    void aListenerMayHaveAName() {
        LoadBalancerSpec spec = SpecFiles.read(withService(staticServers()).replace("- port: 8080",
                "- name: public\n    port: 8080"), ConfigFormat.YAML);
        assertThat(spec.listeners().get(0).name()).contains("public");
        assertThat(SpecFiles.read(withService(staticServers()), ConfigFormat.YAML).listeners().get(0).name()).isEmpty();
    }

    @Test
    void anEmptyStaticListIsAStaticServiceWithoutServers() {
        BackendService service = service(withService("servers: {static: []}"));
        assertThat(service.servers()).isEqualTo(ServerSource.staticServers());
        assertThat(SpecFiles.write(SpecFiles.read(withService("servers: {static: []}"), ConfigFormat.YAML),
                ConfigFormat.YAML)).contains("static: []");
    }

    @Test
    void fieldsLeftOutTakeTheirDefaultsAndNullsCountAsLeftOut() {
        BackendService service = service(withService("connectionDraining: ~\nhealthCheck:\n" + staticServers()));
        assertThat(service.connectionDraining()).isEqualTo(Duration.ofSeconds(300));
        assertThat(service.healthCheck()).isEqualTo(HealthCheck.defaults());
        assertThat(service.sessionPersistence()).isEqualTo(SessionPersistence.off());
        assertThat(service.servers()).isInstanceOfSatisfying(ServerSource.Static.class, s -> {
            assertThat(s.servers()).singleElement().satisfies(server -> {
                assertThat(server.port()).isEqualTo(OptionalInt.empty());
                assertThat(server.weight()).isEqualTo(1);
                assertThat(server.placement()).isEqualTo(Optional.empty());
            });
        });
    }

    @Test
    void enumWordsThatYamlReadsAsBooleansAreTakenAsWritten() {
        BackendService service = service(withService("sessionPersistence: {mode: OFF}\n" + staticServers()));
        assertThat(service.sessionPersistence().mode()).isEqualTo(SessionPersistence.Mode.OFF);
    }

    @Test
    void numbersAreReadAsTextWhereTextIsExpected() {
        BackendService service = service(withService("servers: {provider: {type: zookeeper, properties:"
                + " {port: 2181, secure: true}}}"));
        assertThat(service.servers()).isEqualTo(ServerSource.provider("zookeeper",
                Map.of("port", "2181", "secure", "true")));
    }

    @Test
    void fieldsListsEveryPathAsTheReadmeReferenceWritesIt() {
        assertThat(SpecFiles.fields())
                .contains("name", "placement", "placement.zones", "securityGroups", "securityGroups[].rules[].ports",
                        "listeners", "listeners[].name", "listeners[].port",
                        S.replace("[0]", "[]") + ".healthCheck.expect",
                        "listeners[].backendService.servers.static",
                        "listeners[].backendService.servers.static[].address",
                        "listeners[].backendService.servers.static[].placement.zones",
                        "listeners[].backendService.servers.availabilityGroup.placement.region",
                        "listeners[].backendService.servers.availabilityGroup.template.launcher.process.command",
                        "listeners[].backendService.servers.provider.properties")
                .doesNotContain("listeners[].backendService.servers.provider.properties.path", "placement.zones[]",
                        "listeners[]");
        assertThat(new ArrayList<>(SpecFiles.fields())).isSorted();
        assertThat(SpecFiles.fields()).filteredOn(p -> p.startsWith("listeners[].backendService.healthCheck."))
                .hasSize(19);
        assertThatThrownBy(() -> SpecFiles.fields().add("colour")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyFieldOfTheReferenceIsKnownToTheReader() {
        // Each path of fields() given a wrong-typed value is reported as of the wrong type, never as unknown.
        List<String> unknown = SpecFiles.fields().stream()
                .filter(path -> {
                    try {
                        SpecFiles.read(nested(path), ConfigFormat.JSON);
                        return false;
                    } catch (ConfigException e) {
                        return e.problems().stream().anyMatch(p -> p.value().equals("unknown field"));
                    }
                })
                .toList();
        assertThat(unknown).isEmpty();
    }

    @Test
    void aWronglyTypedValueIsReportedAtItsWholePathInsideEveryKindOfObject() {
        // nested, inline (placement, servers, launcher), chosen by a field (health checks), created by a field
        List<String> incomplete = new ArrayList<>();
        for (String path : SpecFiles.fields()) {
            String concrete = path.replace("[]", "[0]");
            for (ConfigFormat format : ConfigFormat.values()) {
                try {
                    SpecFiles.read(nested(path), format);
                    incomplete.add(format + " " + path + ": read");
                } catch (ConfigException e) {
                    boolean atPath = e.problems().stream().anyMatch(p -> (p.path().equals(concrete)
                            || p.path().equals(concrete + "[0]")) && p.value().equals("a list") && p.line() == 1);
                    if (!atPath) {
                        incomplete.add(format + " " + path + ": " + e.problems());
                    }
                }
            }
        }
        assertThat(incomplete).isEmpty();
    }

    @Test
    void aWholeNumberIsAnIntegerWhateverItsForm() {
        for (String port : List.of("8080", "8080.0", "8.08e3", "80800e-1")) {
            LoadBalancerSpec spec = SpecFiles.read(ConfigErrorsTest.VALID.replace("- port: 8080", "- port: " + port),
                    ConfigFormat.YAML);
            assertThat(spec.listeners().get(0).port()).as(port).isEqualTo(8080);
        }
    }

    @Test
    void aDocumentNestedToTheLimitIsNotTooDeep() {
        int levels = SpecFiles.MAX_NESTING_DEPTH - 1; // the document itself is the first
        String text = "{\"name\": " + "[".repeat(levels) + "]".repeat(levels) + "}";
        for (ConfigFormat format : ConfigFormat.values()) {
            assertThatThrownBy(() -> SpecFiles.read(text, format))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                            .noneMatch(p -> p.value().contains("nested")));
        }
        assertThat(SpecFiles.MAX_NESTING_DEPTH).isEqualTo(32);
    }

    /** A JSON document holding only the given path, ending in {@code [[]]}, of the wrong kind for every field. */
    private static String nested(String path) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (String part : path.split("\\.")) {
            boolean list = part.endsWith("[]");
            open.append("{\"").append(list ? part.substring(0, part.length() - 2) : part).append("\": ")
                    .append(list ? "[" : "");
            close.insert(0, list ? "]}" : "}");
        }
        return open + "[[]]" + close;
    }
}
