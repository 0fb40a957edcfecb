package io.nlb4j.samples.cli;

import static io.nlb4j.samples.cli.JarProcess.echo;
import static io.nlb4j.samples.cli.JarProcess.randomBytes;
import static io.nlb4j.samples.cli.JarProcess.sha256;
import static io.nlb4j.samples.cli.JarProcess.writeYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runner processes as two nodes of one load balancer, meeting in a ZooKeeper the test runs: one owns the
 * availability group, both serve it; the owner is killed (SIGKILL) and the other takes the group over.
 */
class ClusterRunIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final String INSTANCES = "/nlb4j/web-lb/instances/web-pool";

    @TempDir
    Path dir;

    private Path spec(String node, String connect) throws Exception {
        return writeYaml(dir, node + ".yaml", """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                cluster:
                  node: %s
                  zookeeper: {connect: "%s", sessionTimeout: 4s}
                listeners:
                  - port: 0
                    backendService:
                      name: echo
                      scheduling: MAGLEV
                      connectionDraining: 1s
                      healthCheck: {type: TCP, interval: 500ms, timeout: 250ms, healthyThreshold: 1}
                      servers:
                        availabilityGroup:
                          name: web-pool
                          placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                          capacity: {min: 1, desired: 2, max: 4}
                          template:
                            name: echo
                            launcher: {inProcess: io.nlb4j.samples.EchoServerFactory}
                            port: 0
                """.formatted(node, connect));
    }

    private static int corrupt(InetSocketAddress address, int rounds) throws Exception {
        int bad = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] payload = randomBytes(64 * 1024);
            bad += sha256(echo(address, payload)).equals(sha256(payload)) ? 0 : 1;
        }
        return bad;
    }

    @Test
    void theOtherNodeTakesTheGroupOverWhenTheOwnerIsKilled() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(200));
             JarProcess a = JarProcess.start("run", "--config", spec("node-a", zk.getConnectString()).toString(),
                     "--bind-address", "127.0.0.1")) {
            client.start();
            InetSocketAddress atA = a.awaitListening(START);
            a.awaitOutput(Pattern.compile("owned by node node-a \\(this node\\)"), START);
            try (JarProcess b = JarProcess.start("run", "--config", spec("node-b", zk.getConnectString()).toString(),
                    "--bind-address", "127.0.0.1")) {
                InetSocketAddress atB = b.awaitListening(START);
                // Both nodes serve the group node-a runs.
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                        client.getChildren().forPath(INSTANCES).size() == 2);
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> corrupt(atA, 1) == 0
                        && corrupt(atB, 1) == 0);
                assertThat(corrupt(atB, 20)).isZero();
                assertThat(b.output()).doesNotContain("owned by node node-b");

                // node-a dies; when its session ends, node-b takes the group over at its capacity.
                a.kill();
                b.awaitOutput(Pattern.compile("owned by node node-b \\(this node\\); starting at capacity min 1,"
                        + " desired 2, max 4"), Duration.ofSeconds(40));
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                    List<String> ids = client.getChildren().forPath(INSTANCES);
                    return ids.size() == 2 && ids.stream().allMatch(id -> id.endsWith("@node-b"));
                });
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> corrupt(atB, 1) == 0);
                assertThat(corrupt(atB, 20)).as("corrupt echoes through the surviving node").isZero();
            }
        }
    }
}
