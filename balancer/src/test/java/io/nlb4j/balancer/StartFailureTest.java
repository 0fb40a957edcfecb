package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.listeningPorts;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static io.nlb4j.balancer.Fixtures.threadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A listener port that is already in use fails the start with a clear message and leaves nothing running. */
class StartFailureTest {

    @Test
    void aTakenPortFailsTheStartNamingTheListenerAndThePort() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LoadBalancerSpec spec = specBuilder("taken")
                    .listener(Listener.tcp(port).backendService(service("web", a)))
                    .build();
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(spec, options()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessageContaining("listeners[0].port: " + port);
            await().untilAsserted(() -> assertThat(threadsOf("taken")).isEmpty());
        }
    }

    @Test
    void aFailedSecondListenerLeavesNoThreadAndNoBoundPortBehind() throws Exception {
        Set<Integer> before = listeningPorts();
        try (TestBackend a = TestBackend.echo("a");
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LoadBalancerSpec spec = specBuilder("halfbound")
                    .listener(Listener.tcp(0).backendService(service("first", a)))
                    .listener(Listener.tcp(port).backendService(service("second", a)))
                    .build();

            // Sanity check of the detection below: a running load balancer's ephemeral port is seen.
            if (before != null) {
                try (RunningLoadBalancer ok = NetworkLoadBalancer.startNow(specBuilder("probe")
                        .listener(Listener.tcp(0).backendService(service("web", a))).build(), options())) {
                    assertThat(listeningPorts()).contains(ok.listener(0).boundAddress().getPort());
                }
            }

            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(spec, options()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessageContaining("listeners[1].port: " + port)
                    .hasMessageContaining("127.0.0.1");
            StepVerifier.create(NetworkLoadBalancer.start(spec, options()))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(LoadBalancerStartException.class)
                            .hasMessageContaining("listeners[1].port: " + port))
                    .verify(Duration.ofSeconds(10));

            await().untilAsserted(() -> assertThat(threadsOf("halfbound")).as("threads left running").isEmpty());
            if (before != null) {
                // The first listener's ephemeral port was bound, then released: no port of ours is left
                // listening beyond those before the test, the backend's and the taken one.
                await().untilAsserted(() -> assertThat(listeningPorts())
                        .as("ports this process listens on")
                        .isSubsetOf(union(before, a.port(), port)));
            }
            assertThat(taken.isBound()).isTrue();
        }
    }

    @Test
    void aBindAddressThatDoesNotResolveFailsTheStartNamingIt() throws Exception {
        try (TestBackend a = TestBackend.echo("a")) {
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(specBuilder("badbind")
                    .listener(Listener.tcp(0).backendService(service("web", a))).build(),
                    Fixtures.optionsBuilder().bindAddress("[::1").build()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessage("bindAddress: \"[::1\" (expected: an IP address or host name of this host; it does not"
                            + " resolve)");
            await().untilAsserted(() -> assertThat(threadsOf("badbind")).isEmpty());
        }
    }

    private static Set<Integer> union(Set<Integer> set, int... more) {
        Set<Integer> out = new HashSet<>(set);
        for (int m : more) {
            out.add(m);
        }
        return out;
    }
}
