package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Placement;
import io.nlb4j.model.ServerSource;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * YAML anchors, aliases and merge keys: an alias is the value its anchor names, wherever the anchor was; a
 * merge key copies fields the object does not give itself. The limits keep a small file from standing for a
 * large one.
 */
class AnchorsTest {

    private static final ConfigFormat YAML = ConfigFormat.YAML;

    private static LoadBalancerSpec read(String text) {
        return SpecFiles.read(text, YAML);
    }

    @Test
    void anAliasOfAnObjectIsThatObject() {
        LoadBalancerSpec spec = read("""
                name: web-lb
                placement: &pl {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      port: 9000
                      servers:
                        static:
                          - address: 10.0.0.1
                            placement: *pl
                """);
        ServerSource.Static servers = (ServerSource.Static) spec.listeners().get(0).backendService().servers();
        assertThat(servers.servers().get(0).placement()).contains(Placement.of("cn-north-1", "vpc-web", "az-a"));
        assertThat(spec.placement()).isEqualTo(Placement.of("cn-north-1", "vpc-web", "az-a"));
    }

    @Test
    void aliasesOfScalarsListsAndWholeServicesAreTheirValues() {
        LoadBalancerSpec spec = read("""
                name: web-lb
                placement: {region: &region cn-north-1, vpc: vpc-web, zones: &zones [az-a, az-b]}
                listeners:
                  - port: 8080
                    backendService: &web
                      name: web
                      port: 9000
                      healthCheck: {interval: 10s}
                      servers: {static: [{address: 10.0.0.1, placement: {region: *region, vpc: vpc-web, zones: *zones}}]}
                  - port: 8081
                    backendService: *web
                """);
        BackendService first = spec.listeners().get(0).backendService();
        assertThat(spec.listeners().get(1).backendService()).isEqualTo(first);
        assertThat(((HealthCheck.Active) first.healthCheck()).interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(((ServerSource.Static) first.servers()).servers().get(0).placement())
                .contains(Placement.of("cn-north-1", "vpc-web", "az-a", "az-b"));
    }

    @Test
    void aMergeKeyCopiesTheFieldsNotGivenAndTheFirstMergedWins() {
        LoadBalancerSpec spec = read("""
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      port: 9000
                      healthCheck: &check {interval: 10s, timeout: 4s, healthyThreshold: 2}
                      servers: {static: [{address: 10.0.0.1}]}
                  - port: 8081
                    backendService:
                      name: api
                      port: 9001
                      healthCheck:
                        timeout: 2s
                        <<: [*check, {timeout: 9s, unhealthyThreshold: 5, healthyThreshold: 4}]
                      servers: {static: [{address: 10.0.0.2}]}
                """);
        HealthCheck.Active merged = (HealthCheck.Active) spec.listeners().get(1).backendService().healthCheck();
        assertThat(merged.interval()).isEqualTo(Duration.ofSeconds(10)); // from *check
        assertThat(merged.timeout()).isEqualTo(Duration.ofSeconds(2)); // given, before the merge key
        assertThat(merged.healthyThreshold()).isEqualTo(2); // *check comes first
        assertThat(merged.unhealthyThreshold()).isEqualTo(5); // from the second object only
    }

    @Test
    void aProblemInsideAnAliasIsReportedAtEachPathWhereTheValueIsWritten() {
        String text = """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      healthCheck: &check {interval: 3s, timeout: 5s}
                      servers: {static: [{address: 10.0.0.1, port: 9000}]}
                  - port: 8081
                    backendService:
                      name: api
                      healthCheck: *check
                      servers: {static: [{address: 10.0.0.2, port: 9000}]}
                """;
        assertThatThrownBy(() -> read(text))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("listeners[0].backendService.healthCheck.timeout", "5s", "less than interval 3s",
                                7, 51),
                        new Problem("listeners[1].backendService.healthCheck.timeout", "5s", "less than interval 3s",
                                7, 51)));
    }

    @Test
    void anAliasOfAnAnchoredKeyIsItsText() {
        LoadBalancerSpec spec = read(ConfigErrorsTest.VALID.replace("  name: web\n", "  &svc name: web\n")
                .replace("{address: 10.0.0.1}", "{address: *svc}"));
        ServerSource.Static servers = (ServerSource.Static) spec.listeners().get(0).backendService().servers();
        assertThat(servers.servers().get(0).address()).isEqualTo("name");
    }

    @Test
    void inJsonAnAsteriskIsText() {
        String json = """
                {"name": "web-lb", "placement": {"region": "*r", "vpc": "vpc-web", "zones": ["az-a"]},
                 "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                                "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
                """;
        assertThat(SpecFiles.read(json, ConfigFormat.JSON).placement().region()).isEqualTo("*r");
        assertThatThrownBy(() -> SpecFiles.read(json.replace("\"vpc\"", "\"<<\": {}, \"vpc\""), ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::path)
                        .containsExactly("placement[\"<<\"]"));
    }

    @Test
    void aliasesRepeatAtMostTheLimitOfValues() {
        // each level lists its anchor nine times: 9^7 values from a few lines
        StringBuilder text = new StringBuilder("name: web-lb\nplacement:\n  zones: &l0 [a, b, c, d, e, f, g, h, i]\n");
        for (int level = 1; level <= 7; level++) {
            String alias = "*l" + (level - 1);
            text.append("  l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, alias))).append("]\n");
        }
        assertThatThrownBy(() -> read(text.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.value()).startsWith("alias *l");
                            assertThat(p.expected()).startsWith("aliases repeating at most 100000 values in all");
                            assertThat(p.line()).isBetween(4, 10);
                        }));
        assertThat(SpecFiles.MAX_ALIASED_VALUES).isEqualTo(100_000);
    }

    @Test
    void anAliasNestsItsValueWhereItStands() {
        // 20 levels under the anchor, aliased inside 21 (the document, placement, 19 lists): 41 in all
        String deep = "[".repeat(20) + "]".repeat(20);
        String nested = "[".repeat(19) + "*deep" + "]".repeat(19);
        String text = "name: web-lb\nplacement: {zones: &deep " + deep + ", subnet: " + nested + "}\n";
        assertThatThrownBy(() -> read(text))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("placement.subnet" + "[0]".repeat(19), "document nested deeper than 32 levels",
                                "at most 32 levels of objects and lists", 2, 95)));
    }
}
