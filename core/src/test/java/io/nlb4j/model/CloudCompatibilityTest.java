package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CloudCompatibilityTest {

    private static final String WHOLE_SECONDS = " s in whole seconds in the cloud";
    private static final String SCHEDULING = "WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS or SOURCE_IP_HASH in the cloud";
    private static final String S = "listeners[0].backendService";
    private static final String HC = S + ".healthCheck";

    private static LoadBalancerSpec.Builder lb() {
        return LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web").zones("az-a");
    }

    private static BackendService.Builder service() {
        return BackendService.builder("web").port(9000).staticServers(StaticServer.of("127.0.0.1"));
    }

    /** Valid for nlb4j, which takes any positive duration, but outside the cloud's ranges almost everywhere. */
    private static LoadBalancerSpec localTestSpec() {
        return lb()
                .listener(Listener.tcp(0).idleTimeout(Duration.ofMillis(500))
                        .backendService(service()
                                .scheduling(Scheduling.MAGLEV)
                                .sessionPersistence(Duration.ofMillis(1500))
                                .connectionDraining(Duration.ofMillis(250))
                                .healthCheck(HealthCheck.sendExpect("PING\r\n", "+PONG")
                                        .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(50))
                                        .healthyThreshold(1).unhealthyThreshold(7))))
                .listener(Listener.tcp(8081).idleTimeout(Duration.ofDays(2))
                        .backendService(BackendService.builder("registry").port(9001)
                                .scheduling(Scheduling.POWER_OF_TWO_CHOICES)
                                .healthCheck(HealthCheck.none())
                                .staticServers(StaticServer.of("127.0.0.2"))))
                .build();
    }

    @Test
    void aValidLocalSpecIsAcceptedButEachValueOutsideTheCloudRangesIsReported() {
        LoadBalancerSpec spec = localTestSpec();
        assertThat(spec.toBuilder().violations()).isEmpty();

        assertThat(CloudCompatibility.check(spec)).containsExactly(
                new Violation("listeners[0].port", "0", "1-65535 in the cloud, which has no ephemeral listener ports"),
                new Violation("listeners[0].idleTimeout", "500ms", "1-86400" + WHOLE_SECONDS),
                new Violation(S + ".scheduling", "MAGLEV", SCHEDULING),
                new Violation(S + ".sessionPersistence.timeout", "1500ms", "1-3600" + WHOLE_SECONDS),
                new Violation(S + ".connectionDraining", "250ms", "0-3600" + WHOLE_SECONDS),
                new Violation(HC + ".type", "SEND_EXPECT", "TCP or HTTP in the cloud"),
                new Violation(HC + ".interval", "100ms", "5-300" + WHOLE_SECONDS),
                new Violation(HC + ".timeout", "50ms", "2-60" + WHOLE_SECONDS),
                new Violation(HC + ".unhealthyThreshold", "7", "1-5 in the cloud"),
                new Violation("listeners[1].idleTimeout", "2d", "1-86400" + WHOLE_SECONDS),
                new Violation("listeners[1].backendService.scheduling", "POWER_OF_TWO_CHOICES", SCHEDULING),
                new Violation("listeners[1].backendService.healthCheck.type", "NONE", "TCP or HTTP in the cloud"));
        assertThat(CloudCompatibility.check(spec).get(1))
                .hasToString("listeners[0].idleTimeout: 500ms (expected: 1-86400 s in whole seconds in the cloud)");
    }

    @Test
    void theFullSpecIsReportedOnlyWhereItLeavesTheCloud() {
        assertThat(CloudCompatibility.check(Specs.full())).containsExactly(
                new Violation("listeners[1].port", "0", "1-65535 in the cloud, which has no ephemeral listener ports"),
                new Violation("listeners[1].backendService.scheduling", "MAGLEV", SCHEDULING),
                new Violation("listeners[1].backendService.healthCheck.type", "SEND_EXPECT", "TCP or HTTP in the cloud"),
                new Violation("listeners[2].backendService.scheduling", "POWER_OF_TWO_CHOICES", SCHEDULING),
                new Violation("listeners[2].backendService.healthCheck.type", "NONE", "TCP or HTTP in the cloud"));
    }

    @Test
    void aSpecUsingTheCloudDefaultsReportsNothing() {
        LoadBalancerSpec spec = lb()
                .listener(Listener.tcp(8080).backendService(service()
                        .sessionPersistence(SessionPersistence.sourceIp(
                                Duration.ofSeconds(SessionPersistence.DEFAULT_TIMEOUT_SECONDS)))))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("api").port(9001)
                        .healthCheck(HealthCheck.http("/health"))
                        .staticServers(StaticServer.of("127.0.0.2"))))
                .listener(Listener.tcp(8082).backendService(BackendService.builder("registry")
                        .provider("file", Map.of("path", "members.txt"))))
                .build();
        assertThat(CloudCompatibility.check(spec)).isEmpty();
    }

    @Test
    void theEdgesOfEachCloudRangeAreAccepted() {
        LoadBalancerSpec spec = lb()
                .listener(Listener.tcp(1).idleTimeout(Duration.ofSeconds(1)).backendService(service()
                        .scheduling(Scheduling.SOURCE_IP_HASH)
                        .sessionPersistence(Duration.ofSeconds(1))
                        .connectionDraining(Duration.ZERO)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2))
                                .healthyThreshold(1).unhealthyThreshold(5))))
                .listener(Listener.tcp(65_535).idleTimeout(Duration.ofSeconds(86_400))
                        .backendService(BackendService.builder("api").port(9001)
                                .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                                .sessionPersistence(Duration.ofSeconds(3600))
                                .connectionDraining(Duration.ofSeconds(3600))
                                .healthCheck(HealthCheck.http("/").interval(Duration.ofSeconds(300))
                                        .timeout(Duration.ofSeconds(60)).healthyThreshold(5).unhealthyThreshold(1))
                                .staticServers(StaticServer.of("127.0.0.2"))))
                .listener(Listener.tcp(8080).backendService(BackendService.builder("rr").port(9002)
                        .scheduling(Scheduling.WEIGHTED_ROUND_ROBIN)
                        .staticServers(StaticServer.of("127.0.0.3"))))
                .build();
        assertThat(CloudCompatibility.check(spec)).isEmpty();
    }

    @Test
    void theTimeoutOfSessionPersistenceThatIsOffIsNotReported() {
        LoadBalancerSpec spec = lb().listener(Listener.tcp(8080).backendService(service()
                .sessionPersistence(SessionPersistence.builder().timeout(Duration.ofMillis(1500))))).build();
        assertThat(spec.listeners().get(0).backendService().sessionPersistence().enabled()).isFalse();
        assertThat(CloudCompatibility.check(spec)).isEmpty();
    }

    private static Arguments outside(Supplier<Listener.Builder> listener, Violation expected) {
        return Arguments.of(listener, expected);
    }

    private static Supplier<Listener.Builder> withCheck(HealthCheck.Builder<?> check) {
        return () -> Listener.tcp(8080).backendService(service().healthCheck(check));
    }

    private static Supplier<Listener.Builder> withService(BackendService.Builder service) {
        return () -> Listener.tcp(8080).backendService(service);
    }

    static Stream<Arguments> justOutsideACloudRange() {
        return Stream.of(
                outside(() -> Listener.tcp(0).backendService(service()),
                        new Violation("listeners[0].port", "0", "1-65535 in the cloud, which has no ephemeral"
                                + " listener ports")),
                outside(() -> Listener.tcp(8080).idleTimeout(Duration.ofSeconds(86_401)).backendService(service()),
                        new Violation("listeners[0].idleTimeout", "86401s", "1-86400" + WHOLE_SECONDS)),
                outside(() -> Listener.tcp(8080).idleTimeout(Duration.ofMillis(999)).backendService(service()),
                        new Violation("listeners[0].idleTimeout", "999ms", "1-86400" + WHOLE_SECONDS)),
                outside(() -> Listener.tcp(8080).idleTimeout(Duration.ofMillis(1500)).backendService(service()),
                        new Violation("listeners[0].idleTimeout", "1500ms", "1-86400" + WHOLE_SECONDS)),
                outside(withService(service().scheduling(Scheduling.MAGLEV)),
                        new Violation(S + ".scheduling", "MAGLEV", SCHEDULING)),
                outside(withService(service().scheduling(Scheduling.POWER_OF_TWO_CHOICES)),
                        new Violation(S + ".scheduling", "POWER_OF_TWO_CHOICES", SCHEDULING)),
                outside(withService(service().sessionPersistence(Duration.ofSeconds(3601))),
                        new Violation(S + ".sessionPersistence.timeout", "3601s", "1-3600" + WHOLE_SECONDS)),
                outside(withService(service().sessionPersistence(Duration.ofMillis(500))),
                        new Violation(S + ".sessionPersistence.timeout", "500ms", "1-3600" + WHOLE_SECONDS)),
                outside(withService(service().connectionDraining(Duration.ofSeconds(3601))),
                        new Violation(S + ".connectionDraining", "3601s", "0-3600" + WHOLE_SECONDS)),
                outside(withService(service().connectionDraining(Duration.ofMillis(1500))),
                        new Violation(S + ".connectionDraining", "1500ms", "0-3600" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.sendExpect("PING", "+PONG")),
                        new Violation(HC + ".type", "SEND_EXPECT", "TCP or HTTP in the cloud")),
                outside(withCheck(HealthCheck.None.builder()),
                        new Violation(HC + ".type", "NONE", "TCP or HTTP in the cloud")),
                outside(withCheck(HealthCheck.tcp().interval(Duration.ofSeconds(4)).timeout(Duration.ofSeconds(2))),
                        new Violation(HC + ".interval", "4s", "5-300" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.tcp().interval(Duration.ofSeconds(301))),
                        new Violation(HC + ".interval", "301s", "5-300" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.http("/").interval(Duration.ofMillis(5500))),
                        new Violation(HC + ".interval", "5500ms", "5-300" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.tcp().timeout(Duration.ofSeconds(1))),
                        new Violation(HC + ".timeout", "1s", "2-60" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.tcp().interval(Duration.ofSeconds(90)).timeout(Duration.ofSeconds(61))),
                        new Violation(HC + ".timeout", "61s", "2-60" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.tcp().timeout(Duration.ofMillis(2500))),
                        new Violation(HC + ".timeout", "2500ms", "2-60" + WHOLE_SECONDS)),
                outside(withCheck(HealthCheck.tcp().healthyThreshold(6)),
                        new Violation(HC + ".healthyThreshold", "6", "1-5 in the cloud")),
                outside(withCheck(HealthCheck.http("/health").unhealthyThreshold(6)),
                        new Violation(HC + ".unhealthyThreshold", "6", "1-5 in the cloud")));
    }

    @ParameterizedTest
    @MethodSource("justOutsideACloudRange")
    void aValueJustOutsideACloudRangeIsReported(Supplier<Listener.Builder> listener, Violation expected) {
        LoadBalancerSpec spec = lb().listener(listener.get()).build();
        assertThat(CloudCompatibility.check(spec)).containsExactly(expected);
    }
}
