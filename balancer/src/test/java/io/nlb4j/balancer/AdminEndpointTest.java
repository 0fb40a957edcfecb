package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static io.nlb4j.balancer.Fixtures.threadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.StaticServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The admin endpoint: /api/status as JSON, /metrics as Prometheus text, the page, the token, a port in use. */
class AdminEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token-0123456789";
    /** One sample line of the Prometheus text format: name, labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    private static LoadBalancerSpec spec(String name, TestBackend... servers) {
        return Fixtures.specBuilder(name).listener(Listener.tcp(0).name("front").backendService(
                BackendService.builder("web").connectionDraining(Duration.ZERO)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(80))
                                .healthyThreshold(1).unhealthyThreshold(1))
                        .staticServers(java.util.Arrays.stream(servers)
                                .map(s -> StaticServer.of("127.0.0.1", s.port())).toList())))
                .build();
    }

    private static HttpResponse<String> get(RunningLoadBalancer lb, String path, String... headers) throws Exception {
        InetSocketAddress a = lb.adminAddress().orElseThrow();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Prometheus samples of a scrape: "name{labels}" to value. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static double sample(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{") || e.getKey().equals(name))
                .filter(e -> java.util.Arrays.stream(labels).allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void statusAndMetricsFollowTheTrafficAndAServerGoingDown() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             TestBackend b = TestBackend.echo("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("admin-lb", a, b),
                     optionsBuilder().admin(0).build())) {
            assertThat(lb.adminAddress()).hasValueSatisfying(x -> assertThat(x.getAddress().isLoopbackAddress())
                    .as("loopback by default").isTrue());
            for (int i = 0; i < 4; i++) {
                try (Socket s = connect(lb.listener("front"))) {
                    s.getOutputStream().write("0123456789".getBytes());
                    s.shutdownOutput();
                    assertThat(s.getInputStream().readAllBytes()).hasSize(10);
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lb.listener("front").stats().activeConnections() == 0);

            HttpResponse<String> status = get(lb, "/api/status");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.headers().firstValue("content-type")).hasValueSatisfying(t ->
                    assertThat(t).startsWith("application/json"));
            JsonNode doc = JSON.readTree(status.body());
            assertThat(doc.at("/loadBalancer/name").asText()).isEqualTo("admin-lb");
            assertThat(doc.at("/listeners/0/name").asText()).isEqualTo("front");
            assertThat(doc.at("/listeners/0/totalConnections").asLong()).isEqualTo(4);
            assertThat(doc.at("/listeners/0/bytesIn").asLong()).isEqualTo(40);
            assertThat(doc.at("/backendServices/0/healthCheck/type").asText()).isEqualTo("TCP");
            JsonNode servers = doc.at("/backendServices/0/servers");
            assertThat(servers).hasSize(2);
            assertThat(servers.findValuesAsText("address")).containsExactlyInAnyOrder("127.0.0.1:" + a.port(),
                    "127.0.0.1:" + b.port());
            assertThat(servers.findValuesAsText("health")).containsOnly("healthy");
            assertThat(doc.at("/events").findValuesAsText("type")).contains("Started", "ServerAdded");

            Map<String, Double> m = samples(get(lb, "/metrics").body());
            assertThat(sample(m, "nlb4j_listener_connections_total", "listener=\"front\"")).isEqualTo(4);
            assertThat(sample(m, "nlb4j_listener_bytes_total", "direction=\"in\"")).isEqualTo(40);
            assertThat(sample(m, "nlb4j_server_connect_time_seconds_count")).isEqualTo(4);
            assertThat(sample(m, "nlb4j_server_healthy", "server=\"127.0.0.1:" + b.port() + "\"")).isEqualTo(1);

            b.close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode now = JSON.readTree(get(lb, "/api/status").body());
                JsonNode down = null;
                for (JsonNode s : now.at("/backendServices/0/servers")) {
                    if (s.get("address").asText().equals("127.0.0.1:" + b.port())) {
                        down = s;
                    }
                }
                assertThat(down).isNotNull();
                assertThat(down.get("health").asText()).isEqualTo("unhealthy");
                assertThat(sample(samples(get(lb, "/metrics").body()), "nlb4j_server_healthy",
                        "server=\"127.0.0.1:" + b.port() + "\"")).isZero();
            });

            HttpResponse<String> page = get(lb, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h2>Load balancer</h2>", "<h2>Listeners</h2>",
                    "<h2>Backend services</h2>", "<h2>Health checks</h2>", "<h2>Availability groups</h2>")
                    .doesNotContain("src=\"http", "href=\"http"); // nothing from elsewhere: it works offline
            HttpResponse<String> missing = get(lb, "/nothing");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("/nothing", "/api/status", "/metrics");
        }
        await().untilAsserted(() -> assertThat(threadsOf("admin-lb")).isEmpty());
    }

    @Test
    void aTokenIsRequiredWhenSetAndNothingIsSaidWithoutIt() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("guarded", a),
                     optionsBuilder().admin(0).adminToken(TOKEN).build())) {
            for (String path : List.of("/", "/api/status", "/metrics", "/nothing")) {
                HttpResponse<String> none = get(lb, path);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"nlb4j\"");
                assertThat(none.body()).doesNotContain(String.valueOf(a.port()), "guarded", "nlb4j_");
                HttpResponse<String> wrong = get(lb, path, "Authorization", "Bearer " + TOKEN + "x");
                assertThat(wrong.statusCode()).as(path).isEqualTo(401);
                assertThat(wrong.body()).doesNotContain(String.valueOf(a.port()), "guarded");
            }
            HttpResponse<String> ok = get(lb, "/api/status", "Authorization", "Bearer " + TOKEN);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).at("/loadBalancer/name").asText()).isEqualTo("guarded");
            assertThat(get(lb, "/metrics", "Authorization", "Bearer " + TOKEN).body())
                    .contains("nlb4j_listener_connections_total");
            // The page is opened in a browser, which cannot send a header: the token may come as access_token.
            assertThat(get(lb, "/?access_token=" + TOKEN).statusCode()).isEqualTo(200);
            assertThat(get(lb, "/api/status?access_token=" + TOKEN).statusCode()).isEqualTo(200);
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + lb.adminAddress().orElseThrow().getPort() + "/api/status"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.body()).contains("POST", "expected: GET or HEAD");
        }
    }

    @Test
    void anAdminPortInUseFailsTheStartNamingItAndLeavesNothingRunning() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(spec("clash", a),
                    optionsBuilder().admin(port).build()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessageContaining("adminPort: " + port)
                    .hasMessageContaining("expected: a port free on 127.0.0.1");
            await().untilAsserted(() -> assertThat(threadsOf("clash")).isEmpty());
        }
    }

    @Test
    void badAdminOptionsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> LoadBalancerOptions.builder().admin(70000))
                .hasMessage("adminPort: 70000 (expected: 0 to 65535)");
        assertThatThrownBy(() -> LoadBalancerOptions.builder().adminToken("short"))
                .hasMessage("adminToken: (5 characters, not shown) (expected: at least 16 printable ASCII"
                        + " characters without spaces)");
        assertThat(LoadBalancerOptions.defaults().adminPort()).isEmpty();
    }

}
