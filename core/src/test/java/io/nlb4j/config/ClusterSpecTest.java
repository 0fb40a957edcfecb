package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.model.Cluster;
import io.nlb4j.model.LoadBalancerSpec;
import org.junit.jupiter.api.Test;

/** The {@code cluster} block: read, validated by path, and written back. */
class ClusterSpecTest {

    private static final String LB = """
            name: web-lb
            placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
            listeners:
              - port: 80
                backendService:
                  name: web
                  servers: {static: [{address: 10.0.0.5, port: 8080}]}
            """;

    @Test
    void aClusterIsReadWithItsDefaultsAndWrittenBack() {
        LoadBalancerSpec spec = SpecFiles.read(LB + """
                cluster:
                  node: node-a
                  zookeeper: {connect: "zk1:2181,zk2:2181"}
                """, ConfigFormat.YAML);
        LoadBalancerSpec voting = SpecFiles.read(LB + "cluster: {healthQuorum: 2, zookeeper: {connect: \"zk:1\"}}\n",
                ConfigFormat.YAML);
        assertThat(voting.cluster().orElseThrow().healthQuorum()).contains(2);
        assertThat(SpecFiles.read(SpecFiles.write(voting, ConfigFormat.JSON), ConfigFormat.JSON)).isEqualTo(voting);
        Cluster c = spec.cluster().orElseThrow();
        assertThat(c.connect()).isEqualTo("zk1:2181,zk2:2181");
        assertThat(c.basePath()).isEqualTo(Cluster.DEFAULT_BASE_PATH);
        assertThat(c.node()).contains("node-a");
        assertThat(c.sessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(c.healthQuorum()).isEmpty();
        for (ConfigFormat f : ConfigFormat.values()) {
            assertThat(SpecFiles.read(SpecFiles.write(spec, f), f)).isEqualTo(spec);
        }
        assertThat(SpecFiles.read(LB, ConfigFormat.YAML).cluster()).isEmpty();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
    }

    @Test
    void badClusterFieldsAreNamedByPath() {
        assertThatThrownBy(() -> SpecFiles.read(LB + """
                cluster:
                  node: "node a"
                  healthQuorum: 0
                  zookeeper: {connect: "zk1", basePath: "nlb4j/", sessionTimeout: 1s}
                """, ConfigFormat.YAML, "web.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.zookeeper.connect: \"zk1\" (expected: HOST:PORT,..., such as"
                        + " zk1:2181,zk2:2181)")
                .hasMessageContaining("cluster.zookeeper.basePath: \"nlb4j/\" (expected: a ZooKeeper path such as"
                        + " /nlb4j)")
                .hasMessageContaining("cluster.node: \"node a\"")
                .hasMessageContaining("cluster.zookeeper.sessionTimeout: 1s (expected: 2s to 600s)")
                .hasMessageContaining("cluster.healthQuorum: 0 (expected: 1-100, the number of nodes that must find a"
                        + " server unhealthy)");
        assertThatThrownBy(() -> SpecFiles.read(LB + "cluster: {node: a}\n", ConfigFormat.YAML))
                .hasMessageContaining("cluster.zookeeper.connect: absent (expected: HOST:PORT,...");
        assertThatThrownBy(() -> SpecFiles.read(LB + "cluster: {zookeeper: {connect: \"zk:1\", path: /x}}\n",
                ConfigFormat.YAML)).hasMessageContaining("cluster.zookeeper.path: unknown field (expected: one of"
                + " basePath, connect, sessionTimeout)");
        assertThat(SpecFiles.fields()).contains("cluster.node", "cluster.healthQuorum", "cluster.zookeeper.connect",
                "cluster.zookeeper.basePath", "cluster.zookeeper.sessionTimeout");
    }
}
