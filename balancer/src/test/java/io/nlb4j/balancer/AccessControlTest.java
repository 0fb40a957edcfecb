package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.assertRefused;
import static io.nlb4j.balancer.Fixtures.canBindLoopbackAlias;
import static io.nlb4j.balancer.Fixtures.connect;
import static io.nlb4j.balancer.Fixtures.loopback;
import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.readLine;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent.ConnectionRejected;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.PortRange;
import io.nlb4j.model.SecurityGroup;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Security groups are applied at accept, before any server is contacted: a denied client gets nothing. */
class AccessControlTest {

    private static LoadBalancerSpec specWith(String name, TestBackend backend, SecurityGroup... groups) {
        LoadBalancerSpec.Builder b = specBuilder(name);
        for (SecurityGroup g : groups) {
            b.securityGroup(g);
        }
        return b.listener(Listener.tcp(0).backendService(service("web", backend))).build();
    }

    @Test
    void aSourceOutsideTheAllowedBlockGetsNoByteAndNoServerSeesIt() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specWith("denied", a,
                     SecurityGroup.of("private-only", InboundRule.allow("10.0.0.0/8"))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            for (int i = 0; i < 3; i++) {
                assertRefused(lb.listener(0), null); // a NAMED_ECHO server would have sent its name first
            }
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().deniedConnections()).isEqualTo(3));
            assertThat(a.accepted()).as("connections seen by the server").isZero();
            ListenerStats stats = lb.listener(0).stats();
            assertThat(stats.totalConnections()).isZero();
            assertThat(stats.bytesOut()).isZero();
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).hasSize(3).allSatisfy(e -> {
                assertThat(e.reason()).isEqualTo(RejectReason.ACCESS_DENIED);
                assertThat(e.client().getHostAddress()).isEqualTo("127.0.0.1");
                assertThat(e.listener().index()).isZero();
                assertThat(e.service()).isEqualTo("web");
                assertThat(e.detail()).isEqualTo("no security group rule allows it");
            }));
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().activeConnections()).isZero());
        }
    }

    @Test
    void aDenyRuleWithABetterPriorityWinsOverAnAllowRule() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specWith("denyfirst", a,
                     // declared first, but evaluated second
                     SecurityGroup.of("loopback", InboundRule.allow("127.0.0.0/8").priority(200)),
                     SecurityGroup.of("block-one", InboundRule.deny("127.0.0.1/32").priority(100))), options());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            assertRefused(lb.listener(0), loopback(1));
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().deniedConnections()).isEqualTo(1));
            assertThat(a.accepted()).isZero();
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.reason()).isEqualTo(RejectReason.ACCESS_DENIED);
                        assertThat(e.detail()).isEqualTo("denied by block-one rule DENY 127.0.0.1/32");
                    }));
            if (canBindLoopbackAlias()) {
                // Another loopback source is not denied and falls through to the allow rule.
                try (Socket other = connect(lb.listener(0), loopback(2))) {
                    assertThat(readLine(other)).isEqualTo("a");
                }
            }
        }
    }

    @Test
    void anAllowRuleWithABetterPriorityWinsOverADenyRule() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specWith("allowfirst", a,
                     SecurityGroup.of("deny-all", InboundRule.deny("0.0.0.0/0").priority(100)),
                     SecurityGroup.of("one-host", InboundRule.allow("127.0.0.1/32").priority(10))), options())) {
            try (Socket s = connect(lb.listener(0), loopback(1))) {
                assertThat(readLine(s)).isEqualTo("a");
            }
            assumeThat(canBindLoopbackAlias()).as("127.0.0.2 can be bound").isTrue();
            assertRefused(lb.listener(0), loopback(2));
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().deniedConnections()).isEqualTo(1));
            assertThat(a.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aRuleForOtherPortsDoesNotAllow() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specWith("otherports", a,
                     SecurityGroup.of("port-1-only", InboundRule.allow("127.0.0.0/8").ports(PortRange.of(1)))),
                     options())) {
            assertRefused(lb.listener(0), null);
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().deniedConnections()).isEqualTo(1));
            assertThat(a.accepted()).isZero();
        }
    }
}
