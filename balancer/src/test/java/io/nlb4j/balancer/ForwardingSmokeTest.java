package io.nlb4j.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.StaticServer;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForwardingSmokeTest {

    @Test
    void forwardsBytesBothWays() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("smoke")
                     .region("local").vpc("lo").zones("z1")
                     .listener(Listener.tcp(0).backendService(BackendService.builder("echo")
                             .healthCheck(HealthCheck.none())
                             .connectionDraining(Duration.ofSeconds(1))
                             .staticServers(StaticServer.of("127.0.0.1", a.port()))))
                     .build(), LoadBalancerOptions.builder().bindAddress("127.0.0.1").build())) {
            try (Socket s = new Socket("127.0.0.1", lb.listener(0).boundAddress().getPort())) {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                byte[] back = new byte[5];
                new DataInputStream(s.getInputStream()).readFully(back);
                assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("hello");
            }
            assertThat(a.accepted()).isEqualTo(1);
        }
    }
}
