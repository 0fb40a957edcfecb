package io.nlb4j.model;

import io.nlb4j.group.InstanceLaunchers;
import io.nlb4j.group.InstanceFactory;
import io.nlb4j.group.InstanceHandle;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Specifications shared by the model and config tests. */
public final class Specs {

    private Specs() {
    }

    /** A factory class, so that in-process launchers can be written to files. */
    public static final class NoopFactory implements InstanceFactory {
        @Override
        public InstanceHandle start(io.nlb4j.group.InstanceContext context) {
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
                .launcher(InstanceLaunchers.inProcess(NoopFactory.class))
                .port(9100).label("tier", "web").build();
        InstanceTemplate process = InstanceTemplate.builder("proc-template")
                .launcher(InstanceLaunchers.process("java", "-jar", "server.jar", "--port={port}", "--id={instanceId}")
                        .readyTimeout(Duration.ofSeconds(20)).stopGracePeriod(Duration.ofMillis(1500))
                        .workingDirectory("/tmp").environment(java.util.Map.of("ZONE", "{zone}")).build())
                .build();
        AvailabilityGroup group = AvailabilityGroup.builder("web-ag")
                .region("cn-north-1").vpc("vpc-web").subnet("subnet-1").zones("az-a", "az-b")
                .template(inProcess).capacity(2, 3, 10).build();
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
                .listener(Listener.tcp(8080).idleTimeout(Duration.ofMinutes(30)).maxConnections(10_000)
                        .backendService(BackendService.builder("web")
                                .port(9000)
                                .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                                .sessionPersistence(Duration.ofMinutes(24))
                                .connectionDraining(Duration.ofSeconds(300))
                                .healthCheck(HealthCheck.http("/health").host("web.internal")
                                        .expectedStatuses("200", "3xx", "401-403")
                                        .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2))
                                        .healthyThreshold(2).unhealthyThreshold(4).port(9090))
                                .servers(ServerGroup.availabilityGroup(group))))
                .listener(Listener.tcp(0)
                        .backendService(BackendService.builder("static")
                                .port(7000)
                                .scheduling(Scheduling.MAGLEV)
                                .connectionDraining(Duration.ZERO)
                                .healthCheck(HealthCheck.sendExpect("PING\r\n", "+PONG"))
                                .servers(ServerGroup.staticServers(
                                        StaticServer.of("127.0.0.1", 7001).weight(5),
                                        StaticServer.of("127.0.0.2").placement(
                                                Placement.of("cn-north-1", "vpc-web", "az-b"))))))
                .listener(Listener.tcp(8081)
                        .backendService(BackendService.builder("proc")
                                .port(7100)
                                .scheduling(Scheduling.POWER_OF_TWO_CHOICES)
                                .healthCheck(HealthCheck.none())
                                .servers(ServerGroup.availabilityGroup(procGroup))))
                .listener(Listener.tcp(8082)
                        .backendService(BackendService.builder("registry")
                                .scheduling(Scheduling.SOURCE_IP_HASH)
                                .servers(ServerGroup.provider(ProviderSpec.of("file",
                                        java.util.Map.of("path", "members.txt"))))))
                .build();
    }
}
