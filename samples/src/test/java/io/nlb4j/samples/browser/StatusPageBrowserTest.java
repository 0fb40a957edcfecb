package io.nlb4j.samples.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.junit5.EchoServer;
import io.nlb4j.junit5.TestServerFleet;
import io.nlb4j.junit5.TestServers;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint's status page in a real browser: headless Chromium loads it from a running load balancer, every
 * server is listed in the rendered DOM under the seed's headings, and a server that stops is shown unhealthy without
 * a reload. Screenshots are saved as {@code target/status-page.png} and {@code target/status-page-unhealthy.png}.
 */
class StatusPageBrowserTest {

    /** Set by .ci/run, which installs Chromium: there, a missing browser fails the test instead of skipping it. */
    private static final String REQUIRED = "NLB4J_BROWSER_TESTS";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static Path chromium() {
        Optional<Path> found = HeadlessChromium.find();
        if (found.isEmpty()) {
            if ("required".equals(System.getenv(REQUIRED))) {
                fail("Chromium is not installed (expected: /usr/bin/chromium, which .ci/run installs with"
                        + " apt-get install chromium)");
            }
            Assumptions.abort("Chromium is not installed here (apt-get install chromium): the status page is not"
                    + " checked in a browser");
        }
        return found.get();
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void thePageListsEveryServerAndShowsOneThatStopsUnhealthyWithoutAReload() throws Exception {
        Path browser = chromium();
        List<EchoServer> servers = new ArrayList<>();
        try (TestServerFleet<EchoServer> fleet = TestServers.echoFleet()) {
            for (int i = 1; i <= 3; i++) {
                servers.add(TestServers.echo("web-" + i));
            }
            LoadBalancerSpec spec = LoadBalancerSpec.builder("status-demo").region("local").vpc("lo")
                    .zones("z1", "z2")
                    .listener(Listener.tcp(0).name("web").backendService(BackendService.builder("web-servers")
                            .connectionDraining(Duration.ZERO)
                            .healthCheck(HealthCheck.tcp().interval(Duration.ofMillis(200))
                                    .timeout(Duration.ofMillis(150)).healthyThreshold(1).unhealthyThreshold(1))
                            .staticServers(servers.stream().map(TestServers::staticServer).toList())))
                    .listener(Listener.tcp(0).name("app").backendService(BackendService.builder("app-servers")
                            .connectionDraining(Duration.ZERO)
                            .availabilityGroup(AvailabilityGroup.builder("app-ag").region("local").vpc("lo").zones("z1", "z2")
                                    .template(InstanceTemplate.builder("app").port(0).launcher(fleet.launcher()))
                                    .capacity(Capacity.of(2, 2, 4)))))
                    .build();
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, LoadBalancerOptions.builder()
                    .bindAddress("127.0.0.1").eventLoopThreads(1).admin(0).build());
                 HeadlessChromium page = HeadlessChromium.start(browser)) {
                for (int i = 0; i < 3; i++) { // some traffic for the counters
                    try (Socket s = new Socket("127.0.0.1", lb.listener("web").boundAddress().getPort())) {
                        s.getOutputStream().write('x');
                        s.setSoTimeout(5000);
                        assertThat(s.getInputStream().read()).isEqualTo('x');
                    }
                }
                page.navigate("http://127.0.0.1:" + lb.adminAddress().orElseThrow().getPort() + "/");

                List<String> expected = new ArrayList<>(servers.stream().map(s -> "127.0.0.1:" + s.port()).toList());
                lb.availabilityGroup("app-ag").instances().forEach(i -> expected.add(
                        "127.0.0.1:" + i.address().orElseThrow().getPort()));
                String listed = "[...document.querySelectorAll('tr.server')].map(r => r.dataset.server + ' '"
                        + " + r.dataset.health)";
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    List<String> rows = new ArrayList<>();
                    page.evaluate(listed).forEach(n -> rows.add(n.asText()));
                    assertThat(rows).containsExactlyInAnyOrderElementsOf(expected.stream()
                            .map(a -> a + " healthy").toList());
                });
                JsonNode headings = page.evaluate("[...document.querySelectorAll('h2')].map(h => h.textContent)");
                List<String> titles = new ArrayList<>();
                headings.forEach(h -> titles.add(h.asText()));
                assertThat(titles).containsSubsequence("Load balancer", "Listeners", "Backend services",
                        "Health checks", "Availability groups");
                assertThat(page.evaluate("document.querySelectorAll('tr.instance').length").asInt()).isEqualTo(2);
                assertThat(page.evaluate("performance.getEntriesByType('resource').every(e => e.name.startsWith("
                        + "location.origin))").asBoolean()).as("nothing loaded from elsewhere").isTrue();
                page.evaluate("window.nlb4jMarker = 'loaded once'");
                page.screenshot(Path.of("target", "status-page.png"));

                EchoServer stopped = servers.get(1);
                String address = "127.0.0.1:" + stopped.port();
                stopped.close();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> page.evaluate(
                        "(document.querySelector('tr.server[data-server=" + js(address).replace("'", "\"")
                                + "]') || {dataset: {}}).dataset.health").asText().equals("unhealthy"));
                assertThat(page.evaluate("window.nlb4jMarker").asText()).as("the same page: no reload")
                        .isEqualTo("loaded once");
                assertThat(page.evaluate("document.querySelectorAll('tr.server[data-health=\"healthy\"]').length")
                        .asInt()).isEqualTo(expected.size() - 1);
                page.screenshot(Path.of("target", "status-page-unhealthy.png"));
                assertThat(Files.size(Path.of("target", "status-page-unhealthy.png"))).isGreaterThan(10_000);
            }
        } finally {
            servers.forEach(EchoServer::close);
        }
    }
}
