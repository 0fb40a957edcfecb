package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.InstanceLaunchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule, one invalid specification per row: each row makes exactly one mistake in an
 * otherwise valid specification and names the one violation expected, by path and by its full text
 * {@code path: value (expected: ...)}.
 */
class InvalidSpecTest {

    private static final String NAME_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final String CIDR_RULE = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32";
    private static final String NL = System.lineSeparator();

    private static final String S = "listeners[0].backendService";
    private static final String HC = S + ".healthCheck";
    private static final String AG = S + ".servers.availabilityGroup";
    private static final String RULE = "securityGroups[0].rules[0]";

    // ---- valid building blocks; each row changes one thing ----

    private static LoadBalancerSpec.Builder lb() {
        return LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b");
    }

    private static BackendService.Builder service() {
        return BackendService.builder("web").port(9000)
                .servers(ServerGroup.staticServers(StaticServer.of("10.0.0.1"), StaticServer.of("10.0.0.2", 9001)));
    }

    private static LoadBalancerSpec with(Listener.Builder listener) {
        return lb().listener(listener).build();
    }

    private static LoadBalancerSpec with(BackendService.Builder service) {
        return with(Listener.tcp(8080).backendService(service));
    }

    private static LoadBalancerSpec with(HealthCheck.Builder check) {
        return with(service().healthCheck(check));
    }

    private static LoadBalancerSpec with(HealthCheck check) {
        return with(service().healthCheck(check));
    }

    private static LoadBalancerSpec with(ServerGroup servers) {
        return with(service().servers(servers));
    }

    private static LoadBalancerSpec withServer(StaticServer server) {
        return with(ServerGroup.staticServers(server));
    }

    private static LoadBalancerSpec withRule(InboundRule rule) {
        return lb().securityGroup(SecurityGroup.of("office", rule))
                .listener(Listener.tcp(8080).backendService(service())).build();
    }

    private static LoadBalancerSpec withGroup(AvailabilityGroup group) {
        return with(ServerGroup.availabilityGroup(group));
    }

    private static InstanceLauncher inProcess() {
        return InstanceLaunchers.inProcess(Specs.NoopFactory.class);
    }

    private static InstanceTemplate template(InstanceLauncher launcher) {
        return new InstanceTemplate("web-template", launcher, Optional.of(9100), Map.of());
    }

    private static AvailabilityGroup group(Placement placement, InstanceTemplate template, Capacity capacity) {
        return new AvailabilityGroup("web-ag", placement, template, capacity);
    }

    private static AvailabilityGroup group(Placement placement) {
        return group(placement, template(inProcess()), Capacity.of(1, 2, 3));
    }

    private static AvailabilityGroup group(Capacity capacity) {
        return group(Placement.of("cn-north-1", "vpc-web", "az-a", "az-b"), template(inProcess()), capacity);
    }

    private static AvailabilityGroup group(InstanceTemplate template) {
        return group(Placement.of("cn-north-1", "vpc-web", "az-a"), template, Capacity.of(1, 1, 1));
    }

    private static HealthCheck check(HealthCheck.Type type, String send, String expect) {
        return new HealthCheck(type, null, null, null, null, null, null, null, null,
                Optional.ofNullable(send), Optional.ofNullable(expect));
    }

    private static Arguments bad(String mistake, Supplier<?> build, String path, String message) {
        return Arguments.of(mistake, build, path, message);
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                // names
                bad("blank load balancer name", () -> LoadBalancerSpec.builder("").region("cn-north-1").vpc("vpc-web")
                                .zones("az-a").listener(Listener.tcp(8080).backendService(service())).build(),
                        "name", "name: \"\" (expected: " + NAME_RULE + ")"),
                bad("name with a space", () -> LoadBalancerSpec.builder("web lb").region("cn-north-1").vpc("vpc-web")
                                .zones("az-a").listener(Listener.tcp(8080).backendService(service())).build(),
                        "name", "name: \"web lb\" (expected: " + NAME_RULE + ")"),
                bad("name starting with '-'", () -> with(BackendService.builder("-web").port(9000)
                                .servers(ServerGroup.staticServers(StaticServer.of("10.0.0.1")))),
                        S + ".name", S + ".name: \"-web\" (expected: " + NAME_RULE + ")"),
                bad("name of 65 characters", () -> with(BackendService.builder("w".repeat(65)).port(9000)
                                .servers(ServerGroup.staticServers(StaticServer.of("10.0.0.1")))),
                        S + ".name", S + ".name: \"" + "w".repeat(65) + "\" (expected: " + NAME_RULE + ")"),
                bad("blank security group name", () -> lb().securityGroup(SecurityGroup.of(" ", InboundRule.allow("10.0.0.0/8")))
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "securityGroups[0].name", "securityGroups[0].name: \" \" (expected: " + NAME_RULE + ")"),
                bad("invalid availability group name", () -> withGroup(new AvailabilityGroup("web/ag",
                                Placement.of("cn-north-1", "vpc-web", "az-a"), template(inProcess()), null)),
                        AG + ".name", AG + ".name: \"web/ag\" (expected: " + NAME_RULE + ")"),
                bad("invalid template name", () -> withGroup(group(new InstanceTemplate("web template", inProcess(),
                                Optional.of(9100), Map.of()))),
                        AG + ".template.name", AG + ".template.name: \"web template\" (expected: " + NAME_RULE + ")"),

                // placement
                bad("missing region", () -> LoadBalancerSpec.builder("web-lb").vpc("vpc-web").zones("az-a")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.region", "placement.region: absent (expected: a region name such as cn-north-1)"),
                bad("blank region", () -> LoadBalancerSpec.builder("web-lb").region(" ").vpc("vpc-web").zones("az-a")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.region", "placement.region: \" \" (expected: a region name such as cn-north-1)"),
                bad("missing VPC", () -> LoadBalancerSpec.builder("web-lb").region("cn-north-1").zones("az-a")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.vpc", "placement.vpc: absent (expected: a VPC identifier)"),
                bad("blank subnet", () -> lb().subnet("").listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.subnet", "placement.subnet: \"\" (expected: a subnet identifier)"),
                bad("no zones", () -> LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.zones", "placement.zones: [] (expected: at least one availability zone)"),
                bad("duplicate zone", () -> lb().zones("az-a", "az-b", "az-a")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.zones[2]", "placement.zones[2]: \"az-a\" (expected: a zone listed once)"),
                bad("blank zone", () -> lb().zones("az-a", "")
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "placement.zones[1]", "placement.zones[1]: \"\" (expected: an availability zone name)"),
                bad("availability group in another region",
                        () -> withGroup(group(Placement.of("cn-south-1", "vpc-web", "az-a"))),
                        AG + ".placement.region",
                        AG + ".placement.region: \"cn-south-1\" (expected: the load balancer's region \"cn-north-1\")"),
                bad("availability group in another VPC",
                        () -> withGroup(group(Placement.of("cn-north-1", "vpc-db", "az-a"))),
                        AG + ".placement.vpc",
                        AG + ".placement.vpc: \"vpc-db\" (expected: the load balancer's VPC \"vpc-web\")"),
                bad("availability group in a zone the load balancer does not serve",
                        () -> withGroup(group(Placement.of("cn-north-1", "vpc-web", "az-a", "az-c"))),
                        AG + ".placement.zones[1]", AG + ".placement.zones[1]: \"az-c\" (expected: a zone the load balancer"
                                + " serves [az-a, az-b]; this one is not served by the load balancer)"),
                bad("static server in another VPC", () -> withServer(StaticServer.of("10.0.0.1", 9001)
                                .placement(Placement.of("cn-north-1", "vpc-db", "az-a"))),
                        S + ".servers.static[0].placement.vpc",
                        S + ".servers.static[0].placement.vpc: \"vpc-db\" (expected: the load balancer's VPC \"vpc-web\")"),

                // health check timings and thresholds
                bad("health check timeout above interval", () -> with(HealthCheck.tcp()
                                .interval(Duration.ofSeconds(3)).timeout(Duration.ofSeconds(5))),
                        HC + ".timeout", HC + ".timeout: 5s (expected: less than interval 3s)"),
                bad("health check timeout equal to interval", () -> with(HealthCheck.tcp()
                                .interval(Duration.ofMillis(1500)).timeout(Duration.ofMillis(1500))),
                        HC + ".timeout", HC + ".timeout: 1500ms (expected: less than interval 1500ms)"),
                bad("zero health check interval", () -> with(HealthCheck.tcp().interval(Duration.ZERO)),
                        HC + ".interval", HC + ".interval: 0s (expected: a positive duration)"),
                bad("negative health check timeout", () -> with(HealthCheck.tcp().timeout(Duration.ofSeconds(-1))),
                        HC + ".timeout", HC + ".timeout: -1s (expected: a positive duration)"),
                bad("healthy threshold 0", () -> with(HealthCheck.tcp().healthyThreshold(0)),
                        HC + ".healthyThreshold", HC + ".healthyThreshold: 0 (expected: at least 1)"),
                bad("unhealthy threshold -1", () -> with(HealthCheck.tcp().unhealthyThreshold(-1)),
                        HC + ".unhealthyThreshold", HC + ".unhealthyThreshold: -1 (expected: at least 1)"),
                bad("health check port 0", () -> with(HealthCheck.tcp().port(0)),
                        HC + ".port", HC + ".port: 0 (expected: 1-65535)"),

                // health check kinds
                bad("path on a TCP check", () -> with(HealthCheck.tcp().path("/health")),
                        HC + ".path", HC + ".path: \"/health\" (expected: no path: it applies to HTTP checks only)"),
                bad("host on a TCP check", () -> with(HealthCheck.tcp().host("web.internal")),
                        HC + ".host", HC + ".host: \"web.internal\" (expected: no host: it applies to HTTP checks only)"),
                bad("statuses on a TCP check", () -> with(HealthCheck.tcp().expectedStatuses("200")),
                        HC + ".expectedStatuses",
                        HC + ".expectedStatuses: [\"200\"] (expected: no statuses: they apply to HTTP checks only)"),
                bad("HTTP path without a leading slash", () -> with(HealthCheck.http("health")),
                        HC + ".path", HC + ".path: \"health\" (expected: a path starting with /)"),
                bad("HTTP status 600", () -> with(HealthCheck.http("/").expectedStatuses("600")),
                        HC + ".expectedStatuses[0]",
                        HC + ".expectedStatuses[0]: \"600\" (expected: a status such as 200, 2xx or 200-299)"),
                bad("HTTP status 2x", () -> with(HealthCheck.http("/").expectedStatuses("200", "2x")),
                        HC + ".expectedStatuses[1]",
                        HC + ".expectedStatuses[1]: \"2x\" (expected: a status such as 200, 2xx or 200-299)"),
                bad("HTTP status range backwards", () -> with(HealthCheck.http("/").expectedStatuses("299-200")),
                        HC + ".expectedStatuses[0]", HC + ".expectedStatuses[0]: \"299-200\" (expected: a range whose"
                                + " first status is not above its last, such as 200-299)"),
                bad("send/expect with an empty expect", () -> with(HealthCheck.sendExpect("PING\r\n", "")),
                        HC + ".expect", HC + ".expect: \"\" (expected: a non-empty expected reply prefix)"),
                bad("send/expect without expect", () -> with(check(HealthCheck.Type.SEND_EXPECT, "PING", null)),
                        HC + ".expect", HC + ".expect: absent (expected: a non-empty expected reply prefix)"),
                bad("send/expect without send", () -> with(check(HealthCheck.Type.SEND_EXPECT, null, "+PONG")),
                        HC + ".send", HC + ".send: absent (expected: the text to send, possibly empty)"),
                bad("send on a TCP check", () -> with(check(HealthCheck.Type.TCP, "PING", null)),
                        HC + ".send", HC + ".send: \"PING\" (expected: no send: it applies to SEND_EXPECT checks only)"),
                bad("expect on a TCP check", () -> with(check(HealthCheck.Type.TCP, null, "+OK")),
                        HC + ".expect", HC + ".expect: \"+OK\" (expected: no expect: it applies to SEND_EXPECT and HTTP"
                                + " checks only)"),
                bad("empty expected HTTP body", () -> with(HealthCheck.http("/").expectBody("").unvalidated()),
                        HC + ".expect", HC + ".expect: \"\" (expected: a non-empty text the response body must contain)"),
                bad("outlier detection after 0 failures", () -> with(HealthCheck.tcp().outlierDetection(
                                OutlierDetection.of(0, Duration.ofSeconds(30), 10)).unvalidated()),
                        HC + ".outlierDetection.consecutiveFailures",
                        HC + ".outlierDetection.consecutiveFailures: 0 (expected: at least 1)"),
                bad("outlier ejection share over 100%", () -> with(HealthCheck.none(
                                OutlierDetection.of(5, Duration.ofSeconds(30), 101))),
                        HC + ".outlierDetection.maxEjectionPercent",
                        HC + ".outlierDetection.maxEjectionPercent: 101 (expected: 0-100)"),
                bad("zero base ejection time", () -> with(HealthCheck.none(
                                OutlierDetection.of(5, Duration.ZERO, 10))),
                        HC + ".outlierDetection.baseEjectionTime",
                        HC + ".outlierDetection.baseEjectionTime: 0s (expected: a positive duration)"),
                bad("target tracking with target 0", () -> withGroup(new AvailabilityGroup("web-ag",
                                Placement.of("cn-north-1", "vpc-web", "az-a"), template(inProcess()), Capacity.of(1, 1, 3),
                                Optional.of(TargetTracking.activeConnectionsPerInstance(0)), null)),
                        AG + ".targetTracking.targetConnectionsPerInstance",
                        AG + ".targetTracking.targetConnectionsPerInstance: 0 (expected: at least 1)"),
                bad("zero unhealthy replacement delay", () -> withGroup(new AvailabilityGroup("web-ag",
                                Placement.of("cn-north-1", "vpc-web", "az-a"), template(inProcess()), Capacity.of(1, 1, 3),
                                Optional.empty(), Duration.ZERO)),
                        AG + ".replaceUnhealthyAfter", AG + ".replaceUnhealthyAfter: 0s (expected: a positive duration)"),

                // ports
                bad("listener port -1", () -> with(Listener.tcp(-1).backendService(service())),
                        "listeners[0].port", "listeners[0].port: -1 (expected: 0-65535, 0 for an ephemeral port)"),
                bad("listener port 70000", () -> with(Listener.tcp(70_000).backendService(service())),
                        "listeners[0].port", "listeners[0].port: 70000 (expected: 0-65535, 0 for an ephemeral port)"),
                bad("backend service port 0", () -> with(service().port(0)),
                        S + ".port", S + ".port: 0 (expected: 1-65535)"),
                bad("server port 65536", () -> withServer(StaticServer.of("10.0.0.1", 65_536)),
                        S + ".servers.static[0].port", S + ".servers.static[0].port: 65536 (expected: 1-65535)"),
                bad("template port 70000", () -> withGroup(group(new InstanceTemplate("web-template", inProcess(),
                                Optional.of(70_000), Map.of()))),
                        AG + ".template.port", AG + ".template.port: 70000 (expected: 0-65535, 0 for an ephemeral port"
                                + " chosen by each instance)"),
                bad("two listeners on one port", () -> lb()
                                .listener(Listener.tcp(8080).backendService(service()))
                                .listener(Listener.tcp(8080).backendService(service()))
                                .build(),
                        "listeners[1].port", "listeners[1].port: 8080 (expected: a port not used by listeners[0])"),

                // names that must be unique
                bad("two security groups with one name", () -> lb()
                                .securityGroup(SecurityGroup.of("office", InboundRule.allow("10.0.0.0/8")))
                                .securityGroup(SecurityGroup.of("office", InboundRule.deny("10.1.0.0/16")))
                                .listener(Listener.tcp(8080).backendService(service())).build(),
                        "securityGroups[1].name",
                        "securityGroups[1].name: \"office\" (expected: a name not used by securityGroups[0])"),
                bad("two different backend services with one name", () -> lb()
                                .listener(Listener.tcp(8080).backendService(service()))
                                .listener(Listener.tcp(8081).backendService(service().port(9001)))
                                .build(),
                        "listeners[1].backendService.name", "listeners[1].backendService.name: \"web\" (expected: a name"
                                + " not used by the different backend service at listeners[0].backendService"
                                + " (listeners may share a backend service only if it is identical))"),
                bad("two different availability groups with one name", () -> lb()
                                .listener(Listener.tcp(8080).backendService(service()
                                        .servers(ServerGroup.availabilityGroup(group(Capacity.of(1, 1, 1))))))
                                .listener(Listener.tcp(8081).backendService(BackendService.builder("other").port(9000)
                                        .servers(ServerGroup.availabilityGroup(group(Capacity.of(1, 2, 2))))))
                                .build(),
                        "listeners[1].backendService.servers.availabilityGroup.name",
                        "listeners[1].backendService.servers.availabilityGroup.name: \"web-ag\" (expected: a name not"
                                + " used by the different availability group at " + AG + ")"),
                bad("one server listed twice", () -> with(ServerGroup.staticServers(
                                StaticServer.of("10.0.0.1", 9001), StaticServer.of("10.0.0.1", 9001).weight(3))),
                        S + ".servers.static[1]",
                        S + ".servers.static[1]: \"10.0.0.1:9001\" (expected: a server not listed before (static[0]))"),

                // capacity
                bad("capacity min above max", () -> withGroup(group(Capacity.of(5, 5, 2))),
                        AG + ".capacity", AG + ".capacity: min 5 > max 2 (expected: min <= desired <= max)"),
                bad("capacity desired above max", () -> withGroup(group(Capacity.of(1, 11, 10))),
                        AG + ".capacity.desired", AG + ".capacity.desired: 11 (expected: between min 1 and max 10)"),
                bad("capacity desired below min", () -> withGroup(group(Capacity.of(2, 1, 10))),
                        AG + ".capacity.desired", AG + ".capacity.desired: 1 (expected: between min 2 and max 10)"),
                bad("capacity min -1", () -> withGroup(group(Capacity.of(-1, 0, 1))),
                        AG + ".capacity.min", AG + ".capacity.min: -1 (expected: at least 0)"),
                bad("capacity max 0", () -> withGroup(group(Capacity.of(0, 0, 0))),
                        AG + ".capacity.max", AG + ".capacity.max: 0 (expected: at least 1)"),

                // weights
                bad("weight 0", () -> withServer(StaticServer.of("10.0.0.1").weight(0)),
                        S + ".servers.static[0].weight", S + ".servers.static[0].weight: 0 (expected: 1-100)"),
                bad("weight 101", () -> withServer(StaticServer.of("10.0.0.1").weight(101)),
                        S + ".servers.static[0].weight", S + ".servers.static[0].weight: 101 (expected: 1-100)"),

                // security group rules
                bad("IPv4 prefix /33", () -> withRule(InboundRule.allow("10.0.0.0/33")),
                        RULE + ".source", RULE + ".source: \"10.0.0.0/33\" (expected: " + CIDR_RULE + ")"),
                bad("IPv4 octet 256", () -> withRule(InboundRule.allow("10.0.0.256/8")),
                        RULE + ".source", RULE + ".source: \"10.0.0.256/8\" (expected: " + CIDR_RULE + ")"),
                bad("IPv4 with three octets", () -> withRule(InboundRule.deny("10.0.0/8")),
                        RULE + ".source", RULE + ".source: \"10.0.0/8\" (expected: " + CIDR_RULE + ")"),
                bad("prefix that is not a number", () -> withRule(InboundRule.allow("10.0.0.0/eight")),
                        RULE + ".source", RULE + ".source: \"10.0.0.0/eight\" (expected: " + CIDR_RULE + ")"),
                bad("IPv6 prefix /129", () -> withRule(InboundRule.allow("2001:db8::/129")),
                        RULE + ".source", RULE + ".source: \"2001:db8::/129\" (expected: " + CIDR_RULE + ")"),
                bad("IPv6 with two '::'", () -> withRule(InboundRule.allow("2001::db8::/32")),
                        RULE + ".source", RULE + ".source: \"2001::db8::/32\" (expected: " + CIDR_RULE + ")"),
                bad("host name instead of a CIDR", () -> withRule(InboundRule.allow("office.example.com/24")),
                        RULE + ".source", RULE + ".source: \"office.example.com/24\" (expected: " + CIDR_RULE + ")"),
                bad("missing rule action", () -> withRule(new InboundRule(null, "10.0.0.0/8", null, null)),
                        RULE + ".action", RULE + ".action: absent (expected: ALLOW or DENY)"),
                bad("rule ports backwards", () -> withRule(InboundRule.allow("10.0.0.0/8").ports(PortRange.of(9000, 8000))),
                        RULE + ".ports", RULE + ".ports: 9000-8000 (expected: ports 1-65535, first not above last)"),
                bad("rule priority 0", () -> withRule(InboundRule.allow("10.0.0.0/8").priority(0)),
                        RULE + ".priority", RULE + ".priority: 0 (expected: 1-32767)"),

                // durations and limits
                bad("zero idle timeout", () -> with(Listener.tcp(8080).idleTimeout(Duration.ZERO).backendService(service())),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: 0s (expected: a positive duration)"),
                bad("negative idle timeout", () -> with(Listener.tcp(8080).idleTimeout(Duration.ofMinutes(-5))
                                .backendService(service())),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: -5m (expected: a positive duration)"),
                bad("zero session persistence timeout", () -> with(service().sessionPersistence(Duration.ZERO)),
                        S + ".sessionPersistence.timeout", S + ".sessionPersistence.timeout: 0s (expected: a positive duration)"),
                bad("negative connection draining", () -> with(service().connectionDraining(Duration.ofSeconds(-1))),
                        S + ".connectionDraining",
                        S + ".connectionDraining: -1s (expected: 0s (off) or a positive duration)"),
                bad("max connections 0", () -> with(Listener.tcp(8080).maxConnections(0).backendService(service())),
                        "listeners[0].maxConnections", "listeners[0].maxConnections: 0 (expected: at least 1)"),

                // server groups
                bad("server group with no source", () -> with(new ServerGroup(List.of(), Optional.empty(), Optional.empty())),
                        S + ".servers",
                        S + ".servers: none (expected: exactly one of static, availabilityGroup or provider)"),
                bad("server group with two sources", () -> with(new ServerGroup(List.of(StaticServer.of("10.0.0.1")),
                                Optional.empty(), Optional.of(ProviderSpec.of("file", Map.of("path", "members.txt"))))),
                        S + ".servers", S + ".servers: static and provider (expected: exactly one of static,"
                                + " availabilityGroup or provider)"),
                bad("server without port when the service has none", () -> with(BackendService.builder("web")
                                .servers(ServerGroup.staticServers(StaticServer.of("10.0.0.1", 9001), StaticServer.of("10.0.0.2")))),
                        S + ".servers.static[1].port", S + ".servers.static[1].port: absent (expected: a port, because"
                                + " the backend service sets none (" + S + ".port))"),
                bad("template without port when the service has none", () -> with(BackendService.builder("web")
                                .servers(ServerGroup.availabilityGroup(group(new InstanceTemplate("web-template",
                                        inProcess(), Optional.empty(), Map.of()))))),
                        AG + ".template.port", AG + ".template.port: absent (expected: a port, because the backend"
                                + " service sets none (" + S + ".port))"),
                bad("blank server address", () -> withServer(StaticServer.of(" ", 9001)),
                        S + ".servers.static[0].address",
                        S + ".servers.static[0].address: \" \" (expected: an IP address or host name)"),
                bad("blank provider type", () -> with(ServerGroup.provider(ProviderSpec.of(" ", Map.of()))),
                        S + ".servers.provider.type", S + ".servers.provider.type: \" \" (expected: a membership"
                                + " provider type such as file or zookeeper)"),
                bad("provider type instance without an object", () -> with(ServerGroup.provider(
                                ProviderSpec.of(ProviderSpec.INSTANCE_TYPE, Map.of()))),
                        S + ".servers.provider.type", S + ".servers.provider.type: \"instance\" (expected: a provider"
                                + " type; \"instance\" is only for providers given as objects)"),

                // templates and launchers
                bad("process launcher with an empty command", () -> withGroup(group(template(
                                InstanceLaunchers.process().build()))),
                        AG + ".template.launcher.process.command",
                        AG + ".template.launcher.process.command: [] (expected: a program and its arguments)"),
                bad("process launcher with a blank program", () -> withGroup(group(template(
                                InstanceLaunchers.process("", "--port={port}").build()))),
                        AG + ".template.launcher.process.command", AG + ".template.launcher.process.command:"
                                + " [\"\", \"--port={port}\"] (expected: a program and its arguments)"),
                bad("process launcher with a zero ready timeout", () -> withGroup(group(template(
                                InstanceLaunchers.process("server").readyTimeout(Duration.ZERO).build()))),
                        AG + ".template.launcher.process.readyTimeout",
                        AG + ".template.launcher.process.readyTimeout: 0s (expected: a positive duration)"),
                bad("process launcher with a negative grace period", () -> withGroup(group(template(
                                InstanceLaunchers.process("server").stopGracePeriod(Duration.ofMillis(-1)).build()))),
                        AG + ".template.launcher.process.stopGracePeriod",
                        AG + ".template.launcher.process.stopGracePeriod: -1ms (expected: 0s or a positive duration)"),
                bad("template without launcher", () -> withGroup(group(template(null))),
                        AG + ".template.launcher",
                        AG + ".template.launcher: absent (expected: an instance launcher (inProcess or process))"),
                bad("template with a blank label key", () -> withGroup(group(new InstanceTemplate("web-template",
                                inProcess(), Optional.of(9100), Map.of(" ", "web")))),
                        AG + ".template.labels", AG + ".template.labels: \" \" (expected: non-blank label keys)"),
                bad("availability group without template", () -> withGroup(group(
                                Placement.of("cn-north-1", "vpc-web", "az-a"), null, null)),
                        AG + ".template", AG + ".template: absent (expected: an instance template)"),

                // listeners
                bad("no listeners", () -> lb().build(),
                        "listeners", "listeners: [] (expected: at least one listener)"),
                bad("a null listener", () -> new LoadBalancerSpec("web-lb",
                                Placement.of("cn-north-1", "vpc-web", "az-a"), null, nullList()).validate(),
                        "listeners[0]", "listeners[0]: absent (expected: a listener)"),
                bad("listener without backend service", () -> with(Listener.tcp(8080)),
                        "listeners[0].backendService", "listeners[0].backendService: absent (expected: a backend service)"));
    }

    private static List<Listener> nullList() {
        List<Listener> list = new ArrayList<>();
        list.add(null);
        return list;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidSpecs")
    void reportsTheOneViolationWithItsPathValueAndExpectation(String mistake, Supplier<?> build, String path,
                                                               String message) {
        assertThatThrownBy(build::get)
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).hasSize(1);
                    Violation v = e.violations().get(0);
                    assertThat(v.path()).isEqualTo(path);
                    assertThat(v.toString()).isEqualTo(message);
                    assertThat(e.getMessage()).endsWith(", 1 violation:" + NL + "  " + message);
                });
    }

    @Test
    void theTableHasAtLeastFortyDistinctMistakes() {
        List<Arguments> rows = invalidSpecs().toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
        assertThat(rows.stream().map(a -> a.get()[3])).doesNotHaveDuplicates();
    }

    // ---- the building blocks are valid, and so are the boundaries next to each rule ----

    static Stream<Arguments> validSpecs() {
        return Stream.of(
                Arguments.of("the building blocks", (Supplier<?>) () -> with(service())),
                Arguments.of("the full spec", (Supplier<?>) Specs::full),
                Arguments.of("two listeners on port 0", (Supplier<?>) () -> lb()
                        .listener(Listener.tcp(0).backendService(service()))
                        .listener(Listener.tcp(0).backendService(service())).build()),
                Arguments.of("ports 1 and 65535", (Supplier<?>) () -> lb()
                        .listener(Listener.tcp(1).backendService(service().port(65_535)))
                        .listener(Listener.tcp(65_535).backendService(service().port(65_535))).build()),
                Arguments.of("one backend service shared by two listeners", (Supplier<?>) () -> {
                    BackendService shared = service().build();
                    return lb().listener(Listener.tcp(8080).backendService(shared))
                            .listener(Listener.tcp(8081).backendService(shared)).build();
                }),
                Arguments.of("weights 1 and 100", (Supplier<?>) () -> with(ServerGroup.staticServers(
                        StaticServer.of("10.0.0.1").weight(1), StaticServer.of("10.0.0.2").weight(100)))),
                Arguments.of("timeout just below interval", (Supplier<?>) () -> with(HealthCheck.tcp()
                        .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(99)))),
                Arguments.of("thresholds 1", (Supplier<?>) () -> with(HealthCheck.tcp()
                        .healthyThreshold(1).unhealthyThreshold(1))),
                Arguments.of("draining off", (Supplier<?>) () -> with(service().connectionDraining(Duration.ZERO))),
                Arguments.of("send/expect with an empty send", (Supplier<?>) () -> with(HealthCheck.sendExpect("", "220 "))),
                Arguments.of("capacity 0/0/1", (Supplier<?>) () -> withGroup(group(Capacity.of(0, 0, 1)))),
                Arguments.of("template port 0", (Supplier<?>) () -> withGroup(group(new InstanceTemplate("web-template",
                        inProcess(), Optional.of(0), Map.of())))),
                Arguments.of("IPv6 and /0 rules", (Supplier<?>) () -> lb().securityGroup(SecurityGroup.allowAll())
                        .securityGroup(SecurityGroup.of("v6", InboundRule.deny("2001:db8::1"), InboundRule.allow("fd00::/8")))
                        .listener(Listener.tcp(8080).backendService(service())).build()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validSpecs")
    void acceptsValidSpecsAtTheBoundaries(String description, Supplier<?> build) {
        assertThatCode(build::get).doesNotThrowAnyException();
    }

    // ---- all violations at once ----

    @Test
    void reportsEveryViolationOfOneSpecInOneException() {
        LoadBalancerSpec.Builder builder = LoadBalancerSpec.builder("web lb")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b", "az-a")
                .securityGroup(SecurityGroup.of("office", InboundRule.allow("10.0.0.0/33")))
                .listener(Listener.tcp(-1).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofSeconds(3)).timeout(Duration.ofSeconds(5)))
                        .servers(ServerGroup.staticServers(StaticServer.of("10.0.0.1").weight(0)))))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("app").port(9000)
                        .servers(ServerGroup.availabilityGroup(
                                group(Placement.of("cn-north-1", "vpc-web", "az-a", "az-c"))))));

        assertThatThrownBy(builder::build).isInstanceOfSatisfying(SpecValidationException.class, e -> {
            assertThat(e.violations()).extracting(Violation::path).containsExactly(
                    "name",
                    "placement.zones[2]",
                    "securityGroups[0].rules[0].source",
                    "listeners[0].port",
                    "listeners[0].backendService.healthCheck.timeout",
                    "listeners[0].backendService.servers.static[0].weight",
                    "listeners[1].backendService.servers.availabilityGroup.placement.zones[1]");
            assertThat(e.getMessage())
                    .startsWith("invalid load balancer \"web lb\", 7 violations:" + NL)
                    .contains(NL + "  listeners[0].backendService.healthCheck.timeout: 5s (expected: less than interval 3s)")
                    .contains(NL + "  listeners[0].port: -1 (expected: 0-65535, 0 for an ephemeral port)")
                    .contains("\"az-c\" (expected: a zone the load balancer serves [az-a, az-b, az-a]; this one is"
                            + " not served by the load balancer)");
            assertThat(e.getMessage().lines().skip(1))
                    .hasSize(7)
                    .allSatisfy(line -> assertThat(line).matches("  \\S+: .+ \\(expected: .+\\)"));
        });
    }

    @Test
    void violationsListsTheSameProblemsWithoutThrowing() {
        LoadBalancerSpec spec = new LoadBalancerSpec("web-lb", Placement.of("cn-north-1", "vpc-web"), null, null);
        assertThat(spec.violations()).containsExactly(
                new Violation("placement.zones", "[]", "at least one availability zone"),
                new Violation("listeners", "[]", "at least one listener"));
        assertThat(with(service()).violations()).isEmpty();
    }

    // ---- sub-builders validate on their own ----

    @Test
    void healthCheckBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> HealthCheck.tcp().interval(Duration.ofSeconds(3)).timeout(Duration.ofSeconds(5))
                .healthyThreshold(0).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("timeout", "5s", "less than interval 3s"),
                            new Violation("healthyThreshold", "0", "at least 1"));
                    assertThat(e.getMessage()).isEqualTo("invalid health check, 2 violations:" + NL
                            + "  timeout: 5s (expected: less than interval 3s)" + NL
                            + "  healthyThreshold: 0 (expected: at least 1)");
                });
        assertThat(HealthCheck.http("/health").expectedStatuses("2xx", "401-403").build().expectedStatuses())
                .containsExactly("2xx", "401-403");
    }

    @Test
    void backendServiceBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> BackendService.builder("web").port(0)
                .healthCheck(HealthCheck.http("health")).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("port", "0", "1-65535"),
                            new Violation("healthCheck.path", "\"health\"", "a path starting with /"),
                            new Violation("servers", "absent", "exactly one of static, availabilityGroup or provider"));
                    assertThat(e.getMessage()).startsWith("invalid backend service \"web\", 3 violations:");
                });
    }

    @Test
    void availabilityGroupBuilderValidatesOnItsOwnButNotAgainstALoadBalancer() {
        assertThatThrownBy(() -> AvailabilityGroup.builder("web-ag").region("cn-north-1").zones("az-a", "az-a")
                .capacity(3, 1, 2).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("placement.vpc", "absent", "a VPC identifier"),
                            new Violation("placement.zones[1]", "\"az-a\"", "a zone listed once"),
                            new Violation("template", "absent", "an instance template"),
                            new Violation("capacity", "min 3 > max 2", "min <= desired <= max"));
                    assertThat(e.getMessage()).startsWith("invalid availability group \"web-ag\", 4 violations:");
                });
        // Region, VPC and zones are compared with a load balancer's only when the load balancer is built.
        assertThatCode(() -> AvailabilityGroup.builder("web-ag").region("eu-west-1").vpc("vpc-other").zones("az-z")
                .template(template(inProcess())).build()).doesNotThrowAnyException();
    }

    @Test
    void listenerBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> Listener.tcp(-1).idleTimeout(Duration.ZERO).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("port", "-1", "0-65535, 0 for an ephemeral port"),
                            new Violation("idleTimeout", "0s", "a positive duration"),
                            new Violation("backendService", "absent", "a backend service"));
                    assertThat(e.getMessage()).startsWith("invalid listener -1, 3 violations:");
                });
        assertThatThrownBy(() -> Listener.tcp(8080).backendService(service().healthCheck(HealthCheck.tcp()
                .unhealthyThreshold(0))).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> assertThat(e.violations()).containsExactly(
                        new Violation("backendService.healthCheck.unhealthyThreshold", "0", "at least 1")));
    }

    @Test
    void instanceTemplateBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> InstanceTemplate.builder("web template").port(70_000).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("name", "\"web template\"", NAME_RULE),
                            new Violation("port", "70000", "0-65535, 0 for an ephemeral port chosen by each instance"),
                            new Violation("launcher", "absent", "an instance launcher (inProcess or process)"));
                    assertThat(e.getMessage()).startsWith("invalid instance template \"web template\", 3 violations:");
                });
        assertThatThrownBy(() -> InstanceTemplate.builder("web-template")
                .launcher(InstanceLaunchers.process().build()).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> assertThat(e.violations()).containsExactly(
                        new Violation("launcher.process.command", "[]", "a program and its arguments")));
    }
}
