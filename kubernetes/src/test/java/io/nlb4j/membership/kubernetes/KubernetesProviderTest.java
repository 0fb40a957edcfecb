package io.nlb4j.membership.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.junit5.EchoServer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** The kubernetes provider against fabric8's mock API server in CRUD mode: EndpointSlice changes are followed. */
class KubernetesProviderTest {

    private KubernetesMockServer api;
    private NamespacedKubernetesClient client;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startApiServer() throws IOException {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + api.getPort()).withNamespace("shop").build()).build()
                .adapt(NamespacedKubernetesClient.class);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        client.close();
        api.destroy();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closing.add(0, c);
        return c;
    }

    /** A slice of Service {@code web}, its endpoints each {@code ADDRESS=ready|terminating|notready}. */
    private static EndpointSlice slice(String name, String portName, int port, Map<String, String> endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace("shop")
                .addToLabels(KubernetesMembershipProvider.SERVICE_NAME_LABEL, "web").endMetadata()
                .withAddressType("IPv4").addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort();
        endpoints.forEach((address, condition) -> b.addNewEndpoint().withAddresses(address).withNewConditions()
                .withReady(condition.equals("ready")).withServing(!condition.equals("notready"))
                .withTerminating(condition.equals("terminating")).endConditions().endEndpoint());
        return b.build();
    }

    private void apply(EndpointSlice slice) {
        client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice).createOr(e -> e.update());
    }

    private RunningLoadBalancer start(Map<String, String> properties, Duration draining) {
        return closing(NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("k8s-lb").region("local").vpc("lo")
                .zones("z1").listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.none(OutlierDetection.off())).connectionDraining(draining)
                        .provider("kubernetes", properties)))
                .build(), LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1)
                .membershipProvider(new KubernetesMembershipProviderFactory(client)).build()));
    }

    private static Map<InetSocketAddress, ServerStats.State> servers(RunningLoadBalancer lb) {
        return lb.backendService("web").servers().stream()
                .collect(Collectors.toMap(ServerStats::address, ServerStats::state));
    }

    private static Socket connect(RunningLoadBalancer lb) throws IOException {
        Socket s = new Socket();
        s.connect(lb.listener(0).boundAddress(), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String echo(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] got = s.getInputStream().readNBytes(text.length());
        return new String(got, StandardCharsets.UTF_8);
    }

    @Test
    void readyEndpointsServeTerminatingOnesDrainAndNotReadyOnesGetNothing() throws Exception {
        EchoServer a = closing(new EchoServer("a"));
        EchoServer b = closing(new EchoServer("b"));
        EchoServer c = closing(new EchoServer("c"));
        apply(slice("web-a", "http", a.port(), Map.of("127.0.0.1", "ready")));
        apply(slice("web-b", "http", b.port(), Map.of("127.0.0.1", "ready")));
        apply(slice("web-c", "http", c.port(), Map.of("127.0.0.1", "notready")));
        // Another Service's slice in the namespace is not this one's.
        apply(new EndpointSliceBuilder(slice("other-x", "http", 9, Map.of("127.0.0.1", "ready")))
                .editMetadata().addToLabels(KubernetesMembershipProvider.SERVICE_NAME_LABEL, "other").endMetadata()
                .build());

        RunningLoadBalancer lb = start(Map.of("namespace", "shop", "service", "web", "port", "http"),
                Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).equals(Map.of(
                a.address(), ServerStats.State.IN_SERVICE, b.address(), ServerStats.State.IN_SERVICE)));

        // A connection that lands on b, held open.
        Socket onB = null;
        for (int i = 0; i < 10 && onB == null; i++) {
            Socket s = closing(connect(lb));
            assertThat(echo(s, "hello")).isEqualTo("hello");
            if (b.openConnections() == 1) {
                onB = s;
            } else {
                s.close();
            }
        }
        assertThat(onB).as("a connection on b").isNotNull();

        // b's pod is terminating: still serving, no longer ready. It drains: its connection goes on, new ones go to a.
        apply(slice("web-b", "http", b.port(), Map.of("127.0.0.1", "terminating")));
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).get(b.address()) == ServerStats.State.DRAINING);
        long bConnections = b.connections();
        for (int i = 0; i < 4; i++) {
            try (Socket s = connect(lb)) {
                assertThat(echo(s, "new " + i)).isEqualTo("new " + i);
            }
        }
        assertThat(b.connections()).isEqualTo(bConnections);
        assertThat(echo(onB, "still there")).isEqualTo("still there");
        assertThat(c.connections()).isZero();

        // c becomes ready: it serves.
        apply(slice("web-c", "http", c.port(), Map.of("127.0.0.1", "ready")));
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).get(c.address())
                == ServerStats.State.IN_SERVICE);
        onB.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !servers(lb).containsKey(b.address()));
    }

    @Test
    void portsByNumberDeletedSlicesAndAnUnreachableApiServerKeepsTheLastView() throws Exception {
        apply(slice("web-1", "", 8080, Map.of("10.0.0.1", "ready", "10.0.0.2", "ready")));
        apply(slice("web-2", "", 8080, Map.of("10.0.0.3", "ready")));
        RunningLoadBalancer lb = start(Map.of("namespace", "shop", "service", "web", "port", "8080"), Duration.ZERO);
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        Disposable sub = lb.events().subscribe(events::add);
        InetSocketAddress one = new InetSocketAddress("10.0.0.1", 8080);
        InetSocketAddress two = new InetSocketAddress("10.0.0.2", 8080);
        InetSocketAddress three = new InetSocketAddress("10.0.0.3", 8080);
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).keySet().equals(Set.of(one, two, three)));

        client.discovery().v1().endpointSlices().inNamespace("shop").withName("web-2").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> servers(lb).keySet().equals(Set.of(one, two)));

        // The API server goes away: the last view stands, and the loss is reported.
        api.destroy();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e ->
                e instanceof LoadBalancerEvent.MembershipProblem p && p.provider().equals("kubernetes")
                        && p.problem().startsWith("kubernetes shop/web port 8080: ")
                        && p.problem().endsWith("(unreachable, or the watch failed); the last 2 servers are kept")));
        assertThat(servers(lb).keySet()).containsExactlyInAnyOrder(one, two);
        sub.dispose();
    }

    @Test
    void aPortNoSliceHasIsReported() {
        RunningLoadBalancer lb = start(Map.of("namespace", "shop", "service", "web", "port", "grpc"), Duration.ZERO);
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        Disposable sub = lb.events().subscribe(events::add);
        apply(slice("web-1", "http", 8080, Map.of("10.0.0.1", "ready")));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e ->
                e instanceof LoadBalancerEvent.MembershipProblem p && p.problem().equals(
                        "kubernetes shop/web port grpc: no endpoint port is named grpc (the slices have [http=8080])")));
        assertThat(servers(lb)).isEmpty();
        sub.dispose();
    }

    @Test
    void anApiServerThatCannotBeReachedFailsTheStart() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        KubernetesClient nowhere = closing(new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0).build())
                .build());
        assertThatThrownBy(() -> new KubernetesMembershipProvider(nowhere, false, "shop", "web", "http",
                Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("service: shop/web: its EndpointSlices cannot be listed from http://127.0.0.1:"
                        + closedPort + "/ (no list within 2 s; last: ")
                .hasMessageContaining("onnect");
    }

    @Test
    void badPropertiesAreNamed() {
        KubernetesMembershipProviderFactory f = new KubernetesMembershipProviderFactory();
        assertThat(f.check(Map.of("service", "web", "port", "http"))).isEmpty();
        assertThat(f.check(Map.of("service", "web", "port", "8080", "namespace", "shop"))).isEmpty();
        assertThat(f.check(Map.of("namespace", "Shop", "service", "web_1", "port", "0", "ns", "x")))
                .containsExactly("ns: unknown (expected: one of [namespace, service, port])",
                        "namespace: \"Shop\" (expected: a namespace's name, lower-case letters, digits and '-', at"
                                + " most 63 characters)",
                        "service: \"web_1\" (expected: the Service's name, lower-case letters, digits and '-', at"
                                + " most 63 characters)",
                        "port: \"0\" (expected: the Service port's name, such as http, or the endpoints' port"
                                + " number, 1-65535)");
        assertThat(f.check(Map.of())).containsExactly("service: missing (expected: the Service's name, lower-case"
                        + " letters, digits and '-', at most 63 characters)",
                "port: missing (expected: the Service port's name, such as http, or the endpoints' port number,"
                        + " 1-65535)");
    }
}
