package io.nlb4j.samples;

import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.group.InstanceLaunchers;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.CloudCompatibility;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.ServerGroup;
import io.nlb4j.model.Violation;
import java.time.Duration;

/**
 * The demo behind the README's first command: a load balancer in front of an availability group of
 * in-process echo servers.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * The demo's load balancer.
     *
     * @return the specification
     */
    public static LoadBalancerSpec spec() {
        AvailabilityGroup group = AvailabilityGroup.builder("demo-ag")
                .region("local").vpc("loopback").zones("az-a", "az-b")
                .template(InstanceTemplate.builder("echo")
                        .launcher(InstanceLaunchers.inProcess(EchoServerFactory.class))
                        .port(0)
                        .build())
                .capacity(2, 3, 6)
                .build();
        return LoadBalancerSpec.builder("demo-lb")
                .region("local").vpc("loopback").zones("az-a", "az-b")
                .securityGroup(SecurityGroup.allowAll())
                .listener(Listener.tcp(0)
                        .idleTimeout(Duration.ofMinutes(1))
                        .backendService(BackendService.builder("echo")
                                .scheduling(Scheduling.WEIGHTED_ROUND_ROBIN)
                                .connectionDraining(Duration.ofSeconds(2))
                                .healthCheck(HealthCheck.tcp()
                                        .interval(Duration.ofMillis(200))
                                        .timeout(Duration.ofMillis(100))
                                        .healthyThreshold(1)
                                        .unhealthyThreshold(2))
                                .servers(ServerGroup.availabilityGroup(group))))
                .build();
    }

    /**
     * Prints the demo's validated load balancer and its cloud-compatibility report.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        LoadBalancerSpec spec = spec();
        System.out.println("Validated load balancer \"" + spec.name() + "\":");
        System.out.println(SpecFiles.write(spec, ConfigFormat.YAML));
        System.out.println("Outside the seed cloud's documented ranges (allowed locally):");
        for (Violation v : CloudCompatibility.check(spec)) {
            System.out.println("  " + v);
        }
    }
}
