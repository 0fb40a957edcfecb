package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.control.RecordingLogger;
import io.nlb4j.control.SerialVirtualTime;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Listener;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log: one line per finished connection with its fields and how it ended, off by default. */
class AccessLogTest {

    private static final Pattern LINE = Pattern.compile("(\\S+) (\\S+) (.*)");

    /** The access log's lines, recorded. */
    static final class RecordingLog {
        final RecordingLogger logger = new RecordingLogger(LoggerFactory.getLogger(LoadBalancerOptions.ACCESS_LOGGER));

        List<String> lines() {
            return logger.messages();
        }

        /** The line whose client port is this one's, as fields (and "time", "client"). */
        Map<String, String> of(Socket client) {
            String port = ":" + client.getLocalPort();
            await().atMost(Duration.ofSeconds(5)).until(() -> lines().stream().anyMatch(l -> clientOf(l).endsWith(port)));
            String line = lines().stream().filter(l -> clientOf(l).endsWith(port)).findFirst().orElseThrow();
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            Map<String, String> fields = Arrays.stream(m.group(3).split(" ")).map(f -> f.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            fields.put("time", m.group(1));
            fields.put("client", m.group(2));
            return fields;
        }

        private static String clientOf(String line) {
            String[] parts = line.split(" ", 3);
            return parts.length > 1 ? parts[1] : "";
        }
    }

    private static InputStream connectedInput(Socket s, RunningListener listener) throws IOException {
        s.setSoTimeout(5000);
        s.connect(listener.boundAddress(), 5000);
        return s.getInputStream();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void eachFinishedConnectionIsOneLineWithItsFieldsAndHowItEnded() throws Exception {
        RecordingLog log = new RecordingLog();
        TestBackend.Behaviour greetAndClose = (server, s) ->
                s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
        try (TestBackend echo = TestBackend.echo("echo");
             TestBackend greeter = TestBackend.start("greeter", greetAndClose);
             ServerSocket closed = new ServerSocket(0);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(Fixtures.specBuilder("logged")
                     .listener(Listener.tcp(0).name("front").backendService(service("echo", echo)))
                     .listener(Listener.tcp(0).name("greet").backendService(service("greeter", greeter)))
                     .listener(Listener.tcp(0).name("dead").backendService(service("dead",
                             List.of(StaticServer.of("127.0.0.1", closed.getLocalPort())))))
                     .build(), optionsBuilder().accessLog(log.logger).maxConnectAttempts(1).build())) {
            closed.close(); // nothing listens there now: connects are refused

            // The client sends 1,000 bytes and its FIN; the echo comes back.
            long before = System.currentTimeMillis();
            Socket c = connect(lb.listener("front"));
            c.getOutputStream().write(bytes(1000));
            c.shutdownOutput();
            assertThat(c.getInputStream().readAllBytes()).hasSize(1000);
            c.close();
            Map<String, String> f = log.of(c);
            assertThat(f).containsEntry("client", "127.0.0.1:" + c.getLocalPort())
                    .containsEntry("listener", "front").containsEntry("service", "echo")
                    .containsEntry("server", "127.0.0.1:" + echo.port())
                    .containsEntry("bytes_in", "1000").containsEntry("bytes_out", "1000")
                    .containsEntry("end", "client_closed");
            assertThat(Double.parseDouble(f.get("connect_ms"))).isBetween(0.0, 2000.0);
            assertThat(Double.parseDouble(f.get("duration_ms"))).isGreaterThanOrEqualTo(
                    Double.parseDouble(f.get("connect_ms")));
            assertThat(java.time.Instant.parse(f.get("time")).toEpochMilli()).isBetween(before - 1000,
                    System.currentTimeMillis());

            // The server speaks and closes first.
            Socket g = connect(lb.listener("greet"));
            assertThat(g.getInputStream().readAllBytes()).hasSize(4);
            g.close();
            assertThat(log.of(g)).containsEntry("end", "server_closed").containsEntry("bytes_out", "4")
                    .containsEntry("bytes_in", "0");

            // The client resets its connection.
            Socket r = connect(lb.listener("front"));
            r.getOutputStream().write('x');
            assertThat(r.getInputStream().read()).isEqualTo('x');
            r.setSoLinger(true, 0);
            r.close();
            assertThat(log.of(r)).containsEntry("end", "client_reset").containsEntry("bytes_in", "1");

            // The only server refuses: no server is reached, and the line says so.
            Socket d = new Socket();
            d.bind(new java.net.InetSocketAddress("127.0.0.1", 0)); // its port names its line, even if connect fails
            try (InputStream in = connectedInput(d, lb.listener("dead"))) {
                in.read();
            } catch (IOException refusedByReset) {
                // refused with a reset, as it should be; the reset may even come before connect returns
            }
            assertThat(log.of(d)).containsEntry("end", "connect_failed").containsEntry("server", "-")
                    .containsEntry("connect_ms", "-").containsEntry("service", "dead");
        }
    }

    @Test
    void anIdleConnectionEndsAsIdleTimeout() throws Exception {
        RecordingLog log = new RecordingLog();
        SerialVirtualTime clock = SerialVirtualTime.create();
        try (TestBackend echo = TestBackend.echo("echo");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("idle", Listener.tcp(0)
                     .idleTimeout(Duration.ofSeconds(30)).backendService(service("echo", echo))),
                     optionsBuilder().controlScheduler(clock).accessLog(log.logger).build());
             Socket s = connect(lb.listener(0))) {
            s.getOutputStream().write('x');
            assertThat(s.getInputStream().read()).isEqualTo('x');
            clock.advanceTimeBy(Duration.ofSeconds(33));
            assertThat(log.of(s)).containsEntry("end", "idle_timeout").containsEntry("listener",
                    String.valueOf(lb.listener(0).spec().port()));
        } finally {
            clock.dispose();
        }
    }

    @Test
    void offByDefault() throws Exception {
        assertThat(LoadBalancerOptions.defaults().accessLog()).isEmpty();
        RecordingLog log = new RecordingLog();
        try (TestBackend echo = TestBackend.echo("echo");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("quiet", Listener.tcp(0)
                     .backendService(BackendService.builder("echo").staticServers(
                             List.of(StaticServer.of("127.0.0.1", echo.port()))))),
                     optionsBuilder().accessLog(log.logger).accessLog(false).build())) {
            try (Socket s = connect(lb.listener(0))) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lb.listener(0).stats().activeConnections() == 0);
            assertThat(log.lines()).isEmpty();
        }
    }
}
