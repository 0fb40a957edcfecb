package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule, one invalid specification per row: each row makes exactly one mistake in an
 * otherwise valid specification, built through builders so that the path is the full one from the load
 * balancer, and names the one violation expected, by path and by its full text
 * {@code path: value (expected: ...)}. Values that validate as soon as they are made have their own table.
 */
class InvalidSpecTest {

    private static final String NAME_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final String CIDR_RULE = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32";
    private static final String SOURCES = "exactly one of static, availabilityGroup or provider";
    private static final String NL = System.lineSeparator();

    private static final String S = "listeners[0].backendService";
    private static final String HC = S + ".healthCheck";
    private static final String OD = HC + ".outlierDetection";
    private static final String ST = S + ".servers.static";
    private static final String PR = S + ".servers.provider";
    private static final String AG = S + ".servers.availabilityGroup";
    private static final String T = AG + ".template";
    private static final String PL = T + ".launcher.process";
    private static final String RULE = "securityGroups[0].rules[0]";
    private static final String AT_MOST_365D = "(expected: at most 365d)";
    private static final String PLACEHOLDERS = "(expected: placeholders among {port}, {host}, {instanceId}, {zone},"
            + " {group}; {{ and }} for literal braces)";
    private static final String ENV_NAMES = "(expected: non-blank variable names without '=' or NUL characters)";
    private static final Duration D366 = Duration.ofDays(366);

    // ---- valid building blocks; each row changes one thing ----

    private static LoadBalancerSpec.Builder placed(String name) {
        return LoadBalancerSpec.builder(name).region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b");
    }

    private static LoadBalancerSpec.Builder lb() {
        return placed("web-lb");
    }

    private static BackendService.Builder service() {
        return BackendService.builder("web").port(9000)
                .staticServers(StaticServer.of("10.0.0.1"), StaticServer.of("10.0.0.2", 9001));
    }

    private static Listener.Builder listener() {
        return Listener.tcp(8080).backendService(service());
    }

    private static LoadBalancerSpec.Builder with(Listener.Builder listener) {
        return lb().listener(listener);
    }

    private static LoadBalancerSpec.Builder with(BackendService.Builder service) {
        return with(Listener.tcp(8080).backendService(service));
    }

    private static LoadBalancerSpec.Builder with(HealthCheck.Builder<?> check) {
        return with(service().healthCheck(check));
    }

    private static LoadBalancerSpec.Builder withServer(StaticServer.Builder server) {
        return with(BackendService.builder("web").port(9000).staticServer(server));
    }

    private static LoadBalancerSpec.Builder withProvider(String type, Map<String, String> properties) {
        return with(BackendService.builder("registry").provider(type, properties));
    }

    private static LoadBalancerSpec.Builder withRule(InboundRule.Builder rule) {
        return lb().securityGroup(SecurityGroup.builder("office").rule(rule)).listener(listener());
    }

    private static LoadBalancerSpec.Builder withGroup(AvailabilityGroup.Builder group) {
        return with(BackendService.builder("web").port(9000).availabilityGroup(group));
    }

    private static LoadBalancerSpec.Builder withTemplate(InstanceTemplate.Builder template) {
        return withGroup(group().template(template));
    }

    private static LoadBalancerSpec.Builder withLauncher(ProcessLauncher.Builder launcher) {
        return withTemplate(template().launcher(launcher));
    }

    private static InProcessLauncher inProcess() {
        return InstanceLauncher.inProcess(Specs.NoopFactory.class);
    }

    private static InstanceTemplate.Builder template(String name) {
        return InstanceTemplate.builder(name).launcher(inProcess()).port(9100);
    }

    private static InstanceTemplate.Builder template() {
        return template("web-template");
    }

    private static ProcessLauncher.Builder process() {
        return ProcessLauncher.builder("server", "--port={port}");
    }

    private static AvailabilityGroup.Builder group(String name) {
        return AvailabilityGroup.builder(name).region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .template(template()).capacity(1, 2, 3);
    }

    private static AvailabilityGroup.Builder group() {
        return group("web-ag");
    }

    private static Placement.Builder placement() {
        return Placement.builder().region("cn-north-1").vpc("vpc-web").zones("az-a");
    }

    private static StaticServer.Builder server(String address) {
        return StaticServer.builder(address);
    }

    /** A map that may hold a null key or value, which {@link Map#of} refuses. */
    private static Map<String, String> mapOf(String key, String value) {
        Map<String, String> map = new HashMap<>();
        map.put(key, value);
        return map;
    }

    private static Arguments bad(String mistake, Supplier<LoadBalancerSpec.Builder> spec, String path,
                                 String violation) {
        return badNamed("web-lb", mistake, spec, path, violation);
    }

    /** A row whose load balancer has another name, which the exception's message names. */
    private static Arguments badNamed(String lbName, String mistake, Supplier<LoadBalancerSpec.Builder> spec,
                                      String path, String violation) {
        return Arguments.of(mistake, spec, path, violation, lbName);
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                // names
                badNamed("", "blank load balancer name", () -> placed("").listener(listener()),
                        "name", "name: \"\" (expected: " + NAME_RULE + ")"),
                badNamed("web lb", "load balancer name with a space", () -> placed("web lb").listener(listener()),
                        "name", "name: \"web lb\" (expected: " + NAME_RULE + ")"),
                badNamed("null", "no load balancer name", () -> placed(null).listener(listener()),
                        "name", "name: absent (expected: " + NAME_RULE + ")"),
                bad("service name starting with '-'", () -> with(BackendService.builder("-web").port(9000)
                                .staticServers(StaticServer.of("10.0.0.1"))),
                        S + ".name", S + ".name: \"-web\" (expected: " + NAME_RULE + ")"),
                bad("service name of 65 characters", () -> with(BackendService.builder("w".repeat(65)).port(9000)
                                .staticServers(StaticServer.of("10.0.0.1"))),
                        S + ".name", S + ".name: \"" + "w".repeat(64) + "\"…(65 characters) (expected: " + NAME_RULE + ")"),
                bad("blank security group name", () -> lb()
                                .securityGroup(SecurityGroup.builder(" ").rule(InboundRule.allow("10.0.0.0/8")))
                                .listener(listener()),
                        "securityGroups[0].name", "securityGroups[0].name: \" \" (expected: " + NAME_RULE + ")"),
                bad("invalid availability group name", () -> withGroup(group("web/ag")),
                        AG + ".name", AG + ".name: \"web/ag\" (expected: " + NAME_RULE + ")"),
                bad("invalid template name", () -> withTemplate(template("web template")),
                        T + ".name", T + ".name: \"web template\" (expected: " + NAME_RULE + ")"),
                bad("listener name with a space", () -> with(listener().name("web listener")),
                        "listeners[0].name", "listeners[0].name: \"web listener\" (expected: " + NAME_RULE + ")"),
                bad("empty listener name", () -> with(listener().name("")),
                        "listeners[0].name", "listeners[0].name: \"\" (expected: " + NAME_RULE + ")"),

                // placement
                bad("missing region", () -> LoadBalancerSpec.builder("web-lb").vpc("vpc-web").zones("az-a")
                                .listener(listener()),
                        "placement.region", "placement.region: absent (expected: a region name such as cn-north-1)"),
                bad("blank region", () -> LoadBalancerSpec.builder("web-lb").region(" ").vpc("vpc-web").zones("az-a")
                                .listener(listener()),
                        "placement.region", "placement.region: \" \" (expected: a region name such as cn-north-1)"),
                bad("missing VPC", () -> LoadBalancerSpec.builder("web-lb").region("cn-north-1").zones("az-a")
                                .listener(listener()),
                        "placement.vpc", "placement.vpc: absent (expected: a VPC identifier)"),
                bad("blank VPC", () -> lb().vpc("").listener(listener()),
                        "placement.vpc", "placement.vpc: \"\" (expected: a VPC identifier)"),
                bad("blank subnet", () -> lb().subnet("").listener(listener()),
                        "placement.subnet", "placement.subnet: \"\" (expected: a subnet identifier)"),
                bad("no zones", () -> LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web")
                                .listener(listener()),
                        "placement.zones", "placement.zones: [] (expected: at least one availability zone)"),
                bad("duplicate zone", () -> lb().zones("az-a", "az-b", "az-a").listener(listener()),
                        "placement.zones[2]", "placement.zones[2]: \"az-a\" (expected: a zone listed once)"),
                bad("blank zone", () -> lb().zones("az-a", "").listener(listener()),
                        "placement.zones[1]", "placement.zones[1]: \"\" (expected: an availability zone name)"),
                bad("null zone", () -> lb().zones("az-a", null).listener(listener()),
                        "placement.zones[1]", "placement.zones[1]: absent (expected: an availability zone name)"),
                bad("availability group in another region", () -> withGroup(group().region("cn-south-1")),
                        AG + ".placement.region",
                        AG + ".placement.region: \"cn-south-1\" (expected: the load balancer's region \"cn-north-1\")"),
                bad("availability group in another VPC", () -> withGroup(group().vpc("vpc-db")),
                        AG + ".placement.vpc",
                        AG + ".placement.vpc: \"vpc-db\" (expected: the load balancer's VPC \"vpc-web\")"),
                bad("availability group in a zone the load balancer does not serve",
                        () -> withGroup(group().zones("az-a", "az-c")),
                        AG + ".placement.zones[1]", AG + ".placement.zones[1]: \"az-c\" (expected: a zone the load"
                                + " balancer serves [az-a, az-b]; this one is not served by the load balancer)"),
                bad("availability group without VPC", () -> withGroup(AvailabilityGroup.builder("web-ag")
                                .region("cn-north-1").zones("az-a").template(template())),
                        AG + ".placement.vpc", AG + ".placement.vpc: absent (expected: a VPC identifier)"),
                bad("availability group without zones", () -> withGroup(group().zones()),
                        AG + ".placement.zones", AG + ".placement.zones: [] (expected: at least one availability zone)"),
                bad("availability group with a blank region", () -> withGroup(group().region(" ")),
                        AG + ".placement.region",
                        AG + ".placement.region: \" \" (expected: a region name such as cn-north-1)"),
                bad("availability group with a blank zone", () -> withGroup(group().zones("az-a", "")),
                        AG + ".placement.zones[1]",
                        AG + ".placement.zones[1]: \"\" (expected: an availability zone name)"),
                bad("static server in another region", () -> withServer(server("10.0.0.1")
                                .placement(placement().region("cn-south-1"))),
                        ST + "[0].placement.region", ST + "[0].placement.region: \"cn-south-1\" (expected: the load"
                                + " balancer's region \"cn-north-1\")"),
                bad("static server in another VPC", () -> withServer(server("10.0.0.1")
                                .placement(placement().vpc("vpc-db"))),
                        ST + "[0].placement.vpc",
                        ST + "[0].placement.vpc: \"vpc-db\" (expected: the load balancer's VPC \"vpc-web\")"),
                bad("static server in a zone the load balancer does not serve", () -> withServer(server("10.0.0.1")
                                .placement(placement().zones("az-c"))),
                        ST + "[0].placement.zones[0]", ST + "[0].placement.zones[0]: \"az-c\" (expected: a zone the"
                                + " load balancer serves [az-a, az-b]; this one is not served by the load balancer)"),
                bad("static server placement without zones", () -> withServer(server("10.0.0.1")
                                .placement(placement().zones())),
                        ST + "[0].placement.zones",
                        ST + "[0].placement.zones: [] (expected: at least one availability zone)"),
                bad("static server placement without region", () -> withServer(server("10.0.0.1")
                                .placement(placement().region(null))),
                        ST + "[0].placement.region",
                        ST + "[0].placement.region: absent (expected: a region name such as cn-north-1)"),

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
                bad("health check port 65536", () -> with(HealthCheck.tcp().port(65_536)),
                        HC + ".port", HC + ".port: 65536 (expected: 1-65535)"),
                bad("HTTP check with healthy threshold 0", () -> with(HealthCheck.http("/health").healthyThreshold(0)),
                        HC + ".healthyThreshold", HC + ".healthyThreshold: 0 (expected: at least 1)"),
                bad("send/expect check with timeout above interval", () -> with(HealthCheck.sendExpect("PING", "+PONG")
                                .interval(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(2))),
                        HC + ".timeout", HC + ".timeout: 2s (expected: less than interval 1s)"),

                // health check kinds
                bad("HTTP path without a leading slash", () -> with(HealthCheck.http("health")),
                        HC + ".path", HC + ".path: \"health\" (expected: a path starting with /)"),
                bad("empty HTTP path", () -> with(HealthCheck.http("")),
                        HC + ".path", HC + ".path: \"\" (expected: a path starting with /)"),
                bad("blank HTTP host", () -> with(HealthCheck.http("/").host(" ")),
                        HC + ".host", HC + ".host: \" \" (expected: a host name)"),
                bad("HTTP path with a space", () -> with(HealthCheck.http("/health check")),
                        HC + ".path", HC + ".path: \"/health check\" (expected: a path without spaces or control"
                                + " characters, percent-encoded)"),
                bad("HTTP path with a line break", () -> with(HealthCheck.http("/health\r\nX-Injected: 1")),
                        HC + ".path", HC + ".path: \"/health\\r\\nX-Injected: 1\" (expected: a path without spaces or"
                                + " control characters, percent-encoded)"),
                bad("HTTP host with a line break", () -> with(HealthCheck.http("/").host("web\r\nX-Injected: 1")),
                        HC + ".host", HC + ".host: \"web\\r\\nX-Injected: 1\" (expected: a host name without spaces or"
                                + " control characters)"),
                bad("HTTP status 600", () -> with(HealthCheck.http("/").expectedStatuses("600")),
                        HC + ".expectedStatuses[0]",
                        HC + ".expectedStatuses[0]: \"600\" (expected: a status such as 200, 2xx or 200-299)"),
                bad("HTTP status 2x", () -> with(HealthCheck.http("/").expectedStatuses("200", "2x")),
                        HC + ".expectedStatuses[1]",
                        HC + ".expectedStatuses[1]: \"2x\" (expected: a status such as 200, 2xx or 200-299)"),
                bad("null HTTP status", () -> with(HealthCheck.http("/").expectedStatuses("200", null)),
                        HC + ".expectedStatuses[1]",
                        HC + ".expectedStatuses[1]: absent (expected: a status such as 200, 2xx or 200-299)"),
                bad("HTTP status range backwards", () -> with(HealthCheck.http("/").expectedStatuses("299-200")),
                        HC + ".expectedStatuses[0]", HC + ".expectedStatuses[0]: \"299-200\" (expected: a range whose"
                                + " first status is not above its last, such as 200-299)"),
                bad("empty expected HTTP body", () -> with(HealthCheck.http("/").expectBody("")),
                        HC + ".expect", HC + ".expect: \"\" (expected: a non-empty text the response body must contain)"),
                bad("send/expect with an empty expect", () -> with(HealthCheck.sendExpect("PING\r\n", "")),
                        HC + ".expect", HC + ".expect: \"\" (expected: a non-empty expected reply prefix)"),
                bad("send/expect without expect", () -> with(HealthCheck.sendExpect("PING", null)),
                        HC + ".expect", HC + ".expect: absent (expected: a non-empty expected reply prefix)"),
                bad("send/expect without send", () -> with(HealthCheck.sendExpect(null, "+PONG")),
                        HC + ".send", HC + ".send: absent (expected: the text to send, possibly empty)"),

                // passive checking
                bad("outlier detection after 0 failures", () -> with(HealthCheck.tcp()
                                .outlierDetection(OutlierDetection.builder().consecutiveFailures(0))),
                        OD + ".consecutiveFailures", OD + ".consecutiveFailures: 0 (expected: at least 1)"),
                bad("outlier ejection share over 100%", () -> with(HealthCheck.None.builder()
                                .outlierDetection(OutlierDetection.builder().maxEjectionPercent(101))),
                        OD + ".maxEjectionPercent", OD + ".maxEjectionPercent: 101 (expected: 0-100)"),
                bad("negative outlier ejection share", () -> with(HealthCheck.sendExpect("PING", "+PONG")
                                .outlierDetection(OutlierDetection.builder().maxEjectionPercent(-1))),
                        OD + ".maxEjectionPercent", OD + ".maxEjectionPercent: -1 (expected: 0-100)"),
                bad("zero base ejection time", () -> with(HealthCheck.http("/")
                                .outlierDetection(OutlierDetection.builder().baseEjectionTime(Duration.ZERO))),
                        OD + ".baseEjectionTime", OD + ".baseEjectionTime: 0s (expected: a positive duration)"),

                // ports
                bad("listener port -1", () -> with(Listener.tcp(-1).backendService(service())),
                        "listeners[0].port", "listeners[0].port: -1 (expected: 0-65535, 0 for an ephemeral port)"),
                bad("listener port 70000", () -> with(Listener.tcp(70_000).backendService(service())),
                        "listeners[0].port", "listeners[0].port: 70000 (expected: 0-65535, 0 for an ephemeral port)"),
                bad("listener without port", () -> with(Listener.builder().backendService(service())),
                        "listeners[0].port", "listeners[0].port: absent (expected: 0-65535, 0 for an ephemeral port)"),
                bad("backend service port 0", () -> with(service().port(0)),
                        S + ".port", S + ".port: 0 (expected: 1-65535)"),
                bad("backend service port 65536", () -> with(service().port(65_536)),
                        S + ".port", S + ".port: 65536 (expected: 1-65535)"),
                bad("server port 0", () -> withServer(server("10.0.0.1").port(0)),
                        ST + "[0].port", ST + "[0].port: 0 (expected: 1-65535)"),
                bad("server port 65536", () -> withServer(server("10.0.0.1").port(65_536)),
                        ST + "[0].port", ST + "[0].port: 65536 (expected: 1-65535)"),
                bad("template port 70000", () -> withTemplate(template().port(70_000)),
                        T + ".port", T + ".port: 70000 (expected: 0-65535, 0 for an ephemeral port chosen by each"
                                + " instance)"),
                bad("template port -1", () -> withTemplate(template().port(-1)),
                        T + ".port", T + ".port: -1 (expected: 0-65535, 0 for an ephemeral port chosen by each"
                                + " instance)"),
                bad("two listeners on one port", () -> lb().listener(listener()).listener(listener()),
                        "listeners[1].port", "listeners[1].port: 8080 (expected: a port not used by listeners[0])"),

                // names that must be unique
                bad("two listeners with one name", () -> lb()
                                .listener(Listener.tcp(8080).name("web").backendService(service()))
                                .listener(Listener.tcp(8081).name("web").backendService(service())),
                        "listeners[1].name", "listeners[1].name: \"web\" (expected: a name not used by listeners[0])"),
                bad("two security groups with one name", () -> lb()
                                .securityGroup(SecurityGroup.of("office", InboundRule.allow("10.0.0.0/8")))
                                .securityGroup(SecurityGroup.of("office", InboundRule.deny("10.1.0.0/16")))
                                .listener(listener()),
                        "securityGroups[1].name",
                        "securityGroups[1].name: \"office\" (expected: a name not used by securityGroups[0])"),
                bad("two different backend services with one name", () -> lb()
                                .listener(listener())
                                .listener(Listener.tcp(8081).backendService(service().port(9001))),
                        "listeners[1].backendService.name", "listeners[1].backendService.name: \"web\" (expected: a name"
                                + " not used by the different backend service at listeners[0].backendService"
                                + " (listeners may share a backend service only if it is identical))"),
                bad("two different availability groups with one name", () -> lb()
                                .listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                                        .availabilityGroup(group().capacity(1, 1, 1))))
                                .listener(Listener.tcp(8081).backendService(BackendService.builder("other").port(9000)
                                        .availabilityGroup(group().capacity(1, 2, 2)))),
                        "listeners[1].backendService.servers.availabilityGroup.name",
                        "listeners[1].backendService.servers.availabilityGroup.name: \"web-ag\" (expected: a name not"
                                + " used by the different availability group at " + AG + ")"),
                bad("one server listed twice", () -> with(BackendService.builder("web").port(9000)
                                .staticServer(server("10.0.0.1").port(9001))
                                .staticServer(server("10.0.0.1").port(9001).weight(3))),
                        ST + "[1]", ST + "[1]: \"10.0.0.1:9001\" (expected: a server not listed before (static[0]))"),

                // capacity
                bad("capacity min above max", () -> withGroup(group().capacity(5, 5, 2)),
                        AG + ".capacity", AG + ".capacity: min 5 > max 2 (expected: min <= desired <= max)"),
                bad("capacity desired above max", () -> withGroup(group().capacity(1, 11, 10)),
                        AG + ".capacity.desired", AG + ".capacity.desired: 11 (expected: between min 1 and max 10)"),
                bad("capacity desired below min", () -> withGroup(group().capacity(2, 1, 10)),
                        AG + ".capacity.desired", AG + ".capacity.desired: 1 (expected: between min 2 and max 10)"),
                bad("capacity min -1", () -> withGroup(group().capacity(-1, 0, 1)),
                        AG + ".capacity.min", AG + ".capacity.min: -1 (expected: at least 0)"),
                bad("capacity max 0", () -> withGroup(group().capacity(0, 0, 0)),
                        AG + ".capacity.max", AG + ".capacity.max: 0 (expected: at least 1)"),
                bad("capacity without min", () -> withGroup(group().capacity(null, 1, 3)),
                        AG + ".capacity.min", AG + ".capacity.min: absent (expected: an integer)"),
                bad("capacity without desired", () -> withGroup(group().capacity(1, null, 3)),
                        AG + ".capacity.desired", AG + ".capacity.desired: absent (expected: an integer)"),
                bad("capacity without max", () -> withGroup(group().capacity(1, 1, null)),
                        AG + ".capacity.max", AG + ".capacity.max: absent (expected: an integer)"),

                // weights
                bad("weight 0", () -> withServer(server("10.0.0.1").weight(0)),
                        ST + "[0].weight", ST + "[0].weight: 0 (expected: 1-100)"),
                bad("weight 101", () -> withServer(server("10.0.0.1").weight(101)),
                        ST + "[0].weight", ST + "[0].weight: 101 (expected: 1-100)"),

                // security groups and their rules
                bad("a null security group", () -> lb().securityGroup((SecurityGroup.Builder) null).listener(listener()),
                        "securityGroups[0]", "securityGroups[0]: absent (expected: a security group)"),
                bad("a null rule", () -> withRule(null),
                        RULE, RULE + ": absent (expected: an inbound rule)"),
                bad("IPv4 prefix /33", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.0/33")),
                        RULE + ".source", RULE + ".source: \"10.0.0.0/33\" (expected: " + CIDR_RULE + ")"),
                bad("IPv4 octet 256", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.256/8")),
                        RULE + ".source", RULE + ".source: \"10.0.0.256/8\" (expected: " + CIDR_RULE + ")"),
                bad("IPv4 with three octets", () -> withRule(InboundRule.builder(InboundRule.Action.DENY, "10.0.0/8")),
                        RULE + ".source", RULE + ".source: \"10.0.0/8\" (expected: " + CIDR_RULE + ")"),
                bad("prefix that is not a number", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW,
                                "10.0.0.0/eight")),
                        RULE + ".source", RULE + ".source: \"10.0.0.0/eight\" (expected: " + CIDR_RULE + ")"),
                bad("IPv6 prefix /129", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, "2001:db8::/129")),
                        RULE + ".source", RULE + ".source: \"2001:db8::/129\" (expected: " + CIDR_RULE + ")"),
                bad("IPv6 with two '::'", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, "2001::db8::/32")),
                        RULE + ".source", RULE + ".source: \"2001::db8::/32\" (expected: " + CIDR_RULE + ")"),
                bad("host name instead of a CIDR", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW,
                                "office.example.com/24")),
                        RULE + ".source", RULE + ".source: \"office.example.com/24\" (expected: " + CIDR_RULE + ")"),
                bad("missing rule source", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, null)),
                        RULE + ".source", RULE + ".source: absent (expected: " + CIDR_RULE + ")"),
                bad("missing rule action", () -> withRule(InboundRule.builder(null, "10.0.0.0/8")),
                        RULE + ".action", RULE + ".action: absent (expected: ALLOW or DENY)"),
                bad("rule priority 0", () -> withRule(InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.0/8")
                                .priority(0)),
                        RULE + ".priority", RULE + ".priority: 0 (expected: 1-32767)"),
                bad("rule priority 32768", () -> withRule(InboundRule.builder(InboundRule.Action.DENY, "10.0.0.0/8")
                                .priority(32_768)),
                        RULE + ".priority", RULE + ".priority: 32768 (expected: 1-32767)"),

                // durations and limits
                bad("zero idle timeout", () -> with(listener().idleTimeout(Duration.ZERO)),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: 0s (expected: a positive duration)"),
                bad("negative idle timeout", () -> with(listener().idleTimeout(Duration.ofMinutes(-5))),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: -5m (expected: a positive duration)"),
                bad("max connections 0", () -> with(listener().maxConnections(0)),
                        "listeners[0].maxConnections", "listeners[0].maxConnections: 0 (expected: at least 1)"),
                bad("zero session persistence timeout", () -> with(service().sessionPersistence(Duration.ZERO)),
                        S + ".sessionPersistence.timeout",
                        S + ".sessionPersistence.timeout: 0s (expected: a positive duration)"),
                bad("negative session persistence timeout", () -> with(service().sessionPersistence(
                                SessionPersistence.builder().mode(SessionPersistence.Mode.SOURCE_IP)
                                        .timeout(Duration.ofSeconds(-1)))),
                        S + ".sessionPersistence.timeout",
                        S + ".sessionPersistence.timeout: -1s (expected: a positive duration)"),
                bad("zero timeout set on persistence that is off", () -> with(service().sessionPersistence(
                                SessionPersistence.builder().timeout(Duration.ZERO))),
                        S + ".sessionPersistence.timeout",
                        S + ".sessionPersistence.timeout: 0s (expected: a positive duration)"),
                bad("negative connection draining", () -> with(service().connectionDraining(Duration.ofSeconds(-1))),
                        S + ".connectionDraining",
                        S + ".connectionDraining: -1s (expected: 0s (off) or a positive duration)"),
                bad("zero unhealthy replacement delay", () -> withGroup(group().replaceUnhealthyAfter(Duration.ZERO)),
                        AG + ".replaceUnhealthyAfter", AG + ".replaceUnhealthyAfter: 0s (expected: a positive duration)"),
                bad("negative unhealthy replacement delay", () -> withGroup(group()
                                .replaceUnhealthyAfter(Duration.ofSeconds(-1))),
                        AG + ".replaceUnhealthyAfter", AG + ".replaceUnhealthyAfter: -1s (expected: a positive duration)"),
                bad("target tracking with target 0", () -> withGroup(group().targetTracking(TargetTracking.builder(0))),
                        AG + ".targetTracking.targetConnectionsPerInstance",
                        AG + ".targetTracking.targetConnectionsPerInstance: 0 (expected: at least 1)"),
                bad("target tracking without target", () -> withGroup(group()
                                .targetTracking(TargetTracking.builder(null))),
                        AG + ".targetTracking.targetConnectionsPerInstance",
                        AG + ".targetTracking.targetConnectionsPerInstance: absent (expected: at least 1)"),
                bad("negative scale-out cooldown", () -> withGroup(group().targetTracking(TargetTracking.builder(50)
                                .scaleOutCooldown(Duration.ofSeconds(-1)))),
                        AG + ".targetTracking.scaleOutCooldown",
                        AG + ".targetTracking.scaleOutCooldown: -1s (expected: 0s or a positive duration)"),
                bad("negative scale-in cooldown", () -> withGroup(group().targetTracking(TargetTracking.builder(50)
                                .scaleInCooldown(Duration.ofMillis(-1)))),
                        AG + ".targetTracking.scaleInCooldown",
                        AG + ".targetTracking.scaleInCooldown: -1ms (expected: 0s or a positive duration)"),

                // every duration is at most 365 days, shown as written
                bad("idle timeout of 366 days", () -> with(listener().idleTimeout(D366)),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: 366d " + AT_MOST_365D),
                bad("idle timeout 1ms over 365 days", () -> with(listener()
                                .idleTimeout(Duration.ofDays(365).plusMillis(1))),
                        "listeners[0].idleTimeout", "listeners[0].idleTimeout: 31536000001ms " + AT_MOST_365D),
                bad("connection draining of a million days", () -> with(service()
                                .connectionDraining(Duration.ofDays(1_000_000))),
                        S + ".connectionDraining", S + ".connectionDraining: 1000000d " + AT_MOST_365D),
                bad("connection draining too long for nanoseconds", () -> with(service()
                                .connectionDraining(Duration.ofSeconds(Long.MAX_VALUE))),
                        S + ".connectionDraining", S + ".connectionDraining: 9223372036854775807s " + AT_MOST_365D),
                bad("session persistence of 366 days", () -> with(service().sessionPersistence(D366)),
                        S + ".sessionPersistence.timeout", S + ".sessionPersistence.timeout: 366d " + AT_MOST_365D),
                bad("health check interval of 8784 hours", () -> with(HealthCheck.tcp()
                                .interval(Duration.ofHours(8784))),
                        HC + ".interval", HC + ".interval: 366d " + AT_MOST_365D),
                bad("health check timeout of 366 days", () -> with(HealthCheck.http("/").timeout(D366)),
                        HC + ".timeout", HC + ".timeout: 366d " + AT_MOST_365D),
                bad("base ejection time of 366 days", () -> with(HealthCheck.tcp()
                                .outlierDetection(OutlierDetection.builder().baseEjectionTime(D366))),
                        OD + ".baseEjectionTime", OD + ".baseEjectionTime: 366d " + AT_MOST_365D),
                bad("unhealthy replacement after 366 days", () -> withGroup(group().replaceUnhealthyAfter(D366)),
                        AG + ".replaceUnhealthyAfter", AG + ".replaceUnhealthyAfter: 366d " + AT_MOST_365D),
                bad("scale-out cooldown of 366 days", () -> withGroup(group().targetTracking(TargetTracking.builder(50)
                                .scaleOutCooldown(D366))),
                        AG + ".targetTracking.scaleOutCooldown",
                        AG + ".targetTracking.scaleOutCooldown: 366d " + AT_MOST_365D),
                bad("scale-in cooldown of 366 days", () -> withGroup(group().targetTracking(TargetTracking.builder(50)
                                .scaleInCooldown(D366))),
                        AG + ".targetTracking.scaleInCooldown",
                        AG + ".targetTracking.scaleInCooldown: 366d " + AT_MOST_365D),
                bad("ready timeout of 366 days", () -> withLauncher(process().readyTimeout(D366)),
                        PL + ".readyTimeout", PL + ".readyTimeout: 366d " + AT_MOST_365D),
                bad("stop grace period of 366 days", () -> withLauncher(process().stopGracePeriod(D366)),
                        PL + ".stopGracePeriod", PL + ".stopGracePeriod: 366d " + AT_MOST_365D),

                // every count has an upper bound too
                bad("max connections 10000001", () -> with(listener().maxConnections(10_000_001)),
                        "listeners[0].maxConnections",
                        "listeners[0].maxConnections: 10000001 (expected: at most 10000000)"),
                bad("healthy threshold 101", () -> with(HealthCheck.tcp().healthyThreshold(101)),
                        HC + ".healthyThreshold", HC + ".healthyThreshold: 101 (expected: at most 100)"),
                bad("unhealthy threshold Integer.MAX_VALUE", () -> with(HealthCheck.http("/")
                                .unhealthyThreshold(Integer.MAX_VALUE)),
                        HC + ".unhealthyThreshold", HC + ".unhealthyThreshold: 2147483647 (expected: at most 100)"),
                bad("outlier detection after 1001 failures", () -> with(HealthCheck.tcp()
                                .outlierDetection(OutlierDetection.builder().consecutiveFailures(1001))),
                        OD + ".consecutiveFailures", OD + ".consecutiveFailures: 1001 (expected: at most 1000)"),
                bad("capacity max 1001", () -> withGroup(group().capacity(1, 2, 1001)),
                        AG + ".capacity.max", AG + ".capacity.max: 1001 (expected: at most 1000)"),
                bad("capacity max Integer.MAX_VALUE", () -> withGroup(group().capacity(0, 0, Integer.MAX_VALUE)),
                        AG + ".capacity.max", AG + ".capacity.max: 2147483647 (expected: at most 1000)"),
                bad("target tracking with target 1000001", () -> withGroup(group()
                                .targetTracking(TargetTracking.builder(1_000_001))),
                        AG + ".targetTracking.targetConnectionsPerInstance",
                        AG + ".targetTracking.targetConnectionsPerInstance: 1000001 (expected: at most 1000000)"),

                // server sources
                bad("backend service without servers", () -> with(BackendService.builder("web").port(9000)),
                        S + ".servers", S + ".servers: absent (expected: " + SOURCES + ")"),
                bad("a null static server", () -> withServer(null),
                        ST + "[0]", ST + "[0]: absent (expected: a server)"),
                bad("server without port when the service has none", () -> with(BackendService.builder("web")
                                .staticServer(server("10.0.0.1").port(9001)).staticServer(server("10.0.0.2"))),
                        ST + "[1].port", ST + "[1].port: absent (expected: a port, because the backend service sets"
                                + " none (" + S + ".port))"),
                bad("template without port when the service has none", () -> with(BackendService.builder("web")
                                .availabilityGroup(group().template(InstanceTemplate.builder("web-template")
                                        .launcher(inProcess())))),
                        T + ".port", T + ".port: absent (expected: a port, because the backend service sets none ("
                                + S + ".port))"),
                bad("blank server address", () -> withServer(server(" ")),
                        ST + "[0].address", ST + "[0].address: \" \" (expected: an IP address or host name)"),
                bad("missing server address", () -> withServer(server(null)),
                        ST + "[0].address", ST + "[0].address: absent (expected: an IP address or host name)"),
                bad("server address with a space", () -> withServer(server("10.0.0.1 9001")),
                        ST + "[0].address", ST + "[0].address: \"10.0.0.1 9001\" (expected: an IP address or host name)"),
                bad("server address with a NUL", () -> withServer(server("10.0.0.1\0")),
                        ST + "[0].address", ST + "[0].address: \"10.0.0.1\\u0000\" (expected: an IP address or host"
                                + " name)"),
                bad("a server at the listener itself", () -> withServer(server("127.0.0.1").port(8080)),
                        ST + "[0]", ST + "[0]: \"127.0.0.1:8080\" (expected: a server other than this load balancer's own"
                                + " listeners[0] on port 8080; every connection to it would come back as a new one,"
                                + " without end)"),
                bad("a server at the listener itself by the service's port", () -> with(BackendService.builder("web")
                                .port(8080).staticServer(server("localhost"))),
                        ST + "[0]", ST + "[0]: \"localhost:8080\" (expected: a server other than this load balancer's own"
                                + " listeners[0] on port 8080; every connection to it would come back as a new one,"
                                + " without end)"),
                bad("blank provider type", () -> withProvider(" ", Map.of()),
                        PR + ".type", PR + ".type: \" \" (expected: a membership provider type such as file or"
                                + " zookeeper)"),
                bad("missing provider type", () -> withProvider(null, Map.of("path", "members.txt")),
                        PR + ".type", PR + ".type: absent (expected: a membership provider type such as file or"
                                + " zookeeper)"),
                bad("blank provider property name", () -> withProvider("file", Map.of(" ", "members.txt")),
                        PR + ".properties", PR + ".properties: \" \" (expected: non-blank property names)"),
                bad("null provider property value", () -> withProvider("file", mapOf("path", null)),
                        PR + ".properties.path", PR + ".properties.path: absent (expected: a value)"),

                // templates and launchers
                bad("availability group without template", () -> withGroup(AvailabilityGroup.builder("web-ag")
                                .region("cn-north-1").vpc("vpc-web").zones("az-a")),
                        AG + ".template", AG + ".template: absent (expected: an instance template)"),
                bad("availability group with a null template", () -> withGroup(group()
                                .template((InstanceTemplate.Builder) null)),
                        AG + ".template", AG + ".template: absent (expected: an instance template)"),
                bad("template without launcher", () -> withTemplate(InstanceTemplate.builder("web-template").port(9100)),
                        T + ".launcher", T + ".launcher: absent (expected: an instance launcher (inProcess or process))"),
                bad("template with a blank label key", () -> withTemplate(template().label(" ", "web")),
                        T + ".labels", T + ".labels: \" \" (expected: non-blank label keys)"),
                bad("template with a null label key", () -> withTemplate(template().labels(mapOf(null, "web"))),
                        T + ".labels", T + ".labels: absent (expected: non-blank label keys)"),
                bad("template with a null label value", () -> withTemplate(template().label("tier", null)),
                        T + ".labels.tier", T + ".labels.tier: absent (expected: a value)"),
                bad("process launcher with an empty command", () -> withLauncher(ProcessLauncher.builder()),
                        PL + ".command", PL + ".command: [] (expected: a program and its arguments)"),
                bad("process launcher with a blank program", () -> withLauncher(
                                ProcessLauncher.builder("", "--port={port}")),
                        PL + ".command[0]", PL + ".command[0]: \"\" (expected: a program)"),
                bad("process launcher with a null program", () -> withLauncher(
                                ProcessLauncher.builder(Arrays.asList(null, "--port={port}"))),
                        PL + ".command[0]", PL + ".command[0]: absent (expected: a program)"),
                bad("process launcher with a null argument", () -> withLauncher(
                                ProcessLauncher.builder("server", null, "--port={port}")),
                        PL + ".command[1]", PL + ".command[1]: absent (expected: an argument)"),
                bad("process launcher with a blank environment name", () -> withLauncher(process()
                                .environment(Map.of(" ", "{zone}"))),
                        PL + ".environment", PL + ".environment: \" \" " + ENV_NAMES),
                bad("process launcher with a null environment name", () -> withLauncher(process()
                                .environment(mapOf(null, "{zone}"))),
                        PL + ".environment", PL + ".environment: absent " + ENV_NAMES),
                bad("process launcher with a null environment value", () -> withLauncher(process()
                                .environment(mapOf("ZONE", null))),
                        PL + ".environment.ZONE", PL + ".environment.ZONE: absent (expected: a value)"),
                bad("process launcher with a blank working directory", () -> withLauncher(process()
                                .workingDirectory(" ")),
                        PL + ".workingDirectory", PL + ".workingDirectory: \" \" (expected: a directory)"),
                bad("process launcher with a zero ready timeout", () -> withLauncher(process()
                                .readyTimeout(Duration.ZERO)),
                        PL + ".readyTimeout", PL + ".readyTimeout: 0s (expected: a positive duration)"),
                bad("process launcher with a negative grace period", () -> withLauncher(process()
                                .stopGracePeriod(Duration.ofMillis(-1))),
                        PL + ".stopGracePeriod", PL + ".stopGracePeriod: -1ms (expected: 0s or a positive duration)"),
                bad("process launcher with a misspelled placeholder", () -> withLauncher(
                                ProcessLauncher.builder("server", "--verbose", "--port={prot}")),
                        PL + ".command[2]", PL + ".command[2]: \"--port={prot}\" " + PLACEHOLDERS),
                bad("process launcher with a placeholder never closed", () -> withLauncher(
                                ProcessLauncher.builder("server", "--port={port")),
                        PL + ".command[1]", PL + ".command[1]: \"--port={port\" " + PLACEHOLDERS),
                bad("process launcher with an empty placeholder", () -> withLauncher(
                                ProcessLauncher.builder("server", "--port={}")),
                        PL + ".command[1]", PL + ".command[1]: \"--port={}\" " + PLACEHOLDERS),
                bad("process launcher with a lone closing brace", () -> withLauncher(
                                ProcessLauncher.builder("server", "--port={port}}")),
                        PL + ".command[1]", PL + ".command[1]: \"--port={port}}\" " + PLACEHOLDERS),
                bad("process launcher with a literal brace not doubled", () -> withLauncher(
                                ProcessLauncher.builder("server", "--json={\"port\": {port}}")),
                        PL + ".command[1]", PL + ".command[1]: \"--json={\"port\": {port}}\" " + PLACEHOLDERS),
                bad("process launcher with a placeholder in the program that is not one", () -> withLauncher(
                                ProcessLauncher.builder("{program}", "--port={port}")),
                        PL + ".command[0]", PL + ".command[0]: \"{program}\" " + PLACEHOLDERS),
                bad("process launcher with a misspelled placeholder in an environment value", () -> withLauncher(
                                process().environment(Map.of("ZONE", "{zon}"))),
                        PL + ".environment.ZONE", PL + ".environment.ZONE: \"{zon}\" " + PLACEHOLDERS),
                bad("process launcher with a NUL in an argument", () -> withLauncher(
                                ProcessLauncher.builder("server", "--port={port}\0")),
                        PL + ".command[1]",
                        PL + ".command[1]: \"--port={port}\\u0000\" (expected: an argument without NUL characters)"),
                bad("process launcher with a NUL in the program", () -> withLauncher(
                                ProcessLauncher.builder("ser\0ver")),
                        PL + ".command[0]", PL + ".command[0]: \"ser\\u0000ver\" (expected: a program without NUL"
                                + " characters)"),
                bad("process launcher with '=' in an environment name", () -> withLauncher(process()
                                .environment(Map.of("A=B", "1"))),
                        PL + ".environment", PL + ".environment: \"A=B\" " + ENV_NAMES),
                bad("process launcher with an empty environment name", () -> withLauncher(process()
                                .environment(Map.of("", "1"))),
                        PL + ".environment", PL + ".environment: \"\" " + ENV_NAMES),
                bad("process launcher with a NUL in an environment name", () -> withLauncher(process()
                                .environment(Map.of("A\0", "1"))),
                        PL + ".environment", PL + ".environment: \"A\\u0000\" " + ENV_NAMES),
                bad("process launcher with a NUL in an environment value", () -> withLauncher(process()
                                .environment(Map.of("ZONE", "{zone}\0"))),
                        PL + ".environment.ZONE",
                        PL + ".environment.ZONE: \"{zone}\\u0000\" (expected: a value without NUL characters)"),
                bad("process launcher with a NUL in the working directory", () -> withLauncher(process()
                                .workingDirectory("/srv\0")),
                        PL + ".workingDirectory",
                        PL + ".workingDirectory: \"/srv\\u0000\" (expected: a directory without NUL characters)"),

                // listeners
                bad("no listeners", () -> lb(),
                        "listeners", "listeners: [] (expected: at least one listener)"),
                bad("a null listener", () -> lb().listener((Listener.Builder) null),
                        "listeners[0]", "listeners[0]: absent (expected: a listener)"),
                bad("listener without backend service", () -> with(Listener.tcp(8080)),
                        "listeners[0].backendService",
                        "listeners[0].backendService: absent (expected: a backend service)"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidSpecs")
    void reportsTheOneViolationWithItsPathValueAndExpectation(String mistake, Supplier<LoadBalancerSpec.Builder> spec,
                                                               String path, String violation, String lbName) {
        LoadBalancerSpec.Builder builder = spec.get();
        List<Violation> found = builder.violations();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).path()).isEqualTo(path);
        assertThat(found.get(0)).hasToString(violation);
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).isEqualTo(found);
                    assertThat(e.getMessage()).isEqualTo("invalid load balancer \"" + lbName + "\": " + violation);
                });
    }

    // ---- values that validate as soon as they are made, with paths relative to the value ----

    private static Arguments failsAtOnce(String mistake, Supplier<?> make, String subject, String path,
                                         String violation) {
        return Arguments.of(mistake, make, subject, path, violation);
    }

    static Stream<Arguments> invalidValues() {
        Duration s30 = Duration.ofSeconds(30);
        return Stream.of(
                failsAtOnce("weight 0", () -> StaticServer.of("10.0.0.1").weight(0),
                        "static server", "weight", "weight: 0 (expected: 1-100)"),
                failsAtOnce("weight 101", () -> StaticServer.of("10.0.0.1", 9001).weight(101),
                        "static server", "weight", "weight: 101 (expected: 1-100)"),
                failsAtOnce("blank server address", () -> StaticServer.of(" "),
                        "static server", "address", "address: \" \" (expected: an IP address or host name)"),
                failsAtOnce("server port 0", () -> StaticServer.of("10.0.0.1", 0),
                        "static server", "port", "port: 0 (expected: 1-65535)"),
                failsAtOnce("rule source that is not a CIDR", () -> InboundRule.allow("x"),
                        "inbound rule", "source", "source: \"x\" (expected: " + CIDR_RULE + ")"),
                failsAtOnce("deny rule with prefix /33", () -> InboundRule.deny("10.0.0.0/33"),
                        "inbound rule", "source", "source: \"10.0.0.0/33\" (expected: " + CIDR_RULE + ")"),
                failsAtOnce("rule without source", () -> InboundRule.allow(null),
                        "inbound rule", "source", "source: absent (expected: " + CIDR_RULE + ")"),
                failsAtOnce("rule priority 0", () -> InboundRule.allow("10.0.0.0/8").priority(0),
                        "inbound rule", "priority", "priority: 0 (expected: 1-32767)"),
                failsAtOnce("rule priority 32768", () -> InboundRule.deny("10.0.0.0/8").priority(32_768),
                        "inbound rule", "priority", "priority: 32768 (expected: 1-32767)"),
                failsAtOnce("blank placement region", () -> Placement.of("", "vpc-web", "az-a"),
                        "placement", "region", "region: \"\" (expected: a region name such as cn-north-1)"),
                failsAtOnce("placement without VPC", () -> Placement.of("cn-north-1", null, "az-a"),
                        "placement", "vpc", "vpc: absent (expected: a VPC identifier)"),
                failsAtOnce("placement without zones", () -> Placement.of("cn-north-1", "vpc-web"),
                        "placement", "zones", "zones: [] (expected: at least one availability zone)"),
                failsAtOnce("placement with a zone twice", () -> Placement.of("cn-north-1", "vpc-web", "az-a", "az-a"),
                        "placement", "zones[1]", "zones[1]: \"az-a\" (expected: a zone listed once)"),
                failsAtOnce("zero session persistence timeout", () -> SessionPersistence.sourceIp(Duration.ZERO),
                        "session persistence", "timeout", "timeout: 0s (expected: a positive duration)"),
                failsAtOnce("outlier detection after 0 failures", () -> OutlierDetection.of(0, s30, 10),
                        "outlier detection", "consecutiveFailures", "consecutiveFailures: 0 (expected: at least 1)"),
                failsAtOnce("zero base ejection time", () -> OutlierDetection.of(5, Duration.ZERO, 10),
                        "outlier detection", "baseEjectionTime", "baseEjectionTime: 0s (expected: a positive duration)"),
                failsAtOnce("ejection share over 100%", () -> OutlierDetection.of(5, s30, 101),
                        "outlier detection", "maxEjectionPercent", "maxEjectionPercent: 101 (expected: 0-100)"),
                failsAtOnce("target 0", () -> TargetTracking.activeConnectionsPerInstance(0),
                        "target tracking", "targetConnectionsPerInstance",
                        "targetConnectionsPerInstance: 0 (expected: at least 1)"),
                failsAtOnce("negative scale-out cooldown", () -> TargetTracking.activeConnectionsPerInstance(50)
                                .cooldowns(Duration.ofSeconds(-1), Duration.ZERO),
                        "target tracking", "scaleOutCooldown", "scaleOutCooldown: -1s (expected: 0s or a positive"
                                + " duration)"),
                failsAtOnce("negative scale-in cooldown", () -> TargetTracking.activeConnectionsPerInstance(50)
                                .cooldowns(Duration.ZERO, Duration.ofSeconds(-2)),
                        "target tracking", "scaleInCooldown", "scaleInCooldown: -2s (expected: 0s or a positive"
                                + " duration)"),
                failsAtOnce("blank provider type", () -> ServerSource.provider(" ", Map.of()),
                        "membership provider", "type", "type: \" \" (expected: a membership provider type such as"
                                + " file or zookeeper)"),
                failsAtOnce("null provider property", () -> ServerSource.provider("file", mapOf("path", null)),
                        "membership provider", "properties.path", "properties.path: absent (expected: a value)"),
                failsAtOnce("process launcher with an empty command", () -> InstanceLauncher.process(),
                        "process launcher", "command", "command: [] (expected: a program and its arguments)"),
                failsAtOnce("process launcher with a blank program", () -> InstanceLauncher.process(" "),
                        "process launcher", "command[0]", "command[0]: \" \" (expected: a program)"),
                failsAtOnce("process launcher with a null argument", () -> InstanceLauncher.process("server", null),
                        "process launcher", "command[1]", "command[1]: absent (expected: an argument)"),
                failsAtOnce("capacity min above max", () -> Capacity.of(5, 5, 2),
                        "capacity", "", "min 5 > max 2 (expected: min <= desired <= max)"),
                failsAtOnce("capacity min -1", () -> new Capacity(-1, 0, 1),
                        "capacity", "min", "min: -1 (expected: at least 0)"),
                failsAtOnce("capacity max 0", () -> Capacity.of(0, 0, 0),
                        "capacity", "max", "max: 0 (expected: at least 1)"),
                failsAtOnce("desired capacity above max", () -> Capacity.of(1, 2, 3).withDesired(4),
                        "capacity", "desired", "desired: 4 (expected: between min 1 and max 3)"),
                failsAtOnce("blank security group name", () -> SecurityGroup.of(" ", InboundRule.allow("10.0.0.0/8")),
                        "security group \" \"", "name", "name: \" \" (expected: " + NAME_RULE + ")"),
                failsAtOnce("session persistence of 366 days", () -> SessionPersistence.sourceIp(D366),
                        "session persistence", "timeout", "timeout: 366d " + AT_MOST_365D),
                failsAtOnce("base ejection time of 366 days", () -> OutlierDetection.of(5, D366, 10),
                        "outlier detection", "baseEjectionTime", "baseEjectionTime: 366d " + AT_MOST_365D),
                failsAtOnce("outlier detection after 1001 failures", () -> OutlierDetection.of(1001, s30, 10),
                        "outlier detection", "consecutiveFailures", "consecutiveFailures: 1001 (expected: at most 1000)"),
                failsAtOnce("scale-in cooldown of 366 days", () -> TargetTracking.activeConnectionsPerInstance(50)
                                .cooldowns(Duration.ZERO, D366),
                        "target tracking", "scaleInCooldown", "scaleInCooldown: 366d " + AT_MOST_365D),
                failsAtOnce("target 1000001", () -> TargetTracking.activeConnectionsPerInstance(1_000_001),
                        "target tracking", "targetConnectionsPerInstance",
                        "targetConnectionsPerInstance: 1000001 (expected: at most 1000000)"),
                failsAtOnce("capacity max 1001", () -> Capacity.of(0, 0, 1001),
                        "capacity", "max", "max: 1001 (expected: at most 1000)"),
                failsAtOnce("desired capacity above max 1000", () -> Capacity.of(0, 1, 1000).withDesired(1001),
                        "capacity", "desired", "desired: 1001 (expected: between min 0 and max 1000)"),
                failsAtOnce("process launcher with a misspelled placeholder", () -> InstanceLauncher.process("server",
                                "--port={prot}"),
                        "process launcher", "command[1]", "command[1]: \"--port={prot}\" " + PLACEHOLDERS),
                failsAtOnce("process launcher with '=' in an environment name", () -> ProcessLauncher.builder("server")
                                .environment(Map.of("A=B", "1")).build(),
                        "process launcher", "environment", "environment: \"A=B\" " + ENV_NAMES));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidValues")
    void aValueFactoryFailsAtOnceWithAPathRelativeToTheValue(String mistake, Supplier<?> make, String subject,
                                                             String path, String violation) {
        assertThatThrownBy(make::get)
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).hasSize(1);
                    assertThat(e.violations().get(0).path()).isEqualTo(path);
                    assertThat(e.violations().get(0)).hasToString(violation);
                    assertThat(e.getMessage()).isEqualTo("invalid " + subject + ": " + violation);
                });
    }

    @Test
    void aPortRangeIsCheckedWhenMade() {
        assertThatThrownBy(() -> PortRange.of(9000, 8000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ports: 9000-8000 (expected: ports 1-65535, first not above last)");
        assertThatThrownBy(() -> PortRange.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ports: 0 (expected: ports 1-65535, first not above last)");
        assertThatThrownBy(() -> new PortRange(1, 65_536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ports: 1-65536 (expected: ports 1-65535, first not above last)");
        assertThat(PortRange.of(1, 65_535)).isEqualTo(PortRange.ALL);
        assertThat(PortRange.of(8080, 8080)).isEqualTo(PortRange.of(8080));
    }

    @Test
    void anInProcessLauncherNeedsAFactoryClassWithAPublicNoArgumentConstructor() {
        assertThatThrownBy(() -> InstanceLauncher.inProcess(NoDefaultConstructor.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("launcher.inProcess: \"" + NoDefaultConstructor.class.getName()
                        + "\" (expected: an InstanceFactory class with a public no-argument constructor)");
        assertThat(InstanceLauncher.inProcess(Specs.NoopFactory.class))
                .isEqualTo(InstanceLauncher.inProcess(Specs.NoopFactory.class));
    }

    /** A factory that cannot be made by reflection. */
    public static final class NoDefaultConstructor implements InstanceFactory {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public InstanceHandle start(InstanceContext context) {
            throw new UnsupportedOperationException();
        }
    }

    /** HTTP-only and send/expect-only settings cannot be written on another kind of check: the file reader reports them. */
    @Test
    void aCheckKindHasOnlyItsOwnSetters() {
        List<String> httpOnly = List.of("path", "host", "expectedStatuses", "expectBody");
        List<String> sendExpectOnly = List.of("send", "expect");
        assertThat(setters(HealthCheck.Http.Builder.class)).containsAll(httpOnly).doesNotContainAnyElementsOf(sendExpectOnly);
        assertThat(setters(HealthCheck.SendExpect.Builder.class)).containsAll(sendExpectOnly)
                .doesNotContainAnyElementsOf(httpOnly);
        assertThat(setters(HealthCheck.Tcp.Builder.class)).doesNotContainAnyElementsOf(httpOnly)
                .doesNotContainAnyElementsOf(sendExpectOnly).contains("interval", "timeout", "port");
        assertThat(setters(HealthCheck.None.Builder.class)).doesNotContainAnyElementsOf(httpOnly)
                .doesNotContainAnyElementsOf(sendExpectOnly).doesNotContain("interval", "timeout", "port")
                .contains("outlierDetection");
    }

    private static List<String> setters(Class<?> builder) {
        return Arrays.stream(builder.getMethods()).map(Method::getName).toList();
    }

    // ---- the building blocks are valid, and so are the boundaries next to each rule ----

    private static Arguments valid(String description, Supplier<LoadBalancerSpec.Builder> spec) {
        return Arguments.of(description, spec);
    }

    static Stream<Arguments> validSpecs() {
        return Stream.of(
                valid("the building blocks", () -> with(service())),
                valid("the full spec", () -> Specs.full().toBuilder()),
                valid("an availability group", () -> withGroup(group())),
                valid("a process launcher", () -> withLauncher(process())),
                valid("a security group rule", () -> withRule(InboundRule.builder(InboundRule.Action.DENY, "10.0.0.0/8"))),
                valid("names of 1 and 64 characters, digits first, '.', '_' and '-' inside", () -> placed("w")
                        .listener(Listener.tcp(8080).name("0.listener_a-b")
                                .backendService(BackendService.builder("s".repeat(64)).port(9000).staticServers()))),
                valid("two listeners on port 0", () -> lb()
                        .listener(Listener.tcp(0).backendService(service()))
                        .listener(Listener.tcp(0).backendService(service()))),
                valid("ports 1 and 65535", () -> lb()
                        .listener(Listener.tcp(1).backendService(service().port(65_535)
                                .healthCheck(HealthCheck.tcp().port(1))))
                        .listener(Listener.tcp(65_535).backendService(BackendService.builder("other")
                                .healthCheck(HealthCheck.tcp().port(65_535))
                                .staticServer(server("10.0.0.1").port(1)).staticServer(server("10.0.0.1").port(65_535))))),
                valid("template ports 0 and 65535", () -> lb()
                        .listener(Listener.tcp(8080).backendService(BackendService.builder("a")
                                .availabilityGroup(group("a-ag").template(template().port(0)))))
                        .listener(Listener.tcp(8081).backendService(BackendService.builder("b")
                                .availabilityGroup(group("b-ag").template(template().port(65_535)))))),
                valid("named and unnamed listeners", () -> lb()
                        .listener(listener().name("web"))
                        .listener(Listener.tcp(8081).name("api").backendService(service()))
                        .listener(Listener.tcp(8082).backendService(service()))
                        .listener(Listener.tcp(8083).backendService(service()))),
                valid("weights 1 and 100", () -> with(BackendService.builder("web").port(9000)
                        .staticServer(server("10.0.0.1").weight(1)).staticServer(server("10.0.0.2").weight(100)))),
                valid("one address on two ports", () -> with(BackendService.builder("web").port(9000)
                        .staticServer(server("10.0.0.1").port(9001)).staticServer(server("10.0.0.1").port(9002)))),
                valid("an empty static server list", () -> with(BackendService.builder("web").staticServers())),
                valid("a static server placed in a zone the load balancer serves", () -> withServer(server("10.0.0.1")
                        .placement(placement().zones("az-b").subnet("subnet-1")))),
                valid("priorities 1 and 32767", () -> lb()
                        .securityGroup(SecurityGroup.builder("office")
                                .rule(InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.0/8").priority(1))
                                .rule(InboundRule.builder(InboundRule.Action.DENY, "0.0.0.0/0").priority(32_767)
                                        .ports(PortRange.of(1, 65_535))))
                        .listener(listener())),
                valid("a security group without rules", () -> lb().securityGroup(SecurityGroup.builder("empty"))
                        .listener(listener())),
                valid("timeout just below interval", () -> with(HealthCheck.tcp()
                        .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(99)))),
                valid("thresholds 1", () -> with(HealthCheck.tcp().healthyThreshold(1).unhealthyThreshold(1))),
                valid("HTTP statuses at the edges", () -> with(HealthCheck.http("/")
                        .expectedStatuses("100", "599", "1xx", "5xx", "200-200", "100-599"))),
                valid("HTTP check with the default path and no statuses", () -> with(HealthCheck.http(null)
                        .expectedStatuses(List.of()))),
                valid("send/expect with an empty send", () -> with(HealthCheck.sendExpect("", "220 "))),
                valid("outlier detection at its edges", () -> with(HealthCheck.tcp()
                        .outlierDetection(OutlierDetection.builder().consecutiveFailures(1)
                                .baseEjectionTime(Duration.ofMillis(1)).maxEjectionPercent(0)))),
                valid("outlier ejection share 100%", () -> with(HealthCheck.None.builder()
                        .outlierDetection(OutlierDetection.of(1, Duration.ofMillis(1), 100)))),
                valid("settings of disabled outlier detection are not checked", () -> with(HealthCheck.tcp()
                        .outlierDetection(OutlierDetection.builder().enabled(false).consecutiveFailures(0)))),
                valid("draining off", () -> with(service().connectionDraining(Duration.ZERO))),
                valid("session persistence of 1ms", () -> with(service().sessionPersistence(Duration.ofMillis(1)))),
                valid("idle timeout of 1ms and one connection", () -> with(listener().idleTimeout(Duration.ofMillis(1))
                        .maxConnections(1))),
                valid("capacity 0/0/1", () -> withGroup(group().capacity(0, 0, 1))),
                valid("capacity with desired at max", () -> withGroup(group().capacity(Capacity.of(2, 5, 5)))),
                valid("a group without capacity runs one instance", () -> withGroup(AvailabilityGroup.builder("web-ag")
                        .region("cn-north-1").vpc("vpc-web").zones("az-b").template(template()))),
                valid("target tracking with target 1 and no cooldowns", () -> withGroup(group()
                        .targetTracking(TargetTracking.builder(1).scaleOutCooldown(Duration.ZERO)
                                .scaleInCooldown(Duration.ZERO)))),
                valid("replacement after 1ms", () -> withGroup(group().replaceUnhealthyAfter(Duration.ofMillis(1)))),
                valid("a process launcher with only a program, an empty value and no grace period", () -> withLauncher(
                        ProcessLauncher.builder("server").environment(Map.of("EMPTY", "")).workingDirectory("/tmp")
                                .readyTimeout(Duration.ofMillis(1)).stopGracePeriod(Duration.ZERO))),
                valid("an empty label value", () -> withTemplate(template().label("tier", ""))),
                valid("every duration at 365 days", () -> lb()
                        .listener(Listener.tcp(8080).idleTimeout(Duration.ofDays(365))
                                .backendService(BackendService.builder("web").port(9000)
                                        .sessionPersistence(Duration.ofDays(365))
                                        .connectionDraining(Duration.ofHours(365 * 24))
                                        .healthCheck(HealthCheck.tcp().interval(Duration.ofDays(365))
                                                .timeout(Duration.ofDays(364))
                                                .outlierDetection(OutlierDetection.builder()
                                                        .baseEjectionTime(Duration.ofDays(365))))
                                        .availabilityGroup(group().replaceUnhealthyAfter(Duration.ofDays(365))
                                                .targetTracking(TargetTracking.builder(50)
                                                        .scaleOutCooldown(Duration.ofDays(365))
                                                        .scaleInCooldown(Duration.ofDays(365)))
                                                .template(template().launcher(process()
                                                        .readyTimeout(Duration.ofDays(365))
                                                        .stopGracePeriod(Duration.ofDays(365)))))))),
                valid("every count at its upper bound", () -> lb()
                        .listener(Listener.tcp(8080).maxConnections(Listener.MAX_CONNECTIONS_LIMIT)
                                .backendService(BackendService.builder("web").port(9000)
                                        .healthCheck(HealthCheck.tcp().healthyThreshold(100).unhealthyThreshold(100)
                                                .outlierDetection(OutlierDetection.of(1000, Duration.ofSeconds(30), 100)))
                                        .availabilityGroup(group().capacity(1000, 1000, 1000)
                                                .targetTracking(TargetTracking.builder(1_000_000)))))),
                valid("a process launcher with every placeholder and doubled braces", () -> withLauncher(
                        ProcessLauncher.builder("{group}-server", "--port={port}", "--host={host}", "--id={instanceId}",
                                        "--zone={zone}", "--json={{\"port\": {port}}}", "{{}}", "}}{{", "{{port}}")
                                .environment(Map.of("JSON", "{{\"zone\": \"{zone}\"}}", "PLAIN", "no braces")))),
                valid("a working directory with braces, which are not placeholders there", () -> withLauncher(process()
                        .workingDirectory("/srv/{app}"))),
                valid("an HTTP path percent-encoded and a host with a port", () -> with(HealthCheck.http(
                        "/health%20check?full=1").host("web.internal:8080"))),
                valid("a provider without properties", () -> withProvider("file", Map.of())),
                valid("a provider property with an empty value", () -> withProvider("file", Map.of("path", ""))),
                valid("IPv6 and /0 rules", () -> lb().securityGroup(SecurityGroup.allowAll())
                        .securityGroup(SecurityGroup.of("v6", InboundRule.deny("2001:db8::1"), InboundRule.allow("fd00::/8")))
                        .listener(listener())));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validSpecs")
    void acceptsValidSpecsAtTheBoundaries(String description, Supplier<LoadBalancerSpec.Builder> spec) {
        LoadBalancerSpec.Builder builder = spec.get();
        assertThat(builder.violations()).isEmpty();
        assertThat(builder.build().toBuilder().build()).isEqualTo(builder.build());
    }

    // ---- sharing: identical services and groups are checked once, different ones of one name are reported ----

    @Test
    void twoListenersMayShareAnIdenticalBackendService() {
        BackendService shared = service().build();
        BackendService.Builder sharedBuilder = service();
        List<LoadBalancerSpec> specs = List.of(
                lb().listener(Listener.tcp(8080).backendService(shared))
                        .listener(Listener.tcp(8081).backendService(shared)).build(),
                lb().listener(Listener.tcp(8080).backendService(service()))
                        .listener(Listener.tcp(8081).backendService(service())).build(),
                lb().listener(Listener.tcp(8080).backendService(sharedBuilder))
                        .listener(Listener.tcp(8081).backendService(sharedBuilder)).build());
        for (LoadBalancerSpec spec : specs) {
            assertThat(spec.listeners()).extracting(Listener::backendService).containsExactly(shared, shared);
        }
        assertThat(specs).containsOnly(specs.get(0));

        LoadBalancerSpec.Builder different = lb().listener(Listener.tcp(8080).backendService(shared))
                .listener(Listener.tcp(8081).backendService(shared.toBuilder().connectionDraining(Duration.ZERO)));
        assertThat(different.violations()).containsExactly(new Violation("listeners[1].backendService.name", "\"web\"",
                "a name not used by the different backend service at listeners[0].backendService"
                        + " (listeners may share a backend service only if it is identical)"));
    }

    @Test
    void twoBackendServicesMayShareAnIdenticalAvailabilityGroup() {
        AvailabilityGroup shared = group().build();
        LoadBalancerSpec spec = lb()
                .listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .availabilityGroup(shared)))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("admin").port(9001)
                        .availabilityGroup(group())))
                .build();
        assertThat(spec.listeners()).extracting(l -> ((ServerSource.Group) l.backendService().servers()).group())
                .containsExactly(shared, shared);

        LoadBalancerSpec.Builder different = lb()
                .listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .availabilityGroup(shared)))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("admin").port(9001)
                        .availabilityGroup(group().replaceUnhealthyAfter(Duration.ofSeconds(5)))));
        assertThat(different.violations()).containsExactly(new Violation(
                "listeners[1].backendService.servers.availabilityGroup.name", "\"web-ag\"",
                "a name not used by the different availability group at " + AG));
    }

    /**
     * Two listeners given equal copies of one invalid service share that service: its mistake is reported once,
     * and the second listener is not told its service differs from the first, which it does not.
     */
    @Test
    void anIdenticalButInvalidSharedServiceIsReportedOnceAndNotAsADifferentService() {
        BackendService.Builder invalid = service().connectionDraining(Duration.ofSeconds(-1));
        LoadBalancerSpec.Builder builder = lb()
                .listener(Listener.tcp(8080).backendService(invalid))
                .listener(Listener.tcp(8081).backendService(invalid));
        assertThat(builder.violations()).containsExactly(new Violation(S + ".connectionDraining", "-1s",
                "0s (off) or a positive duration"));
    }

    /** The same for an availability group that two services share. */
    @Test
    void anIdenticalButInvalidSharedGroupIsReportedOnceAndNotAsADifferentGroup() {
        AvailabilityGroup.Builder invalid = group().replaceUnhealthyAfter(Duration.ZERO);
        LoadBalancerSpec.Builder builder = lb()
                .listener(Listener.tcp(8080).backendService(BackendService.builder("web").port(9000)
                        .availabilityGroup(invalid)))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("admin").port(9000)
                        .availabilityGroup(invalid)));
        assertThat(builder.violations()).containsExactly(new Violation(AG + ".replaceUnhealthyAfter", "0s",
                "a positive duration"));
    }

    /**
     * A server without its own port is on the service's port, so listing it with that port as well lists one
     * endpoint twice.
     */
    @Test
    void aServerListedOnceWithTheServicePortAndOnceWithoutIsListedTwice() {
        LoadBalancerSpec.Builder builder = with(BackendService.builder("web").port(9000)
                .staticServer(server("10.0.0.1")).staticServer(server("10.0.0.1").port(9000)));
        assertThat(builder.violations()).hasSize(1).first().satisfies(v -> {
            assertThat(v.path()).isEqualTo(ST + "[1]");
            assertThat(v.expected()).isEqualTo("a server not listed before (static[0])");
        });
    }

    // ---- a server source is exactly one of three: a later one replaces an earlier one ----

    @Test
    void aLaterServerSourceReplacesAnEarlierOne() {
        StaticServer only = StaticServer.of("10.0.0.9");
        BackendService staticLast = BackendService.builder("web").port(9000).provider("file", Map.of("path", "m"))
                .staticServer(only.toBuilder()).build();
        assertThat(staticLast.servers()).isEqualTo(ServerSource.staticServers(only));

        BackendService providerLast = service().availabilityGroup(group()).provider("file", Map.of("path", "m"))
                .build();
        assertThat(providerLast.servers()).isEqualTo(ServerSource.provider("file", Map.of("path", "m")));

        BackendService groupLast = service().provider("file", Map.of()).availabilityGroup(group()).build();
        assertThat(groupLast.servers()).isEqualTo(ServerSource.availabilityGroup(group().build()));

        BackendService listReplaced = service().staticServers(only).build();
        assertThat(listReplaced.servers()).isEqualTo(ServerSource.staticServers(only));
        assertThat(service().staticServer(only.toBuilder()).build().servers())
                .isEqualTo(ServerSource.staticServers(StaticServer.of("10.0.0.1"), StaticServer.of("10.0.0.2", 9001),
                        only));

        for (ServerSource source : List.of(ServerSource.staticServers(only), ServerSource.staticServers(),
                ServerSource.availabilityGroup(group().build()), ServerSource.provider("file", Map.of("path", "m")))) {
            assertThat(service().servers(source).build().servers()).isEqualTo(source);
        }
    }

    // ---- toBuilder gives back an equal value ----

    @Test
    void toBuilderThenBuildGivesAnEqualSpec() {
        LoadBalancerSpec full = Specs.full();
        LoadBalancerSpec again = full.toBuilder().build();
        assertThat(again).isEqualTo(full).hasSameHashCodeAs(full).isNotSameAs(full);
        assertThat(again.toString()).isEqualTo(full.toString());
        assertThat(full.toBuilder().name("other-lb").build()).isNotEqualTo(full);
        assertThat(full.toBuilder().zones("az-a", "az-b", "az-c").build()).isNotEqualTo(full);

        assertThat(full.placement().toBuilder().build()).isEqualTo(full.placement());
        for (SecurityGroup sg : full.securityGroups()) {
            assertThat(sg.toBuilder().build()).isEqualTo(sg);
            for (InboundRule rule : sg.rules()) {
                assertThat(rule.toBuilder().build()).isEqualTo(rule);
            }
        }
        for (Listener l : full.listeners()) {
            assertThat(l.toBuilder().build()).isEqualTo(l);
            BackendService s = l.backendService();
            assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
            assertThat(s.sessionPersistence().toBuilder().build()).isEqualTo(s.sessionPersistence());
            assertThat(s.healthCheck().toBuilder().build()).isEqualTo(s.healthCheck())
                    .hasSameHashCodeAs(s.healthCheck());
            assertThat(s.healthCheck().outlierDetection().toBuilder().build())
                    .isEqualTo(s.healthCheck().outlierDetection());
            if (s.servers() instanceof ServerSource.Static st) {
                for (StaticServer server : st.servers()) {
                    assertThat(server.toBuilder().build()).isEqualTo(server);
                }
            } else if (s.servers() instanceof ServerSource.Group g) {
                AvailabilityGroup group = g.group();
                assertThat(group.toBuilder().build()).isEqualTo(group).hasSameHashCodeAs(group);
                assertThat(group.template().toBuilder().build()).isEqualTo(group.template());
                group.targetTracking().ifPresent(tt -> assertThat(tt.toBuilder().build()).isEqualTo(tt));
                if (group.template().launcher() instanceof ProcessLauncher p) {
                    assertThat(p.toBuilder().build()).isEqualTo(p);
                }
            }
        }
    }

    // ---- a builder given to a parent is copied ----

    /**
     * Builds a parent from a child builder, changes the child, and checks that the parent builds the same value
     * as before, and that the change would have made a difference had the parent been built from the changed child.
     */
    private static <C> Arguments copied(String what, Supplier<C> child, Function<C, Supplier<?>> parentOf,
                                        Consumer<C> change) {
        Runnable check = () -> {
            C c = child.get();
            Supplier<?> parent = parentOf.apply(c);
            Object before = parent.get();
            change.accept(c);
            assertThat(parent.get()).as("the parent built after the change").isEqualTo(before);
            assertThat(parentOf.apply(c).get()).as("a parent of the changed child").isNotEqualTo(before);
        };
        return Arguments.of(what, check);
    }

    static Stream<Arguments> childBuilders() {
        return Stream.of(
                copied("a listener given to a load balancer", InvalidSpecTest::listener,
                        l -> lb().listener(l)::build, l -> l.port(9999)),
                copied("a security group given to a load balancer", () -> SecurityGroup.builder("office")
                                .rule(InboundRule.allow("10.0.0.0/8")),
                        g -> lb().securityGroup(g).listener(listener())::build,
                        g -> g.rule(InboundRule.deny("10.1.0.0/16"))),
                copied("a rule given to a security group", () -> InboundRule.builder(InboundRule.Action.ALLOW,
                                "10.0.0.0/8"),
                        r -> SecurityGroup.builder("office").rule(r)::build, r -> r.priority(7)),
                copied("a backend service given to a listener", InvalidSpecTest::service,
                        s -> Listener.tcp(8080).backendService(s)::build, s -> s.port(9001)),
                copied("a backend service given to a listener given to a load balancer", InvalidSpecTest::service,
                        s -> {
                            LoadBalancerSpec.Builder b = lb().listener(Listener.tcp(8080).backendService(s));
                            return b::build;
                        }, s -> s.scheduling(Scheduling.MAGLEV)),
                copied("a health check given to a backend service", () -> HealthCheck.http("/health"),
                        h -> service().healthCheck(h)::build, h -> h.path("/ready")),
                copied("outlier detection given to a health check", () -> OutlierDetection.builder(),
                        o -> HealthCheck.tcp().outlierDetection(o)::build, o -> o.maxEjectionPercent(50)),
                copied("session persistence given to a backend service", () -> SessionPersistence.builder()
                                .mode(SessionPersistence.Mode.SOURCE_IP),
                        p -> service().sessionPersistence(p)::build, p -> p.timeout(Duration.ofSeconds(5))),
                copied("a static server given to a backend service", () -> server("10.0.0.1"),
                        s -> BackendService.builder("web").port(9000).staticServer(s)::build, s -> s.weight(9)),
                copied("a placement given to a static server", InvalidSpecTest::placement,
                        p -> server("10.0.0.1").placement(p)::build, p -> p.zones("az-b")),
                copied("an availability group given to a backend service", InvalidSpecTest::group,
                        g -> BackendService.builder("web").port(9000).availabilityGroup(g)::build,
                        g -> g.capacity(1, 1, 1)),
                copied("a template given to an availability group", InvalidSpecTest::template,
                        t -> group().template(t)::build, t -> t.label("tier", "web")),
                copied("target tracking given to an availability group", () -> TargetTracking.builder(50),
                        t -> group().targetTracking(t)::build, t -> t.scaleInCooldown(Duration.ZERO)),
                copied("a process launcher given to a template", InvalidSpecTest::process,
                        p -> template().launcher(p)::build, p -> p.workingDirectory("/srv")),
                copied("the zones given to a placement", () -> new ArrayList<>(List.of("az-a")),
                        z -> Placement.builder().region("cn-north-1").vpc("vpc-web").zones(z)::build,
                        z -> z.add("az-b")),
                copied("the command given to a process launcher", () -> new ArrayList<>(List.of("server")),
                        c -> ProcessLauncher.builder(c)::build, c -> c.add("--verbose")),
                copied("the environment given to a process launcher", () -> new HashMap<>(Map.of("A", "1")),
                        e -> process().environment(e)::build, e -> e.put("B", "2")),
                copied("the labels given to a template", () -> new HashMap<>(Map.of("tier", "web")),
                        m -> template().labels(m)::build, m -> m.put("zone", "a")),
                copied("the properties given to a provider", () -> new HashMap<>(Map.of("path", "m")),
                        m -> BackendService.builder("registry").provider("file", m)::build, m -> m.put("x", "y")),
                copied("the statuses given to an HTTP check", () -> new ArrayList<>(List.of("200")),
                        l -> HealthCheck.http("/").expectedStatuses(l)::build, l -> l.add("204")),
                copied("the servers given to a backend service", () -> new ArrayList<>(List.of(StaticServer.of("10.0.0.1"))),
                        l -> BackendService.builder("web").port(9000).staticServers(l)::build,
                        l -> l.add(StaticServer.of("10.0.0.2"))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("childBuilders")
    void aBuilderGivenToAParentIsCopied(String what, Runnable check) {
        check.run();
    }

    @Test
    void aBuiltSpecDoesNotChangeWithItsBuilder() {
        LoadBalancerSpec.Builder builder = lb().listener(listener());
        LoadBalancerSpec spec = builder.build();
        LoadBalancerSpec same = lb().listener(listener()).build();
        builder.name("other").zones("az-c").clearListeners().listener(Listener.tcp(1).backendService(service()))
                .securityGroup(SecurityGroup.allowAll());
        assertThat(spec).isEqualTo(same);
        assertThat(builder.build()).isNotEqualTo(same);
        assertThatThrownBy(() -> spec.listeners().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> spec.placement().zones().add("az-z")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Specs.full().securityGroups().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- all violations at once, and without throwing ----

    private static LoadBalancerSpec.Builder sevenMistakes() {
        return LoadBalancerSpec.builder("web lb")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b", "az-a")
                .securityGroup(SecurityGroup.builder("office")
                        .rule(InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.0/33")))
                .listener(Listener.tcp(-1).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofSeconds(3)).timeout(Duration.ofSeconds(5)))
                        .staticServer(server("10.0.0.1").weight(0))))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("app").port(9000)
                        .availabilityGroup(group().zones("az-a", "az-c"))));
    }

    @Test
    void reportsEveryViolationOfOneSpecInOneException() {
        assertThatThrownBy(sevenMistakes()::build).isInstanceOfSatisfying(SpecValidationException.class, e -> {
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
    void violationsListsWhatBuildWouldThrowWithoutThrowing() {
        LoadBalancerSpec.Builder builder = sevenMistakes();
        List<Violation> violations = builder.violations();
        assertThat(violations).hasSize(7);
        assertThat(builder.violations()).isEqualTo(violations);
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(SpecValidationException.class,
                e -> assertThat(e.violations()).isEqualTo(violations));

        LoadBalancerSpec.Builder unplaced = LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web");
        assertThat(unplaced.violations()).containsExactly(
                new Violation("placement.zones", "[]", "at least one availability zone"),
                new Violation("listeners", "[]", "at least one listener"));
        assertThatThrownBy(unplaced::build).isInstanceOfSatisfying(SpecValidationException.class, e -> {
            assertThat(e.violations()).isEqualTo(unplaced.violations());
            assertThat(e.getMessage()).isEqualTo("invalid load balancer \"web-lb\", 2 violations:" + NL
                    + "  placement.zones: [] (expected: at least one availability zone)" + NL
                    + "  listeners: [] (expected: at least one listener)");
        });

        LoadBalancerSpec.Builder fixed = unplaced.zones("az-a").listener(listener());
        assertThat(fixed.violations()).isEmpty();
        assertThat(fixed.build().listeners()).hasSize(1);
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
        assertThatThrownBy(() -> HealthCheck.sendExpect("PING", "").build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid health check: expect: \"\" (expected: a non-empty expected reply prefix)");
        assertThat(HealthCheck.http("/health").expectedStatuses("2xx", "401-403").build().expectedStatuses())
                .containsExactly("2xx", "401-403");
        assertThat(HealthCheck.http(null).build().path()).isEqualTo(HealthCheck.DEFAULT_PATH);
    }

    @Test
    void backendServiceBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> BackendService.builder("web").port(0)
                .healthCheck(HealthCheck.http("health")).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("port", "0", "1-65535"),
                            new Violation("healthCheck.path", "\"health\"", "a path starting with /"),
                            new Violation("servers", "absent", SOURCES));
                    assertThat(e.getMessage()).startsWith("invalid backend service \"web\", 3 violations:" + NL);
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
                    assertThat(e.getMessage()).startsWith("invalid availability group \"web-ag\", 4 violations:" + NL);
                });
        // Region, VPC and zones are compared with a load balancer's only when the load balancer is built.
        AvailabilityGroup elsewhere = AvailabilityGroup.builder("web-ag").region("eu-west-1").vpc("vpc-other")
                .zones("az-z").template(template()).build();
        assertThat(elsewhere.capacity()).isEqualTo(Capacity.DEFAULT);
        assertThat(withGroup(elsewhere.toBuilder()).violations()).extracting(Violation::path).containsExactly(
                AG + ".placement.region", AG + ".placement.vpc", AG + ".placement.zones[0]");
    }

    @Test
    void listenerBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> Listener.tcp(-1).idleTimeout(Duration.ZERO).name("-web").build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("name", "\"-web\"", NAME_RULE),
                            new Violation("port", "-1", "0-65535, 0 for an ephemeral port"),
                            new Violation("idleTimeout", "0s", "a positive duration"),
                            new Violation("backendService", "absent", "a backend service"));
                    assertThat(e.getMessage()).startsWith("invalid listener -1, 4 violations:" + NL);
                });
        assertThatThrownBy(() -> Listener.tcp(8080).backendService(service().healthCheck(HealthCheck.tcp()
                .unhealthyThreshold(0))).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("backendService.healthCheck.unhealthyThreshold", "0", "at least 1"));
                    assertThat(e.getMessage()).isEqualTo("invalid listener 8080: backendService.healthCheck"
                            + ".unhealthyThreshold: 0 (expected: at least 1)");
                });
        assertThat(Listener.tcp(8080).name("web").backendService(service()).build().name()).contains("web");
        assertThat(listener().build().name()).isEmpty();
    }

    @Test
    void instanceTemplateBuilderValidatesOnItsOwn() {
        assertThatThrownBy(() -> InstanceTemplate.builder("web template").port(70_000).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("name", "\"web template\"", NAME_RULE),
                            new Violation("port", "70000", "0-65535, 0 for an ephemeral port chosen by each instance"),
                            new Violation("launcher", "absent", "an instance launcher (inProcess or process)"));
                    assertThat(e.getMessage()).startsWith("invalid instance template \"web template\", 3 violations:"
                            + NL);
                });
        assertThatThrownBy(() -> InstanceTemplate.builder("web-template").launcher(ProcessLauncher.builder()).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Violation("launcher.process.command", "[]", "a program and its arguments"));
                    assertThat(e.getMessage()).isEqualTo("invalid instance template \"web-template\":"
                            + " launcher.process.command: [] (expected: a program and its arguments)");
                });
    }

    @Test
    void otherBuildersValidateOnTheirOwn() {
        assertThatThrownBy(() -> StaticServer.builder("10.0.0.1").weight(0).port(0).build())
                .isInstanceOfSatisfying(SpecValidationException.class, e -> assertThat(e.violations()).containsExactly(
                        new Violation("port", "0", "1-65535"), new Violation("weight", "0", "1-100")));
        // On its own a server may leave its port to the backend service.
        assertThat(StaticServer.builder("10.0.0.1").build().port()).isEmpty();
        assertThatThrownBy(() -> SecurityGroup.builder("office").rule((InboundRule.Builder) null).build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid security group \"office\": rules[0]: absent (expected: an inbound rule)");
        assertThatThrownBy(() -> TargetTracking.builder(null).build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid target tracking: targetConnectionsPerInstance: absent (expected: at least 1)");
        assertThatThrownBy(() -> ProcessLauncher.builder("server").environment(mapOf("A", null)).build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid process launcher: environment.A: absent (expected: a value)");
        assertThatThrownBy(() -> Placement.builder().region("cn-north-1").vpc("vpc-web").zones("az-a")
                .subnet(" ").build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage("invalid placement: subnet: \" \" (expected: a subnet identifier)");
    }
}
