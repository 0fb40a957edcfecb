package io.nlb4j.balancer.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import io.nlb4j.balancer.LoadBalancerOptions;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Toxiproxy-compatible API, driven by Toxiproxy's own Java client and by raw HTTP for the errors. */
class ToxiproxyApiTest {

    private ServerSocket echo;
    private ToxiproxyApi api;
    private ToxiproxyClient client;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serveEcho, "toxiproxy-test-echo");
        t.setDaemon(true);
        t.start();
        api = ToxiproxyApi.start(new InetSocketAddress("127.0.0.1", 0),
                LoadBalancerOptions.builder().eventLoopThreads(1).build());
        client = new ToxiproxyClient("127.0.0.1", api.address().getPort());
    }

    @AfterEach
    void stop() throws IOException {
        api.close();
        echo.close();
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        byte[] b = new byte[4096];
                        for (int n; (n = in.read(b)) > 0; ) {
                            out.write(b, 0, n);
                        }
                    } catch (IOException e) {
                        // the connection ended
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static InetSocketAddress address(Proxy p) {
        String listen = p.getListen();
        int colon = listen.lastIndexOf(':');
        return new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    }

    /** One round trip on a new connection through the proxy; its time in ms. */
    private static long echoMillis(Proxy p) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address(p), 5000);
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            byte[] back = new byte[4];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("ping");
            return (System.nanoTime() - t0) / 1_000_000;
        }
    }

    @Test
    void theToxiproxyClientCreatesAProxyAddsLatencyAndResetPeerAndRemovesThem() throws IOException {
        assertThat(client.version()).isEqualTo(ToxiproxyApi.VERSION);
        Proxy p = client.createProxy("echo", "127.0.0.1:0", "127.0.0.1:" + echo.getLocalPort());
        assertThat(p.getName()).isEqualTo("echo");
        assertThat(address(p).getPort()).isPositive();
        assertThat(p.isEnabled()).isTrue();
        assertThat(echoMillis(p)).isLessThan(1000);

        Latency latency = p.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 400);
        assertThat(latency.getLatency()).isEqualTo(400);
        latency.setJitter(0);
        assertThat(echoMillis(p)).isGreaterThanOrEqualTo(380);
        List<? extends Toxic> toxics = p.toxics().getAll();
        assertThat(toxics).extracting(Toxic::getName).containsExactly("slow");
        latency.remove();
        assertThat(p.toxics().getAll()).isEmpty();
        assertThat(echoMillis(p)).isLessThan(380);

        Toxic reset = p.toxics().resetPeer("cut", ToxicDirection.DOWNSTREAM, 0);
        assertThatThrownBy(() -> echoMillis(p)).isInstanceOf(SocketException.class);
        reset.remove();
        echoMillis(p);

        p.disable();
        assertThat(client.getProxy("echo").isEnabled()).isFalse();
        assertThatThrownBy(() -> echoMillis(p)).isInstanceOf(IOException.class);
        p.enable();
        echoMillis(p);

        p.toxics().latency("again", ToxicDirection.UPSTREAM, 400);
        client.reset();
        assertThat(p.toxics().getAll()).isEmpty();
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("echo");
        p.delete();
        assertThat(client.getProxyOrNull("echo")).isNull();
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.address().getPort() + path))
                .timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mistakesGetToxiproxysStatusCodesAndAnErrorNamingTheField() throws Exception {
        HttpResponse<String> r = http("GET", "/proxies/nope", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"error\":\"proxy not found\",\"status\":404}");

        String upstream = "127.0.0.1:" + echo.getLocalPort();
        assertThat(http("POST", "/proxies", "{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream
                + "\"}").statusCode()).isEqualTo(201);
        r = http("POST", "/proxies", "{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream + "\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("proxy already exists");

        r = http("POST", "/proxies", "{\"name\":\"b\",\"upstream\":\"nowhere\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("upstream: \\\"nowhere\\\" (expected: host:port");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"boom\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("type: \\\"boom\\\" (expected: a toxic type, one of [bandwidth, latency,");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":-5}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("attributes.latency: -5 (expected: a whole number, at least 0)");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"attributes\":{\"colour\":1}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("attributes.colour: unknown for latency (expected: one of [latency, jitter])");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"slicer\",\"attributes\":{\"average_size\":10,"
                + "\"size_variation\":10}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("attributes.size_variation: 10 (expected: 0 to 9, less than average_size 10)");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("stream: \\\"sideways\\\" (expected: upstream or downstream)");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"toxicity\":2}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("toxicity: 2 (expected: a number from 0 to 1)");

        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"name\":\"latency_downstream\"");
        r = http("POST", "/proxies/a/toxics", "{\"type\":\"latency\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(http("GET", "/proxies/a/toxics/nope", null).statusCode()).isEqualTo(404);
        assertThat(http("DELETE", "/proxies/a/toxics/latency_downstream", null).statusCode()).isEqualTo(204);
        r = http("POST", "/proxies", "not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("bad request body");
    }
}
