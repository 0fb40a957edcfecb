package io.nlb4j.samples.cli;

import static io.nlb4j.samples.cli.JarProcess.echo;
import static io.nlb4j.samples.cli.JarProcess.randomBytes;
import static io.nlb4j.samples.cli.JarProcess.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nlb4j run} reloading its file into the running load balancer, on SIGHUP and with {@code --watch}, with a
 * connection held open across every reload; a broken file keeps the running configuration.
 */
class ReloadRunIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RELOAD = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    /** A specification with a listener {@code front} and, if asked, a second one, both to the given servers. */
    private static String yaml(boolean second, int... ports) {
        StringBuilder servers = new StringBuilder();
        for (int p : ports) {
            servers.append("{address: 127.0.0.1, port: ").append(p).append("}, ");
        }
        String service = "    backendService:\n"
                + "      name: echo\n"
                + "      connectionDraining: 30s\n"
                + "      healthCheck: {type: TCP, interval: 300ms, timeout: 200ms, healthyThreshold: 1}\n"
                + "      servers: {static: [" + servers.substring(0, servers.length() - 2) + "]}\n";
        String yaml = "name: reload-lb\n"
                + "placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}\n"
                + "listeners:\n"
                + "  - name: front\n"
                + "    port: 0\n" + service;
        if (second) {
            yaml += "  - name: second\n"
                    + "    port: 0\n" + service;
        }
        return yaml;
    }

    /** A connection held open: each round trip sends random bytes and checks the echo. */
    private static final class Held implements AutoCloseable {
        private final Socket socket = new Socket();

        Held(InetSocketAddress address) throws IOException {
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
        }

        void roundTrip() throws IOException {
            byte[] out = randomBytes(4096);
            socket.getOutputStream().write(out);
            byte[] in = new byte[out.length];
            InputStream i = socket.getInputStream();
            for (int read = 0; read < in.length; ) {
                int n = i.read(in, read, in.length - read);
                assertThat(n).as("bytes echoed on the held connection").isPositive();
                read += n;
            }
            assertThat(Arrays.equals(in, out)).as("the echo on the held connection is the bytes sent").isTrue();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void assertEchoes(InetSocketAddress address) throws Exception {
        byte[] payload = randomBytes(1000);
        assertThat(sha256(echo(address, payload))).isEqualTo(sha256(payload));
    }

    /**
     * Waits for the load balancer to serve through a new server: its health check reports it healthy a moment before
     * the service puts it in service, and a connection in between is refused (it reaches no server).
     */
    private static void awaitEchoes(InetSocketAddress address) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertEchoes(address));
    }

    private static void hangUp(JarProcess lb) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(lb.process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -HUP").isZero();
    }

    @Test
    void sighupReloadsTheFileAndABrokenFileKeepsTheRunningConfiguration() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0)) {
            Path spec = JarProcess.writeYaml(dir, "lb.yaml", yaml(false, a.port()));
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1");
                 Held held = new Held(lb.awaitListening(START))) {
                InetSocketAddress front = lb.awaitListening(START);
                held.roundTrip();

                // Another server in place of the first, and a second listener.
                Files.writeString(spec, yaml(true, b.port()), StandardCharsets.UTF_8);
                hangUp(lb);
                Matcher second = lb.awaitOutput(Pattern.compile("listener second \\(port 0\\) -> backend service echo:"
                        + " listening on /127\\.0\\.0\\.1:(\\d+)"), RELOAD);
                lb.awaitOutput(Pattern.compile("reloaded .*lb\\.yaml \\(SIGHUP\\): listener second \\(port 0\\) added;"
                        + " backend service echo changed: servers; backend service echo: server 127\\.0\\.0\\.1:"
                        + b.port() + " added; backend service echo: server 127\\.0\\.0\\.1:" + a.port()
                        + " draining"), RELOAD);
                held.roundTrip(); // on the draining server, still
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"), RELOAD);
                awaitEchoes(front);
                assertEchoes(new InetSocketAddress("127.0.0.1", Integer.parseInt(second.group(1))));
                assertThat(b.dataConnections()).isEqualTo(2);
                assertThat(a.dataConnections()).isEqualTo(1); // the held connection only

                // A broken file: every problem is logged, nothing changes.
                Files.writeString(spec, yaml(true, b.port()).replace("port: 0", "port: 70000")
                        .replace("connectionDraining: 30s", "connectionDraining: soon"), StandardCharsets.UTF_8);
                hangUp(lb);
                lb.awaitOutput(Pattern.compile("(?s)reload \\(SIGHUP\\) failed, the running configuration is kept:"
                        + " .*lb\\.yaml: \\d+ problems:.*listeners\\[0]\\.port.*listeners\\[0]\\.backendService"
                        + "\\.connectionDraining.*listeners\\[1]\\.port"), RELOAD);
                held.roundTrip();
                assertEchoes(front);
                assertThat(b.dataConnections()).isEqualTo(3);
                assertThat(lb.process().isAlive()).isTrue();
            }
        }
    }

    @Test
    void watchReloadsEditsAndAtomicRenames() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0)) {
            Path spec = JarProcess.writeYaml(dir, "lb.yaml", yaml(false, a.port()));
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1",
                    "--watch");
                 Held held = new Held(lb.awaitListening(START))) {
                InetSocketAddress front = lb.awaitListening(START);
                lb.awaitOutput(Pattern.compile("watching .*lb\\.yaml for changes"), START);
                held.roundTrip();

                // Replaced by a rename, as configuration tools write files.
                Path staged = JarProcess.writeYaml(dir, ".lb.yaml.new", yaml(false, b.port()));
                Files.move(staged, spec, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lb.awaitOutput(Pattern.compile("reloaded .*lb\\.yaml \\(.*changed\\): backend service echo changed:"
                        + " servers"), RELOAD);
                held.roundTrip();
                lb.awaitOutput(Pattern.compile("127\\.0\\.0\\.1:" + b.port() + " is HEALTHY"), RELOAD);
                awaitEchoes(front);
                assertThat(b.dataConnections()).isEqualTo(1);

                // Edited in place into something broken: kept; then mended: applied.
                Files.writeString(spec, "name: reload-lb\nlisteners: [\n", StandardCharsets.UTF_8);
                lb.awaitOutput(Pattern.compile("reload \\(.*changed\\) failed, the running configuration is kept"),
                        RELOAD);
                held.roundTrip();
                assertEchoes(front);
                Files.writeString(spec, yaml(true, b.port()), StandardCharsets.UTF_8);
                lb.awaitOutput(Pattern.compile("reloaded .*lb\\.yaml \\(.*changed\\): listener second \\(port 0\\)"
                        + " added"), RELOAD);
                held.roundTrip();
                assertThat(b.dataConnections()).isEqualTo(2);
            }
        }
    }
}
