package io.nlb4j.samples.testing;

import static io.nlb4j.junit5.assertions.Nlb4jAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.junit5.LoadBalancerExtension;
import io.nlb4j.junit5.TestServer;
import io.nlb4j.junit5.TestServerFleet;
import io.nlb4j.junit5.TestServers;
import io.nlb4j.junit5.WhoAmIServer;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// readme:testing-sample:start
/**
 * What a user of nlb4j tests with it: a client's retry logic against faults, and a scale-in of an availability
 * group under traffic. Three who-am-I servers are the group's instances, behind a load balancer this class starts
 * once; the client under test is {@link RetryingClient}.
 */
class TestingWithNlb4jTest {

    static final TestServerFleet<WhoAmIServer> WEB = TestServers.whoAmIFleet();

    @RegisterExtension
    static final LoadBalancerExtension lb = LoadBalancerExtension.of(spec -> spec
            .listener(Listener.tcp(0).name("front").backendService(BackendService.builder("web")
                    .connectionDraining(Duration.ofSeconds(2))
                    .healthCheck(HealthCheck.http(TestServer.HEALTH_PATH).interval(Duration.ofMillis(100))
                            .timeout(Duration.ofMillis(80)).healthyThreshold(1).unhealthyThreshold(2))
                    .availabilityGroup(AvailabilityGroup.builder("web-ag").region(LoadBalancerExtension.REGION)
                            .vpc(LoadBalancerExtension.VPC).zones(LoadBalancerExtension.ZONE)
                            .template(InstanceTemplate.builder("web").launcher(WEB.launcher()).port(0))
                            .capacity(1, 3, 3)))));

    @AfterAll
    static void closeServers() {
        WEB.close();
    }

    @Test
    void theClientRetriesThroughResets() throws IOException {
        // Half of the new connections are reset as soon as they are made (the same half on every run).
        lb.fault(Fault.resetPeer(Duration.ZERO).toxicity(0.5, 42));
        RetryingClient client = new RetryingClient(lb.address(), 10, Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            assertThat(client.ask("who?")).startsWith("web-ag-");
        }
        assertThat(client.retries()).as("retries that the resets caused").isPositive();
    }

    @Test
    void theClientGivesUpOnAServiceSlowerThanItsTimeout() throws IOException {
        lb.fault(Fault.latency(Duration.ofMillis(500), Duration.ZERO));
        RetryingClient impatient = new RetryingClient(lb.address(), 2, Duration.ofMillis(200));
        assertThatThrownBy(() -> impatient.ask("who?")).isInstanceOf(IOException.class)
                .hasMessage("no answer after 2 attempts");
        RetryingClient patient = new RetryingClient(lb.address(), 2, Duration.ofSeconds(3));
        assertThat(patient.ask("who?")).startsWith("web-ag-");
    }

    @Test
    void aScaleInUnderTrafficDrainsTheInstancesWithoutAFailedRequest() throws Exception {
        lb.loadBalancer().availabilityGroup("web-ag").awaitServing(3).block(Duration.ofSeconds(30));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            RetryingClient once = new RetryingClient(lb.address(), 1, Duration.ofSeconds(5));
            for (int i = 0; i < 5_000 && running.get(); i++) {
                try {
                    once.ask("who?");
                } catch (IOException e) {
                    failures.add(e);
                }
            }
        }, "traffic");
        traffic.start();

        lb.loadBalancer().availabilityGroup("web-ag").setDesiredCapacity(1).block(Duration.ofSeconds(10));
        assertThat(lb.events()).hasEvent(LoadBalancerEvent.ServerDraining.class, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lb.backendService("web")).hasServers(1).hasServersServingTraffic(1));
        running.set(false);
        traffic.join(10_000);
        assertThat(failures).as("requests that failed during the scale-in").isEmpty();
        assertThat(lb.events().ofType(LoadBalancerEvent.ServerRemoved.class)).hasSize(2);
    }
}
// readme:testing-sample:end
