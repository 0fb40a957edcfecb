package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.threadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.group.AvailabilityGroups;
import io.nlb4j.group.GroupMembership;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The promises a new user relies on: a server added is serving when its Mono completes, a started load balancer
 * serves its first connection, a group that cannot launch fails the start, health can be awaited, listeners are
 * found without ambiguity, and calls after stop say so.
 */
class PromisesTest {

    private static HealthCheck.Http.Builder fastHttp() {
        return HealthCheck.http("/health").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(80))
                .healthyThreshold(1).unhealthyThreshold(3).outlierDetection(OutlierDetection.off());
    }

    private static LoadBalancerSpec web(HealthCheck.Builder<?> check, StaticServer... servers) {
        return Fixtures.spec("promises", Listener.tcp(0).backendService(BackendService.builder("web")
                .healthCheck(check).connectionDraining(Duration.ofSeconds(1)).staticServers(servers)));
    }

    private static String hello(RunningListener listener) throws IOException {
        try (Socket s = connect(listener)) {
            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            return readLine(s);
        }
    }

    @Test
    void addServerCompletesOnlyOnceTheServerTakesConnections() throws Exception {
        try (HealthServer a = new HealthServer("a"); HealthServer b = new HealthServer("b");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(web(fastHttp(), a.staticServer()), options())) {
            RunningBackendService service = lb.backendService("web");
            // b's first two probes fail: below the unhealthy threshold of 3 it is pending, not healthy, for a few
            // hundred milliseconds, then its third probe passes.
            b.failFirst.set(2);
            service.addServer(b.backend.address(), 1).block(Duration.ofSeconds(10));

            assertThat(b.probes.get()).as("probes of b before addServer completed").isGreaterThanOrEqualTo(3);
            assertThat(Fixtures.statsOf(service, b.backend).servesTraffic()).isTrue();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                names.add(hello(lb.listener(0)));
            }
            assertThat(names).as("the next connections, round robin over both").containsExactlyInAnyOrder(
                    "a", "a", "b", "b");
        }
    }

    @Test
    void addServerFailsSayingWhyWhenTheServersChecksFindItUnhealthy() throws Exception {
        int refusing;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusing = probe.getLocalPort();
        }
        InetSocketAddress dead = new InetSocketAddress("127.0.0.1", refusing);
        try (HealthServer a = new HealthServer("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(web(fastHttp(), a.staticServer()), options())) {
            RunningBackendService service = lb.backendService("web");
            assertThatThrownBy(() -> service.addServer(dead, 1).block(Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("server 127.0.0.1:" + refusing + " of backend service \"web\" does not take"
                            + " connections: its health checks find it unhealthy (refused)");
            // It stays in the service, checked, and would take connections once healthy.
            assertThat(service.servers()).filteredOn(s -> s.address().equals(dead)).singleElement()
                    .satisfies(s -> assertThat(s.health()).isEqualTo(HealthStatus.UNHEALTHY));
        }
    }

    @Test
    void aStartWhoseFirstProbeTimesOutWaitsForTheRealOutcomeAndServesTheFirstConnection() throws Exception {
        try (HealthServer a = new HealthServer("a")) {
            a.probeDelay.set(Duration.ofMillis(200)); // slower than the 100 ms timeout, as in a cold JVM
            HealthCheck.Http.Builder check = HealthCheck.http("/health").interval(Duration.ofMillis(300))
                    .timeout(Duration.ofMillis(100)).healthyThreshold(1).unhealthyThreshold(3);
            CompletableFuture<RunningLoadBalancer> starting = NetworkLoadBalancer.start(web(check, a.staticServer()),
                    options()).toFuture();
            await().until(() -> a.probes.get() >= 1);
            a.probeDelay.set(Duration.ZERO); // warm now: the next probe passes
            try (RunningLoadBalancer lb = starting.get(10, TimeUnit.SECONDS)) {
                assertThat(a.probes.get()).as("probes before the start completed").isGreaterThanOrEqualTo(2);
                assertThat(hello(lb.listener(0))).as("the very first connection").isEqualTo("a");
            }
        }
    }

    @Test
    void aStartWhoseServersNeverPassFailsNamingThemAndWhy() throws Exception {
        try (HealthServer a = new HealthServer("a")) {
            a.probeDelay.set(Duration.ofMillis(200));
            HealthCheck.Http.Builder check = HealthCheck.http("/health").interval(Duration.ofMillis(150))
                    .timeout(Duration.ofMillis(100)).healthyThreshold(1).unhealthyThreshold(2);
            assertThatThrownBy(() -> NetworkLoadBalancer.startNow(web(check, a.staticServer()), options()))
                    .isInstanceOf(LoadBalancerStartException.class)
                    .hasMessageStartingWith("backend service \"web\": no server is healthy after its first health"
                            + " checks: 127.0.0.1:" + a.backend.port() + " unhealthy (timeout)");
            await().untilAsserted(() -> assertThat(threadsOf("promises")).isEmpty());
        }
    }

    @Test
    void aGroupThatCannotLaunchFailsTheStartWithTheLaunchErrors() {
        AvailabilityGroup group = AvailabilityGroup.builder("broken").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("t").port(0).launcher(InstanceLauncher.inProcess(ctx -> {
                    throw new IOException("no binary for " + ctx.instanceId());
                })))
                .capacity(2, 2, 2).build();
        LoadBalancerSpec spec = Fixtures.spec("nogroup", Listener.tcp(0).backendService(BackendService.builder("web")
                .healthCheck(HealthCheck.none()).availabilityGroup(group)));
        assertThatThrownBy(() -> NetworkLoadBalancer.startNow(spec, options()))
                .isInstanceOf(LoadBalancerStartException.class)
                .hasMessageStartingWith("listeners[0].backendService.servers.availabilityGroup: availability group"
                        + " \"broken\" could not start: 0 of its minimum 2 instances in service; 2 of 2 launches"
                        + " failed: no binary for broken-1; no binary for broken-2");
        await().untilAsserted(() -> assertThat(threadsOf("nogroup")).isEmpty());
    }

    @Test
    void groupInstancesCarryTheLoadBalancersHealthAndCanBeAwaited() throws Exception {
        AvailabilityGroup group = AvailabilityGroup.builder("echoes").region("local").vpc("lo").zones("z1", "z2")
                .template(InstanceTemplate.builder("t").port(0).launcher(Fixtures.echoInstances()))
                .capacity(1, 2, 4).build();
        LoadBalancerSpec spec = Fixtures.specBuilder("awaiting").zones("z1", "z2")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50))
                                .healthyThreshold(1).unhealthyThreshold(2))
                        .availabilityGroup(group)))
                .build();
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, options())) {
            RunningAvailabilityGroup g = lb.availabilityGroup("echoes");
            assertThat(g.instances()).hasSize(2).allSatisfy(i -> assertThat(i.health()).isEqualTo(HealthStatus.HEALTHY));
            g.setDesiredCapacity(4).block(Duration.ofSeconds(5));
            List<InstanceInfo> serving = g.awaitServing(4).block(Duration.ofSeconds(10));
            assertThat(serving).hasSize(4).allMatch(InstanceInfo::servesTraffic);
            for (InstanceInfo i : serving) {
                assertThat(lb.backendService("web").awaitServing(i.address().orElseThrow())
                        .block(Duration.ofSeconds(5)).servesTraffic()).isTrue();
            }
        }
    }

    @Test
    void listenersAreFoundByNameAndAnAmbiguousPortIsRefusedNamingThem() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(Fixtures.specBuilder("two")
                     .listener(Listener.tcp(0).name("first").backendService(Fixtures.service("web", a)))
                     .listener(Listener.tcp(0).name("second").backendService(Fixtures.service("web", a)))
                     .build(), options())) {
            assertThatThrownBy(() -> lb.listener(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("listener: 0 (expected: a port that identifies one listener; listeners[0] and"
                            + " listeners[1] are all on port 0: give them names and use listener(String), or use"
                            + " listeners().get(index))");
            assertThat(lb.listener("first").boundAddress()).isNotEqualTo(lb.listener("second").boundAddress());
            assertThat(lb.listener("second").id().index()).isEqualTo(1);
            assertThatThrownBy(() -> lb.listener("third")).hasMessage("listener: \"third\" (expected: a listener"
                    + " name, one of [first, second])");
            String huge = "x".repeat(100_000);
            assertThatThrownBy(() -> lb.listener(huge)).hasMessage("listener: \"" + "x".repeat(64)
                    + "\"…(100000 characters) (expected: a listener name, one of [first, second])");
            assertThatThrownBy(() -> lb.backendService("a\nb")).hasMessageStartingWith("backend service: \"a\\nb\"");
            assertThatThrownBy(() -> lb.listener(8080)).hasMessage("listener: 8080 (expected: a configured port,"
                    + " one of [0, 0])");
        }
    }

    @Test
    void serversOfAServiceFedByAGroupCannotBeChangedByHand() throws Exception {
        AvailabilityGroup group = AvailabilityGroup.builder("fed").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("t").port(0).launcher(Fixtures.echoInstances())).build();
        try (TestBackend other = TestBackend.echo("other");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(Fixtures.spec("fed",
                Listener.tcp(0).backendService(BackendService.builder("web").healthCheck(HealthCheck.none())
                        .availabilityGroup(group))), options())) {
            String expected = "backend service \"web\" takes its servers from availability group \"fed\"; they cannot"
                    + " be changed by hand (expected: a backend service with a static server list)";
            RunningBackendService web = lb.backendService("web");
            assertThatThrownBy(() -> web.addServer(other.address(), 1).block()).isInstanceOf(IllegalStateException.class)
                    .hasMessage(expected);
            InetSocketAddress instance = web.servers().get(0).address();
            assertThatThrownBy(() -> web.removeServer(instance).block()).hasMessage(expected);
            assertThatThrownBy(() -> web.setWeight(instance, 5).block()).hasMessage(expected);
            assertThat(web.servers()).extracting(ServerStats::address).containsExactly(instance);
        }
    }

    @Test
    void callsAfterStopSayTheLoadBalancerIsStopped() throws Exception {
        RunningLoadBalancer lb;
        try (TestBackend a = TestBackend.echo("a")) {
            lb = NetworkLoadBalancer.startNow(Fixtures.spec("stopped", Listener.tcp(0)
                    .backendService(Fixtures.service("web", a))), options());
            lb.close();
            assertThat(lb.isDisposed()).isTrue();
            RunningBackendService web = lb.backendService("web");
            String stopped = "load balancer \"stopped\" is stopped (expected: a running load balancer)";
            assertThatThrownBy(() -> web.addServer(a.address(), 1).block()).isInstanceOf(IllegalStateException.class)
                    .hasMessage(stopped);
            assertThatThrownBy(() -> web.removeServer(a.address()).block()).hasMessage(stopped);
            assertThatThrownBy(() -> web.awaitServing(a.address()).block()).hasMessage(stopped);
            // and stopping again is a no-op that completes at once
            lb.stop(Duration.ZERO).block(Duration.ofSeconds(1));
        }
    }

    @Test
    void callsAfterStopOnAGroupSayTheSameWithTheGroupsName() throws Exception {
        AvailabilityGroup group = AvailabilityGroup.builder("after").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("t").port(0).launcher(Fixtures.echoInstances())).capacity(1, 1, 3).build();
        RunningLoadBalancer lb = NetworkLoadBalancer.startNow(Fixtures.specBuilder("stopped-ag")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web").healthCheck(HealthCheck.none())
                        .availabilityGroup(group)))
                .build(), options());
        RunningAvailabilityGroup g = lb.availabilityGroup("after");
        lb.close();
        String stopped = "availability group \"after\" is stopped (expected: a running availability group)";
        assertThatThrownBy(() -> g.setDesiredCapacity(2).block()).isInstanceOf(IllegalStateException.class)
                .hasMessage(stopped);
        assertThatThrownBy(() -> g.awaitServing(1).block()).isInstanceOf(IllegalStateException.class)
                .hasMessage(stopped);
        assertThatThrownBy(() -> lb.availabilityGroup("after").setCapacity(1, 1, 1).block())
                .isInstanceOf(IllegalStateException.class).hasMessage(stopped);

        AvailabilityGroup aloneSpec = AvailabilityGroup.builder("alone").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("t").port(0).launcher(Fixtures.echoInstances())).capacity(1, 1, 3).build();
        RunningAvailabilityGroup alone = AvailabilityGroups.startNow(aloneSpec, new GroupMembership() {
            @Override
            public void register(InstanceInfo instance) {
            }

            @Override
            public Mono<Void> deregister(InstanceInfo instance) {
                return Mono.empty();
            }
        }, GroupOptions.defaults());
        alone.stop().block(Duration.ofSeconds(10));
        String aloneStopped = "availability group \"alone\" is stopped (expected: a running availability group)";
        assertThatThrownBy(() -> alone.setDesiredCapacity(2).block()).isInstanceOf(IllegalStateException.class)
                .hasMessage(aloneStopped);
        assertThatThrownBy(() -> alone.awaitServing(1).block()).isInstanceOf(IllegalStateException.class)
                .hasMessage(aloneStopped);
        alone.stop().block(Duration.ofSeconds(1)); // stopping again completes at once
    }
}
