package io.nlb4j.balancer.internal.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.nlb4j.balancer.SocketTransport;
import io.nlb4j.balancer.scheduling.SchedulingAlgorithm;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.SessionPersistence;
import io.nlb4j.model.StaticServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane refuses a connection that is its own connection to a server coming back: a loop that the
 * runtime's address checks cannot see (an address translation, say) ends at the first hop instead of using up
 * every file descriptor. Here the forwarding path is given, behind the runtime's back, a server at its own
 * listener's address.
 */
class ForwardingLoopTest {

    private final Transport transport = Transport.choose(SocketTransport.AUTO);
    private final EventLoopGroup group = transport.newGroup(2, "loop-test");
    private final RecordingEvents events = new RecordingEvents();
    private final Queue<String> rejections = events.rejections;
    private final AtomicInteger connectFailures = events.connectFailures;

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aConnectionFromItsOwnServerSideIsRefusedAsALoop() throws Exception {
        Listener spec = Listener.tcp(0).backendService(BackendService.builder("loop").healthCheck(HealthCheck.none())
                .staticServers(StaticServer.of("127.0.0.1", 9))).build();
        ServiceRoute route = ServiceRoute.create("loop", SessionPersistence.off(), System::nanoTime);
        ListenerPath path = ListenerPath.create(0, spec, route, AccessControl.of(List.of(SecurityGroup.allowAll())),
                transport, Loops.create(group, System::nanoTime), events, 1000, 1, ConnectionObservers.create(null));
        Channel server = path.serverBootstrap(group).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        InetSocketAddress self = (InetSocketAddress) server.localAddress();
        path.bound(self.getPort());
        Endpoint itself = Endpoint.create(self, 1);
        itself.serving(true);
        route.publish(SchedulingAlgorithm.of(Scheduling.WEIGHTED_ROUND_ROBIN).picker(List.of(itself)));

        try (Socket client = new Socket(self.getAddress(), self.getPort())) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            // The client's connection is forwarded to the listener itself; that connection is refused as a loop
            // (at its accept, or as soon as the connecting side registers, whichever loop runs second) with a reset,
            // which the first passes on: the client's connection ends at once, not in a flood.
            assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        await().untilAsserted(() -> assertThat(path.activeConnections()).isZero());
        assertThat(rejections).anySatisfy(r -> assertThat(r)
                .startsWith("FORWARDING_LOOP ").contains("is this load balancer's own connection to a server"));
        // Each connection that came back was refused: usually the first, at its accept; when its accept ran before
        // the connecting loop had registered, a hop later. Either way the chain ends within a few hops, where an
        // unguarded loop runs until the descriptors are gone. A hop whose connect was still completing when the
        // refusal's reset arrived sees its connect fail instead, and gives up on its only server.
        assertThat(rejections).allSatisfy(r -> assertThat(r).matches("(FORWARDING_LOOP|NO_SERVER_REACHABLE) .*"));
        assertThat(path.totalConnections()).as("connections forwarded").isBetween(0L, 32L);
        assertThat(rejections).hasSizeLessThanOrEqualTo(32);
        // With one connect attempt allowed, each failed connect is one refusal of its client, and nothing more.
        assertThat((long) connectFailures.get()).isEqualTo(rejections.stream().filter(r -> r.startsWith("NO_SERVER")).count());
        server.close().sync();
    }
}
