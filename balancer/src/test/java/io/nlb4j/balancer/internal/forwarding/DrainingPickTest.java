package io.nlb4j.balancer.internal.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Between a scale-in marking servers draining and the snapshot without them being published, least connections
 * keeps choosing the draining servers, which have the fewest connections: a new connection must still reach a
 * server in service, not be refused for want of one.
 */
class DrainingPickTest {

    private final Transport transport = Transport.choose(SocketTransport.AUTO);
    private final EventLoopGroup group = transport.newGroup(1, "draining-pick-test");
    private final RecordingEvents events = new RecordingEvents();
    private final Queue<String> rejections = events.rejections;

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aConnectionReachesTheServerInServiceWhenThePickerKeepsChoosingDrainingOnes() throws Exception {
        try (ServerSocket live = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = live.accept()) {
                    s.getOutputStream().write("live\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the client's read fails the test
                }
            }, "draining-pick-server");
            server.setDaemon(true);
            server.start();

            Listener spec = Listener.tcp(0).backendService(BackendService.builder("web").healthCheck(HealthCheck.none())
                    .staticServers(StaticServer.of("127.0.0.1", live.getLocalPort()))).build();
            ServiceRoute route = ServiceRoute.create("web", SessionPersistence.off(), System::nanoTime);
            ListenerPath path = ListenerPath.create(0, spec, route, AccessControl.of(List.of(SecurityGroup.allowAll())),
                    transport, Loops.create(group, System::nanoTime), events, 1000, 3, ConnectionObservers.create(null));
            Channel listener = path.serverBootstrap(group).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            path.bound(address.getPort());

            // Two servers leaving (draining, no connection: least connections' favourites) and one in service
            // with many connections.
            Endpoint leavingA = Endpoint.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 1);
            Endpoint leavingB = Endpoint.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7), 1);
            Endpoint inService = Endpoint.create((InetSocketAddress) live.getLocalSocketAddress(), 1);
            for (Endpoint e : List.of(leavingA, leavingB, inService)) {
                e.serving(true);
            }
            ((ServerEndpoint) inService).active.set(100);
            route.publish(SchedulingAlgorithm.of(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                    .picker(List.of(leavingA, leavingB, inService)));
            leavingA.draining(true);
            leavingB.draining(true);

            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write('x');
                InputStream in = client.getInputStream();
                assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("live\n");
            }
            assertThat(rejections).isEmpty();
            assertThat(leavingA.totalConnections() + leavingB.totalConnections()).isZero();
            assertThat(inService.totalConnections()).isEqualTo(1);
            listener.close().sync();
        }
    }
}
