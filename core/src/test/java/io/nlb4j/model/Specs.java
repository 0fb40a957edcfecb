package io.nlb4j.model;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/** Specifications shared by the model and config tests. */
public final class Specs {

    private Specs() {
    }

    /** A factory class, so that in-process launchers can be written to files. */
    public static final class NoopFactory implements InstanceFactory {
        @Override
        public InstanceHandle start(InstanceContext context) {
            return new InstanceHandle() {
                @Override
                public InetSocketAddress address() {
                    return new InetSocketAddress(context.host(), context.port());
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** A spec that uses every kind of field. */
    public static LoadBalancerSpec full() {
        InstanceTemplate inProcess = InstanceTemplate.builder("web-template")
                .launcher(InstanceLauncher.inProcess(NoopFactory.class))
                .port(9100).label("tier", "web").build();
        InstanceTemplate process = InstanceTemplate.builder("proc-template")
                .launcher(ProcessLauncher.builder("java", "-jar", "server.jar", "--port={port}", "--id={instanceId}")
                        .readyTimeout(Duration.ofSeconds(20)).stopGracePeriod(Duration.ofMillis(1500))
                        .workingDirectory("/tmp").environment(Map.of("ZONE", "{zone}")))
                .build();
        AvailabilityGroup group = AvailabilityGroup.builder("web-ag")
                .region("cn-north-1").vpc("vpc-web").subnet("subnet-1").zones("az-a", "az-b")
                .template(inProcess).capacity(2, 3, 10)
                .targetTracking(TargetTracking.activeConnectionsPerInstance(50)
                        .cooldowns(Duration.ofSeconds(30), Duration.ofMinutes(2)))
                .replaceUnhealthyAfter(Duration.ofSeconds(90))
                .build();
        AvailabilityGroup procGroup = AvailabilityGroup.builder("proc-ag")
                .region("cn-north-1").vpc("vpc-web").zones("az-a")
                .template(process).capacity(0, 1, 2).build();
        return LoadBalancerSpec.builder("web-lb")
                .region("cn-north-1").vpc("vpc-web").subnet("subnet-1").zones("az-a", "az-b")
                .securityGroup(SecurityGroup.allowAll())
                .securityGroup(SecurityGroup.of("office",
                        InboundRule.deny("10.1.0.0/16").priority(10),
                        InboundRule.allow("2001:db8::/32").ports(PortRange.of(8000, 8100)),
                        InboundRule.allow("192.168.1.7").ports(PortRange.of(8443))))
                .listener(Listener.tcp(8080).name("web").idleTimeout(Duration.ofMinutes(30)).maxConnections(10_000)
                        .backendService(BackendService.builder("web")
                                .port(9000)
                                .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                                .sessionPersistence(Duration.ofMinutes(24))
                                .connectionDraining(Duration.ofSeconds(300))
                                .healthCheck(HealthCheck.http("/health").host("web.internal")
                                        .expectedStatuses("200", "3xx", "401-403").expectBody("ok")
                                        .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2))
                                        .healthyThreshold(2).unhealthyThreshold(4).port(9090)
                                        .allUnhealthy(HealthCheck.AllUnhealthy.FAIL_OPEN)
                                        .unhealthyConnections(HealthCheck.UnhealthyConnections.CLOSE)
                                        .outlierDetection(OutlierDetection.of(3, Duration.ofSeconds(10), 20)))
                                .availabilityGroup(group)))
                .listener(Listener.tcp(0)
                        .backendService(BackendService.builder("static")
                                .port(7000)
                                .scheduling(Scheduling.MAGLEV)
                                .connectionDraining(Duration.ZERO)
                                .healthCheck(HealthCheck.sendExpect("PING\r\n", "+PONG"))
                                .staticServers(
                                        StaticServer.of("127.0.0.1", 7001).weight(5),
                                        StaticServer.of("127.0.0.2").placement(
                                                Placement.of("cn-north-1", "vpc-web", "az-b")))))
                .listener(Listener.tcp(8081)
                        .backendService(BackendService.builder("proc")
                                .port(7100)
                                .scheduling(Scheduling.POWER_OF_TWO_CHOICES)
                                .healthCheck(HealthCheck.none(OutlierDetection.off()))
                                .availabilityGroup(procGroup)))
                .listener(Listener.tcp(8082)
                        .backendService(BackendService.builder("registry")
                                .scheduling(Scheduling.SOURCE_IP_HASH)
                                .provider("file", Map.of("path", "members.txt"))))
                .build();
    }
}
