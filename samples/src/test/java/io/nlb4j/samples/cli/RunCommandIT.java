package io.nlb4j.samples.cli;

import static io.nlb4j.samples.cli.JarProcess.echo;
import static io.nlb4j.samples.cli.JarProcess.randomBytes;
import static io.nlb4j.samples.cli.JarProcess.sha256;
import static io.nlb4j.samples.cli.JarProcess.writeYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.nlb4j.samples.cli.JarProcess.Result;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar nlb4j.jar run ...} in front of static servers, run as a process. */
class RunCommandIT {

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A listener on an ephemeral port in front of two static servers, with a fast health check. */
    private static String staticSpec(int listenerPort, int drainSeconds, EchoMain... servers) {
        StringBuilder yaml = new StringBuilder("""
                name: static-lb
                placement: {region: cn-north-1, vpc: vpc-1, zones: [az-a]}
                listeners:
                  - port: %d
                    backendService:
                      name: echo
                      scheduling: WEIGHTED_ROUND_ROBIN
                      connectionDraining: %ds
                      healthCheck: {type: TCP, interval: 500ms, timeout: 250ms, healthyThreshold: 1}
                      servers:
                        static:
                """.formatted(listenerPort, drainSeconds));
        for (EchoMain s : servers) {
            yaml.append("          - {address: 127.0.0.1, port: ").append(s.port()).append("}\n");
        }
        return yaml.toString();
    }

    @Test
    void runsInFrontOfStaticServersAndDrainsOnSigterm() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0);
             EchoMain b = EchoMain.start("127.0.0.1", 0)) {
            // The drain timeout (30 s) is far longer than the test waits: an exit in time means the runner
            // waited for the open connection, not for the timeout.
            Path spec = writeYaml(dir, "static.yaml", staticSpec(0, 30, a, b));
            // NIO, named: the other runs take the default, the fastest transport available here.
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1",
                    "--transport", "NIO")) {
                InetSocketAddress address = lb.awaitListening(START);
                assertThat(address.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
                lb.awaitOutput(Pattern.compile("\\(NIO transport\\)"), Duration.ofSeconds(10));

                // Several connections, byte-checked, spread over both servers.
                for (int i = 0; i < 6; i++) {
                    byte[] payload = randomBytes(64 * 1024 + i * 8191);
                    assertThat(sha256(echo(address, payload))).as("connection %d", i).isEqualTo(sha256(payload));
                }
                assertThat(a.dataConnections()).as("connections that reached server a").isPositive();
                assertThat(b.dataConnections()).as("connections that reached server b").isPositive();
                assertThat(a.dataConnections() + b.dataConnections()).isEqualTo(6);

                try (Socket open = new Socket()) {
                    open.connect(address, 5000);
                    open.setSoTimeout(10_000);
                    exchange(open, randomBytes(4096));

                    lb.terminate(); // SIGTERM
                    lb.awaitOutput(Pattern.compile("draining"), Duration.ofSeconds(10));
                    lb.awaitOutput(Pattern.compile("no longer listening on"), Duration.ofSeconds(10));
                    // With NIO the JDK releases a closed listener's socket when its event loop next selects (a
                    // channel still registered with a selector is closed on deregistration), a moment after Netty
                    // reports it closed: new connections are refused from then on.
                    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> {
                        try (Socket refused = new Socket()) {
                            refused.connect(address, 2000);
                        }
                    }).as("a new connection after SIGTERM").isInstanceOf(ConnectException.class));

                    // The open connection is still served while the load balancer drains.
                    exchange(open, randomBytes(4096));
                    exchange(open, randomBytes(32 * 1024));
                    assertThat(lb.process().isAlive()).as("draining while a connection is open").isTrue();

                    open.shutdownOutput();
                    assertThat(open.getInputStream().read()).as("the server's close, passed on").isEqualTo(-1);
                }
                assertThat(lb.awaitExit(Duration.ofSeconds(15))).as(lb.output()).isZero();
                assertThat(lb.stdout()).contains("received SIGTERM").contains("stopped (connections drained)");
                assertThat(lb.output()).doesNotContain("Exception").doesNotContain("\tat ");
            }
        }
    }

    @Test
    void theAdminEndpointAsksForItsTokenAndTheAccessLogHasALinePerConnection() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0)) {
            Path spec = writeYaml(dir, "watched.yaml", staticSpec(0, 1, a));
            Path token = dir.resolve("admin.token");
            Files.writeString(token, "tok-0123456789abcdef\n");
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1",
                    "--admin-port", "0", "--admin-token-file", token.toString(), "--access-log")) {
                InetSocketAddress address = lb.awaitListening(START);
                Matcher m = lb.awaitOutput(Pattern.compile("admin endpoint on http://127\\.0\\.0\\.1:(\\d+)/"),
                        Duration.ofSeconds(10));
                String base = "http://127.0.0.1:" + m.group(1);
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).doesNotContain("static-lb");
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                        .header("Authorization", "Bearer tok-0123456789abcdef").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(status.statusCode()).isEqualTo(200);
                assertThat(status.body()).contains("\"name\":\"static-lb\"", "127.0.0.1:" + a.port());
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/metrics?access_token=tok-0123456789abcdef")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("nlb4j_server_healthy{");

                byte[] payload = randomBytes(5000);
                try (Socket s = new Socket()) {
                    s.connect(address, 5000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    assertThat(s.getInputStream().readAllBytes()).hasSize(payload.length);
                    int port = s.getLocalPort();
                    lb.awaitOutput(Pattern.compile("INFO (nlb4j\\.)?access - \\S+ 127\\.0\\.0\\.1:" + port
                            + " listener=0 service=echo server=127\\.0\\.0\\.1:" + a.port()
                            + " bytes_in=5000 bytes_out=5000 connect_ms=\\S+ duration_ms=\\S+ end=client_closed"),
                            Duration.ofSeconds(10));
                }
            }
        }
    }

    @Test
    void anAdminTokenFileThatCannotServeIsOneLine() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0)) {
            Path spec = writeYaml(dir, "token.yaml", staticSpec(0, 1, a));
            Path missing = dir.resolve("missing.token");
            Result r = JarProcess.run(START, "run", "--config", spec.toString(), "--admin-port", "0",
                    "--admin-token-file", missing.toString());
            assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
            assertThat(r.errorLines()).as(r.output()).containsExactly("nlb4j: --admin-token-file: " + missing
                    + ": no such file (expected: a file holding the admin endpoint's bearer token)");
            Path shortToken = dir.resolve("short.token");
            Files.writeString(shortToken, "abc\n");
            r = JarProcess.run(START, "run", "--config", spec.toString(), "--admin-port", "0",
                    "--admin-token-file", shortToken.toString());
            assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
            assertThat(r.errorLines()).as(r.output()).containsExactly("nlb4j: --admin-token-file: " + shortToken
                    + ": adminToken: (3 characters, not shown) (expected: at least 16 printable ASCII characters"
                    + " without spaces)");
            ValidateCommandIT.assertNoStackTrace(r);
        }
    }

    @Test
    void aPortInUseIsOneLineNamingTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             EchoMain a = EchoMain.start("127.0.0.1", 0)) {
            int port = taken.getLocalPort();
            Path spec = writeYaml(dir, "in-use.yaml", staticSpec(port, 1, a));
            Result r = JarProcess.run(START, "run", "--config", spec.toString(), "--bind-address", "127.0.0.1");
            assertThat(r.exitCode()).as(r.output()).isEqualTo(Nlb4j.FAILED);
            assertThat(r.errorLines()).as(r.output()).singleElement().asString()
                    .startsWith("nlb4j: listeners[0].port: " + port + " (expected: a port free on 127.0.0.1")
                    .contains("already in use");
            ValidateCommandIT.assertNoStackTrace(r);
        }
    }

    @Test
    void theToxiproxyApiLetsAToxiproxyClientPutLatencyInFrontOfAServer() throws Exception {
        try (EchoMain a = EchoMain.start("127.0.0.1", 0)) {
            Path spec = writeYaml(dir, "with-api.yaml", staticSpec(0, 1, a));
            try (JarProcess lb = JarProcess.start("run", "--config", spec.toString(), "--bind-address", "127.0.0.1",
                    "--toxiproxy-api", "127.0.0.1:0")) {
                lb.awaitListening(START);
                Matcher m = lb.awaitOutput(Pattern.compile("toxiproxy API listening on /127\\.0\\.0\\.1:(\\d+)"),
                        Duration.ofSeconds(10));
                ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", Integer.parseInt(m.group(1)));
                Proxy proxy = client.createProxy("echo", "127.0.0.1:0", "127.0.0.1:" + a.port());
                proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
                String listen = proxy.getListen();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1",
                            Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1))), 5000);
                    s.setSoTimeout(10_000);
                    long t0 = System.nanoTime();
                    exchange(s, "through the toxiproxy API".getBytes(StandardCharsets.UTF_8));
                    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(280));
                }
                proxy.delete();
                assertThat(client.getProxies()).isEmpty();
            }
        }
    }

    /** Writes a message and reads its echo, byte for byte. */
    private static void exchange(Socket s, byte[] message) throws Exception {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(message);
        out.flush();
        byte[] back = in.readNBytes(message.length);
        assertThat(Arrays.equals(back, message)).as("echo of %d bytes", message.length).isTrue();
    }
}
