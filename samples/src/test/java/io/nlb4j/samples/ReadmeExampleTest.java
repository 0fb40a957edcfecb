package io.nlb4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.InstanceLaunchers;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.PortRange;
import io.nlb4j.model.Protocol;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.ServerGroup;
import io.nlb4j.model.SpecValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the README's examples compiled, run and true. */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SELF = Path.of("src", "test", "java", "io", "nlb4j", "samples",
            "ReadmeExampleTest.java");

    /** The README's Java example, verbatim between the markers. */
    static LoadBalancerSpec readmeExample() throws Exception {
        // README example begin
        // 1. Plan the network: backends must be in the load balancer's region and VPC.
        // 2. The instance template: what one backend instance is and how it starts.
        InstanceTemplate template = InstanceTemplate.builder("web-template")
                .launcher(InstanceLaunchers.inProcess(ctx -> EchoServer.start(ctx.host(), ctx.port())))
                .port(0)                                        // 0: each instance picks a free port
                .build();
        // 3. The availability group: placement, template and capacity (min, desired, max).
        AvailabilityGroup group = AvailabilityGroup.builder("web-ag")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .template(template)
                .capacity(2, 3, 10)
                .build();
        // 4.-8. The load balancer, its TCP listener, backend service and health check, and the group.
        LoadBalancerSpec spec = LoadBalancerSpec.builder("web-lb")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .securityGroup(SecurityGroup.of("web-sg",
                        InboundRule.allow("127.0.0.0/8"),
                        InboundRule.allow("10.0.0.0/8").ports(PortRange.of(8080))))
                .listener(Listener.tcp(0)                        // 0: an ephemeral port; 8080 in production
                        .idleTimeout(Duration.ofMinutes(30))
                        .backendService(BackendService.builder("web")
                                .protocol(Protocol.TCP)
                                .port(9000)
                                .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                                .sessionPersistence(Duration.ofMinutes(24))
                                .connectionDraining(Duration.ofSeconds(300))
                                .healthCheck(HealthCheck.tcp()
                                        .interval(Duration.ofSeconds(5))
                                        .timeout(Duration.ofSeconds(3))
                                        .healthyThreshold(3)
                                        .unhealthyThreshold(3))
                                .servers(ServerGroup.availabilityGroup(group))))
                .build();                                       // validates everything, reports every violation
        // 9. Start it: real connections flow through the listener to the group's instances.
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec,
                LoadBalancerOptions.defaults().bindAddress("127.0.0.1"))) {
            InetSocketAddress address = lb.listener(0).boundAddress();  // the ephemeral port chosen at start
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                System.out.println(new String(client.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
            }
            lb.availabilityGroup("web-ag").setDesiredCapacity(4).block();  // scale out to four instances
        }                                                       // stop: drain, deregister, terminate instances
        // README example end
        return spec;
    }

    @Test
    void readmeJavaExampleIsThisTestsCode() throws IOException {
        assertThat(block(Files.readString(README), "example", "java"))
                .isEqualTo(dedent(between(Files.readString(SELF), "// README example begin\n",
                        "        // README example end")));
    }

    @Test
    void readmeJavaExampleRuns() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        LoadBalancerSpec spec;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            spec = readmeExample();
        } finally {
            System.setOut(original);
        }
        // "hello" can only come back from an instance of the group, through the listener.
        assertThat(printed.toString(StandardCharsets.UTF_8).trim()).isEqualTo("hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("nlb4j-web-lb")));
        assertThat(spec.violations()).isEmpty();
        assertThat(spec.listeners()).hasSize(1);
        BackendService web = spec.listeners().get(0).backendService();
        assertThat(web.scheduling()).isEqualTo(Scheduling.WEIGHTED_LEAST_CONNECTIONS);
        assertThat(web.sessionPersistence().timeout()).isEqualTo(Duration.ofMinutes(24));
        assertThat(web.servers().availabilityGroup().orElseThrow().capacity().desired()).isEqualTo(3);
    }

    @Test
    void readmeYamlIsTheSameLoadBalancer() throws Exception {
        LoadBalancerSpec fromYaml = SpecFiles.read(block(Files.readString(README), "yaml", "yaml"),
                ConfigFormat.YAML, "README.md");
        InstanceLauncher yamlLauncher = InstanceLaunchers.inProcess(EchoServerFactory.class);
        assertThat(fromYaml).isEqualTo(withLauncher(readmeExample(), yamlLauncher));
        assertThat(fromYaml).isNotEqualTo(readmeExample()); // only the launcher differs, as the text says
    }

    /** The spec with its (single) availability group's launcher replaced. */
    private static LoadBalancerSpec withLauncher(LoadBalancerSpec spec, InstanceLauncher launcher) {
        Listener l = spec.listeners().get(0);
        BackendService s = l.backendService();
        AvailabilityGroup g = s.servers().availabilityGroup().orElseThrow();
        InstanceTemplate t = g.template();
        AvailabilityGroup g2 = new AvailabilityGroup(g.name(), g.placement(),
                new InstanceTemplate(t.name(), launcher, t.port(), t.labels()), g.capacity());
        BackendService s2 = new BackendService(s.name(), s.protocol(), s.port(), s.scheduling(),
                s.sessionPersistence(), s.connectionDraining(), s.healthCheck(), ServerGroup.availabilityGroup(g2));
        Listener l2 = new Listener(l.protocol(), l.port(), l.idleTimeout(), l.maxConnections(), s2);
        return new LoadBalancerSpec(spec.name(), spec.placement(), spec.securityGroups(), List.of(l2));
    }

    @Test
    void readmeErrorExampleIsWhatValidationSays() throws IOException {
        String expected = block(Files.readString(README), "errors", "text");
        assertThatThrownBy(() -> LoadBalancerSpec.builder("web-lb")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(5)))
                        .servers(ServerGroup.availabilityGroup(AvailabilityGroup.builder("web-ag")
                                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-c")
                                .template(InstanceTemplate.builder("web-template")
                                        .launcher(InstanceLaunchers.inProcess(EchoServerFactory.class)).build())
                                .build()))))
                .build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage(expected.replace("\n", System.lineSeparator()));
    }

    private static String block(String readme, String marker, String language) {
        String section = between(readme, "<!-- " + marker + ":begin -->\n", "<!-- " + marker + ":end -->");
        return between(section, "```" + language + "\n", "```").stripTrailing();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("marker %s", start.trim()).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("marker %s", end.trim()).isNotNegative();
        return text.substring(from + start.length(), to);
    }

    private static String dedent(String code) {
        List<String> lines = Arrays.asList(code.stripTrailing().split("\n"));
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
