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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar nlb4j.jar run ...} with an availability group whose instances are operating-system
 * processes ({@link EchoMain} in their own JVMs): they start as the runner's children, serve traffic through
 * the listener, and are all gone after SIGTERM.
 */
class AvailabilityGroupRunIT {

    private static final Pattern DONE = Pattern.compile("\\[([^\\]\\s]+)] echo connection done: (\\d+) bytes");

    @TempDir
    Path dir;

    @Test
    void processInstancesServeTrafficAndAreGoneAfterSigterm() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(JarProcess.java());
        command.addAll(JarProcess.QUICK_JVM);
        command.addAll(List.of("-cp", JarProcess.testClassPath(), EchoMain.class.getName(), "{port}", "{host}"));
        String yaml = """
                name: process-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a, az-b]}
                listeners:
                  - port: 0
                    backendService:
                      name: echo
                      connectionDraining: 10s
                      healthCheck: {type: TCP, interval: 500ms, timeout: 250ms, healthyThreshold: 1}
                      servers:
                        availabilityGroup:
                          name: echo-ag
                          placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a, az-b]}
                          template:
                            name: echo-template
                            port: 0
                            launcher:
                              process:
                                command: [%s]
                                readyTimeout: 30s
                                stopGracePeriod: 5s
                          capacity: {min: 2, desired: 2, max: 2}
                """.formatted(command.stream().map(JarProcess::yamlString).collect(Collectors.joining(", ")));
        Path spec = writeYaml(dir, "process-group.yaml", yaml);

        List<Long> pids = new ArrayList<>();
        try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1",
                "--drain-timeout", "5s")) {
            InetSocketAddress address = lb.awaitListening(Duration.ofSeconds(40));

            // Both instances are processes started by the runner.
            await().atMost(Duration.ofSeconds(10)).until(() -> instances(lb.process()).size() == 2);
            List<ProcessHandle> instances = instances(lb.process());
            lb.process().descendants().forEach(d -> pids.add(d.pid()));
            assertThat(pids).containsAll(instances.stream().map(ProcessHandle::pid).collect(Collectors.toList()));
            for (ProcessHandle i : instances) {
                assertThat(lb.stdout()).contains("started process " + i.pid());
            }

            // Byte-checked traffic through the listener, over both instances.
            for (int i = 0; i < 6; i++) {
                byte[] payload = randomBytes(48 * 1024 + i * 4099);
                assertThat(sha256(echo(address, payload))).as("connection %d", i).isEqualTo(sha256(payload));
            }
            // Each instance prints a line per connection; the runner logs it tagged with the instance id.
            await().atMost(Duration.ofSeconds(10)).until(() -> servedBy(lb.stdout()).size() == 2);

            lb.terminate(); // SIGTERM
            assertThat(lb.awaitExit(Duration.ofSeconds(40))).as(lb.output()).isZero();
            assertThat(lb.stdout()).contains("received SIGTERM").contains("stopped");
            assertThat(lb.output()).doesNotContain("\tat ");
            for (long pid : pids) {
                await("process " + pid + " gone").atMost(Duration.ofSeconds(15))
                        .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
            }
        }
    }

    @Test
    void aSigtermDuringTheStartCancelsItAndLeavesNoInstanceBehind() throws Exception {
        // An instance that never gets ready: only the signal can end the start.
        String yaml = """
                name: never-ready
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                listeners:
                  - port: 0
                    backendService:
                      name: never
                      servers:
                        availabilityGroup:
                          name: never-ag
                          placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                          template:
                            name: never-template
                            port: 0
                            launcher:
                              process:
                                command: [sleep, "600"]
                                readyTimeout: 10m
                                stopGracePeriod: 2s
                          capacity: {min: 1, desired: 1, max: 1}
                """;
        Path spec = writeYaml(dir, "never-ready.yaml", yaml);
        try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sleepers(lb.process()).size() == 1);
            long pid = sleepers(lb.process()).get(0).pid();
            lb.terminate(); // SIGTERM, while the instance is still launching
            assertThat(lb.awaitExit(Duration.ofSeconds(30))).as(lb.output()).isZero();
            assertThat(lb.stdout()).contains("stopping during the start").contains("stopped before it had started");
            assertThat(lb.output()).doesNotContain("\tat ").doesNotContain("Exception");
            await("process " + pid + " gone").atMost(Duration.ofSeconds(15))
                    .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
        }
    }

    private static List<ProcessHandle> sleepers(Process runner) {
        return runner.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                .collect(Collectors.toList());
    }

    /** The runner's descendants that run {@link EchoMain}. */
    private static List<ProcessHandle> instances(Process runner) {
        return runner.descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(EchoMain.class.getName())).orElse(true))
                .collect(Collectors.toList());
    }

    /** The instance ids that echoed data, from the runner's log of its instances' output. */
    private static Set<String> servedBy(String log) {
        Set<String> ids = new TreeSet<>();
        Matcher m = DONE.matcher(log);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
