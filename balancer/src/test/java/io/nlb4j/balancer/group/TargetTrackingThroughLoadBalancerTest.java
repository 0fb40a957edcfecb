package io.nlb4j.balancer.group;

import static io.nlb4j.balancer.group.GroupSpecs.settledAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.TargetTracking;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Target tracking on the load balancer's active connections: with a target of 2 connections per instance,
 * 6 long-lived client connections scale the group out from 1 to 3 instances; once they close, it scales back
 * in to its minimum of 1 after the scale-in cooldown.
 */
class TargetTrackingThroughLoadBalancerTest {

    private static final String GROUP = "tt-ag";
    private static final int HELD = 6;
    private static final Duration SCALE_OUT_COOLDOWN = Duration.ofMillis(200);
    private static final Duration SCALE_IN_COOLDOWN = Duration.ofMillis(500);
    private static final Duration STEP = Duration.ofSeconds(10);

    private final Timeline timeline = new Timeline();
    private final InstanceServers servers = new InstanceServers(timeline);

    @Test
    void heldConnectionsScaleTheGroupOutAndClosingThemScalesItBackIn() throws Exception {
        AvailabilityGroup group = GroupSpecs.group(GROUP, InstanceLauncher.inProcess(servers), "az-a", "az-b")
                .capacity(1, 1, 4)
                .targetTracking(TargetTracking.activeConnectionsPerInstance(2)
                        .cooldowns(SCALE_OUT_COOLDOWN, SCALE_IN_COOLDOWN))
                .build();
        List<Socket> held = new ArrayList<>();
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(
                GroupSpecs.loadBalancer("tracking-lb", group, Duration.ofSeconds(2)), GroupSpecs.options())) {
            Disposable following = timeline.follow(lb, GROUP);
            RunningAvailabilityGroup running = lb.availabilityGroup(GROUP);
            GroupSpecs.awaitSettledAt(lb, GROUP, 1, STEP);
            // with no connections, 1 instance is what the policy wants: it stays there
            assertThat(running.capacity().desired()).isEqualTo(1);

            InetSocketAddress address = lb.listener(0).boundAddress();
            for (int i = 0; i < HELD; i++) {
                Socket s = new Socket();
                held.add(s);
                s.connect(address, 5_000);
                s.setSoTimeout(10_000);
                assertEchoes(s, InstanceServer.header(i + 1));
            }

            // 6 connections at 2 per instance: 3 instances, all in service and healthy behind the load balancer
            await().atMost(STEP).until(() -> running.capacity().desired() == 3);
            GroupSpecs.awaitSettledAt(lb, GROUP, 3, STEP);
            List<Timeline.Entry<GroupEvent.Scaling>> scaling = timeline.of(GroupEvent.Scaling.class);
            assertThat(scaling).as(timeline.describe()).hasSize(1).first().satisfies(e -> {
                assertThat(e.event().scaleOut()).isTrue();
                assertThat(e.event().activeConnections()).isEqualTo(HELD);
                assertThat(e.event().target()).isEqualTo(2);
                assertThat(e.event().desiredBefore()).isEqualTo(1);
                assertThat(e.event().desiredAfter()).isEqualTo(3);
            });
            assertThat(timeline.of(GroupEvent.CapacityChanged.class)).hasSize(1).first().satisfies(e -> {
                assertThat(e.event().cause()).isEqualTo(GroupEvent.CapacityCause.TARGET_TRACKING);
                assertThat(e.event().previous()).isEqualTo(Capacity.of(1, 1, 4));
                assertThat(e.event().current()).isEqualTo(Capacity.of(1, 3, 4));
            });
            // ...and stays there while the connections are held (no overshoot, no flapping): over two
            // reconcile ticks, longer than both cooldowns
            await().during(Duration.ofMillis(2_200)).atMost(Duration.ofSeconds(4))
                    .until(() -> running.capacity().desired() == 3 && running.instances().size() == 3);
            assertThat(timeline.of(GroupEvent.Scaling.class)).hasSize(1);
            for (Socket s : held) {
                byte[] data = new byte[1 + ThreadLocalRandom.current().nextInt(4096)];
                ThreadLocalRandom.current().nextBytes(data);
                assertEchoes(s, data);
            }

            for (Socket s : held) {
                s.close();
            }
            await().atMost(STEP).until(() -> running.capacity().desired() == 1 && settledAt(lb, GROUP, 1)
                    && timeline.of(GroupEvent.Terminated.class).size() == 2);
            following.dispose();

            // back to 1, in one step or more (a tick may see some of the closed connections still open)
            List<Timeline.Entry<GroupEvent.Scaling>> events = timeline.of(GroupEvent.Scaling.class);
            assertThat(events.subList(1, events.size())).as(timeline.describe()).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.event().scaleOut()).isFalse());
            assertThat(events.get(events.size() - 1).event().desiredAfter()).isEqualTo(1);
            List<Timeline.Entry<GroupEvent.CapacityChanged>> changes = timeline.of(GroupEvent.CapacityChanged.class);
            assertThat(changes).hasSize(events.size())
                    .allSatisfy(e -> assertThat(e.event().cause()).isEqualTo(GroupEvent.CapacityCause.TARGET_TRACKING));
            assertThat(changes.get(changes.size() - 1).event().current()).isEqualTo(Capacity.of(1, 1, 4));
            assertThat(timeline.of(GroupEvent.Draining.class)).hasSize(2)
                    .allSatisfy(e -> assertThat(e.event().reason()).isEqualTo(GroupEvent.DrainReason.SCALE_IN));
            // the instance left serves new connections
            try (Socket s = new Socket()) {
                s.connect(address, 5_000);
                s.setSoTimeout(10_000);
                assertEchoes(s, InstanceServer.header(100));
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static void assertEchoes(Socket s, byte[] data) throws Exception {
        s.getOutputStream().write(data);
        byte[] back = new byte[data.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        assertThat(back).isEqualTo(data);
    }
}
