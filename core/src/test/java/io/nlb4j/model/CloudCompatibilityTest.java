package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CloudCompatibilityTest {

    private static final String WHOLE_SECONDS = " s in whole seconds in the cloud";

    private static LoadBalancerSpec.Builder lb() {
        return LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web").zones("az-a");
    }

    private static BackendService.Builder service() {
        return BackendService.builder("web").port(9000)
                .servers(ServerGroup.staticServers(StaticServer.of("127.0.0.1")));
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
                                .servers(ServerGroup.staticServers(StaticServer.of("127.0.0.2")))))
                .build();
    }

    @Test
    void aValidLocalSpecIsAcceptedButEachValueOutsideTheCloudRangesIsReported() {
        LoadBalancerSpec spec = localTestSpec();
        assertThatCode(spec::validate).doesNotThrowAnyException();
        assertThat(spec.violations()).isEmpty();

        String s = "listeners[0].backendService";
        String hc = s + ".healthCheck";
        assertThat(CloudCompatibility.check(spec)).containsExactly(
                new Violation("listeners[0].port", "0", "1-65535 in the cloud, which has no ephemeral listener ports"),
                new Violation("listeners[0].idleTimeout", "500ms", "1-86400" + WHOLE_SECONDS),
                new Violation(s + ".scheduling", "MAGLEV",
                        "WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS or SOURCE_IP_HASH in the cloud"),
                new Violation(s + ".sessionPersistence.timeout", "1500ms", "1-3600" + WHOLE_SECONDS),
                new Violation(s + ".connectionDraining", "250ms", "0-3600" + WHOLE_SECONDS),
                new Violation(hc + ".type", "SEND_EXPECT", "TCP or HTTP in the cloud"),
                new Violation(hc + ".interval", "100ms", "5-300" + WHOLE_SECONDS),
                new Violation(hc + ".timeout", "50ms", "2-60" + WHOLE_SECONDS),
                new Violation(hc + ".unhealthyThreshold", "7", "1-5 in the cloud"),
                new Violation("listeners[1].idleTimeout", "2d", "1-86400" + WHOLE_SECONDS),
                new Violation("listeners[1].backendService.scheduling", "POWER_OF_TWO_CHOICES",
                        "WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS or SOURCE_IP_HASH in the cloud"),
                new Violation("listeners[1].backendService.healthCheck.type", "NONE", "TCP or HTTP in the cloud"));
        assertThat(CloudCompatibility.check(spec).get(1))
                .hasToString("listeners[0].idleTimeout: 500ms (expected: 1-86400 s in whole seconds in the cloud)");
    }

    @Test
    void aSpecUsingTheCloudDefaultsReportsNothing() {
        LoadBalancerSpec spec = lb()
                .listener(Listener.tcp(8080).backendService(service()
                        .sessionPersistence(SessionPersistence.sourceIp(
                                Duration.ofSeconds(SessionPersistence.DEFAULT_TIMEOUT_SECONDS)))))
                .listener(Listener.tcp(8081).backendService(BackendService.builder("api").port(9001)
                        .healthCheck(HealthCheck.http("/health"))
                        .servers(ServerGroup.staticServers(StaticServer.of("127.0.0.2")))))
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
                                .servers(ServerGroup.staticServers(StaticServer.of("127.0.0.2")))))
                .build();
        assertThat(CloudCompatibility.check(spec)).isEmpty();
    }

    static Stream<Arguments> justOutsideACloudRange() {
        String s = "listeners[0].backendService";
        return Stream.of(
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .interval(Duration.ofSeconds(4)).timeout(Duration.ofSeconds(2))),
                        new Violation(s + ".healthCheck.interval", "4s", "5-300" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .interval(Duration.ofSeconds(301))),
                        new Violation(s + ".healthCheck.interval", "301s", "5-300" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .timeout(Duration.ofSeconds(1))),
                        new Violation(s + ".healthCheck.timeout", "1s", "2-60" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .interval(Duration.ofSeconds(90)).timeout(Duration.ofSeconds(61))),
                        new Violation(s + ".healthCheck.timeout", "61s", "2-60" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .timeout(Duration.ofMillis(2500))),
                        new Violation(s + ".healthCheck.timeout", "2500ms", "2-60" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.healthCheck(HealthCheck.tcp()
                                .healthyThreshold(6)),
                        new Violation(s + ".healthCheck.healthyThreshold", "6", "1-5 in the cloud")),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.sessionPersistence(Duration.ofSeconds(3601)),
                        new Violation(s + ".sessionPersistence.timeout", "3601s", "1-3600" + WHOLE_SECONDS)),
                Arguments.of((UnaryOperator<BackendService.Builder>) b -> b.connectionDraining(Duration.ofSeconds(3601)),
                        new Violation(s + ".connectionDraining", "3601s", "0-3600" + WHOLE_SECONDS)));
    }

    @ParameterizedTest
    @MethodSource("justOutsideACloudRange")
    void aValueJustOutsideACloudRangeIsReported(UnaryOperator<BackendService.Builder> change, Violation expected) {
        LoadBalancerSpec spec = lb().listener(Listener.tcp(8080).backendService(change.apply(service()))).build();
        assertThat(CloudCompatibility.check(spec)).containsExactly(expected);
    }
}
