package io.nlb4j.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.nlb4j.control.ControlContext;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.OutlierDetection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** Health checking as a decorator of membership: it probes whatever the source lists, and only that. */
class HealthCheckedMembersTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HealthChecker checker = new HealthChecker(group, NioSocketChannel::new);
    private final ControlContext ctx = ControlContext.on("test", Schedulers.single());
    private final Map<InetSocketAddress, HealthStatus> health = new ConcurrentHashMap<>();
    private final List<String> changes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        ctx.dispose();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private HealthCheckedMembers members(HealthCheck check) {
        return new HealthCheckedMembers(checker, check, ctx, (member, status, reason) -> {
            ctx.checkInContext();
            health.put(member, status);
            changes.add(member.getPort() + " " + status + " " + reason);
        });
    }

    private static HealthCheck.Tcp fastTcp() {
        return HealthCheck.tcp().interval(Duration.ofMillis(50)).timeout(Duration.ofMillis(40)).healthyThreshold(1)
                .unhealthyThreshold(2).build();
    }

    @Test
    void withoutActiveChecksEveryListedMemberIsHealthyAtOnce() {
        HealthCheckedMembers m = members(HealthCheck.none(OutlierDetection.off()));
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 9001);
        ctx.run(() -> m.update(List.of(a))).block();
        assertThat(changes).containsExactly("9001 HEALTHY no active checks");
        assertThat(ctx.call(() -> m.status(a)).block()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void listedMembersAreProbedAndThoseThatLeaveAreNoLonger() throws Exception {
        try (ServerSocket live = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress up = new InetSocketAddress("127.0.0.1", live.getLocalPort());
            int deadPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                deadPort = probe.getLocalPort();
            }
            InetSocketAddress down = new InetSocketAddress("127.0.0.1", deadPort);
            HealthCheckedMembers m = members(fastTcp());
            ctx.run(() -> m.update(List.of(up, down))).block();
            assertThat(ctx.call(() -> m.status(up)).block()).isIn(HealthStatus.PENDING, HealthStatus.HEALTHY);
            await().untilAsserted(() -> {
                assertThat(health).containsEntry(up, HealthStatus.HEALTHY);
                assertThat(health).containsEntry(down, HealthStatus.UNHEALTHY);
            });
            assertThat(changes).contains(deadPort + " UNHEALTHY refused");
            assertThat(ctx.call(() -> m.lastProbe(down)).block()).contains("refused");

            // the source no longer lists "up": it is no longer probed, and its status is forgotten
            ctx.run(() -> m.update(List.of(down))).block();
            live.close(); // were it still probed, it would turn unhealthy now
            int before = changes.size();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> changes.size() == before);
            assertThat(ctx.call(() -> m.status(up)).block()).isEqualTo(HealthStatus.PENDING);
            ctx.run(m::close).block();
        }
    }
}
