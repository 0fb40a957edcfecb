package io.nlb4j.samples.cli;

import static io.nlb4j.samples.cli.JarProcess.echo;
import static io.nlb4j.samples.cli.JarProcess.randomBytes;
import static io.nlb4j.samples.cli.JarProcess.sha256;
import static io.nlb4j.samples.cli.JarProcess.writeYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nlb4j.membership.dns.TestDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar nlb4j.jar run} with each membership provider from YAML: a file the test edits, and registries the
 * test runs: a DNS server, ZooKeeper (Curator's TestingServer), and fabric8's mock Kubernetes API server.
 */
class ProviderRunIT {

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path spec(String name, String serversYaml) throws Exception {
        return writeYaml(dir, name + ".yaml", """
                name: %s-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                listeners:
                  - port: 0
                    backendService:
                      name: echo
                      connectionDraining: 1s
                      healthCheck: {type: TCP, interval: 500ms, timeout: 250ms, healthyThreshold: 1}
                      servers: %s
                """.formatted(name, serversYaml));
    }

    private static void assertEchoes(InetSocketAddress address) throws Exception {
        byte[] payload = randomBytes(1000);
        assertThat(sha256(echo(address, payload))).isEqualTo(sha256(payload));
    }

    /**
     * Waits for the load balancer to serve again: a health checker reports a new server healthy a moment before the
     * service puts it in service, and a connection in between is refused.
     */
    private static void awaitEchoes(InetSocketAddress address) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertEchoes(address));
    }

    @Test
    void aFileFromYamlIsFollowedAsItChanges() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0)) {
            Path servers = dir.resolve("servers.txt");
            Files.writeString(servers, "127.0.0.1:" + a.port() + "\n");
            Path spec = spec("file", "{provider: {type: file, properties: {path: \"" + servers + "\"}}}");
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1")) {
                InetSocketAddress address = lb.awaitListening(START);
                assertEchoes(address);
                assertThat(a.dataConnections()).isEqualTo(1);
                Files.writeString(servers, "127.0.0.1:" + b.port() + "\n");
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + a.port() + " draining"), Duration.ofSeconds(10));
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"), Duration.ofSeconds(10));
                awaitEchoes(address);
                assertThat(b.dataConnections()).isEqualTo(1);
            }
        }
    }

    @Test
    void dnsFromYamlFollowsTheRecords() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             TestDnsServer dns = new TestDnsServer(1)) {
            dns.srv("_echo._tcp.test", List.of(new TestDnsServer.Srv(0, 10, a.port(), "a.test")));
            dns.a("a.test", List.of(InetAddress.getByName("127.0.0.1")));
            Path spec = spec("dns", "{provider: {type: dns, properties: {name: _echo._tcp.test, recordType: SRV,"
                    + " resolvers: \"127.0.0.1:" + dns.address().getPort() + "\", refresh: 1s}}}");
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1")) {
                InetSocketAddress address = lb.awaitListening(START);
                assertEchoes(address);
                assertThat(a.dataConnections()).isEqualTo(1);
                try (EchoMain b = EchoMain.start("127.0.0.1", 0)) {
                    dns.srv("_echo._tcp.test", List.of(new TestDnsServer.Srv(0, 10, b.port(), "a.test")));
                    lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + a.port() + " draining"), Duration.ofSeconds(10));
                    lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"),
                            Duration.ofSeconds(10));
                    awaitEchoes(address);
                    assertThat(b.dataConnections()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void zookeeperFromYamlServesWhatCuratorRegisters() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0);
             TestingServer zk = new TestingServer(true);
             CuratorFramework app = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(200))) {
            app.start();
            ServiceDiscovery<Void> discovery = ServiceDiscoveryBuilder.builder(Void.class).client(app)
                    .basePath("/services").build();
            discovery.start();
            discovery.registerService(ServiceInstance.<Void>builder().name("echo").address("127.0.0.1")
                    .port(a.port()).build());
            Path spec = spec("zk", "{provider: {type: zookeeper, properties: {connect: \"" + zk.getConnectString()
                    + "\", basePath: /services, service: echo}}}");
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1")) {
                InetSocketAddress address = lb.awaitListening(START);
                assertEchoes(address);
                assertThat(a.dataConnections()).isEqualTo(1);
                ServiceInstance<Void> second = ServiceInstance.<Void>builder().name("echo").address("127.0.0.1")
                        .port(b.port()).build();
                discovery.registerService(second);
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"), Duration.ofSeconds(10));
                discovery.queryForInstances("echo").stream().filter(i -> i.getPort() == a.port()).findFirst()
                        .ifPresent(i -> {
                            try {
                                discovery.unregisterService(i);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + a.port() + " draining"), Duration.ofSeconds(10));
                awaitEchoes(address);
                assertThat(b.dataConnections()).isEqualTo(1);
            }
            discovery.close();
        }
    }

    private static EndpointSlice slice(int port, String condition) {
        return new EndpointSliceBuilder().withNewMetadata().withName("echo-" + port).withNamespace("shop")
                .addToLabels("kubernetes.io/service-name", "echo").endMetadata().withAddressType("IPv4")
                .addNewPort().withName("tcp-echo").withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(condition.equals("ready"))
                .withServing(true).withTerminating(condition.equals("terminating")).endConditions().endEndpoint()
                .build();
    }

    @Test
    void kubernetesFromYamlFollowsTheEndpointSlices() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        String url = "http://127.0.0.1:" + api.getPort();
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0);
             KubernetesClient client = new KubernetesClientBuilder()
                     .withConfig(new ConfigBuilder().withMasterUrl(url).build()).build()) {
            client.resource(slice(a.port(), "ready")).create();
            Path spec = spec("k8s", "{provider: {type: kubernetes, properties: {namespace: shop, service: echo,"
                    + " port: tcp-echo}}}");
            // The runner's client is configured as kubectl's is; here, by the environment alone.
            Map<String, String> environment = Map.of("KUBERNETES_MASTER", url, "KUBERNETES_AUTH_TRYKUBECONFIG",
                    "false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
            try (JarProcess lb = JarProcess.start(environment, "run", "--config", spec.toString(),
                    "--bind-address", "127.0.0.1")) {
                InetSocketAddress address = lb.awaitListening(START);
                assertEchoes(address);
                assertThat(a.dataConnections()).isEqualTo(1);
                client.resource(slice(b.port(), "ready")).create();
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"), Duration.ofSeconds(10));
                client.resource(slice(a.port(), "terminating")).update();
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + a.port() + " draining"), Duration.ofSeconds(10));
                awaitEchoes(address);
                assertThat(b.dataConnections()).isEqualTo(1);
            }
        } finally {
            api.destroy();
        }
    }
}
