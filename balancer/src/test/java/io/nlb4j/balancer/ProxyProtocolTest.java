package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.canBindLoopbackAlias;
import static io.nlb4j.balancer.Fixtures.loopback;
import static io.nlb4j.balancer.Fixtures.optionsBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.nlb4j.balancer.LoadBalancerEvent.ConnectionRejected;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.control.RecordingLogger;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ProxyProtocol;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol, sent to servers and accepted from a proxy in front, checked by Netty's own
 * {@link HAProxyMessageDecoder} at a test server.
 */
class ProxyProtocolTest {

    /** A header the test server decoded, with the bytes that followed it on that connection. */
    record Seen(HAProxyProtocolVersion version, String source, int sourcePort, String destination,
                int destinationPort) {
    }

    private EventLoopGroup group;
    private Channel server;
    private final List<Seen> headers = new CopyOnWriteArrayList<>();

    /** A server that requires a PROXY header on every connection, records it, then echoes. */
    @BeforeEach
    void startServer() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HAProxyMessageDecoder()).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HAProxyMessage m) {
                                    headers.add(new Seen(m.protocolVersion(), m.sourceAddress(), m.sourcePort(),
                                            m.destinationAddress(), m.destinationPort()));
                                    m.release();
                                } else {
                                    ctx.writeAndFlush(msg);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // no header: nothing is served
                            }
                        });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int serverPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private LoadBalancerSpec spec(String name, ProxyProtocol send, boolean accept, SecurityGroup... groups) {
        LoadBalancerSpec.Builder b = Fixtures.specBuilder(name);
        for (SecurityGroup g : groups) {
            b.securityGroup(g);
        }
        return b.listener(Listener.tcp(0).acceptProxyProtocol(accept).backendService(BackendService.builder("web")
                        .proxyProtocol(send).healthCheck(HealthCheck.none())
                        .staticServers(StaticServer.of("127.0.0.1", serverPort()))))
                .build();
    }

    private static String echo(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] back = new byte[text.length()];
        InputStream in = s.getInputStream();
        int n = 0;
        while (n < back.length) {
            int r = in.read(back, n, back.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return new String(back, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void serversGetTheClientsRealAddressAndPortInVersionOneAndTwo() throws Exception {
        assumeTrue(canBindLoopbackAlias(), "127.0.0.5 cannot be bound here");
        for (ProxyProtocol version : List.of(ProxyProtocol.V1, ProxyProtocol.V2)) {
            headers.clear();
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("send-" + version, version, false),
                    optionsBuilder().build());
                 Socket client = Fixtures.connect(lb.listener(0), loopback(5))) {
                assertThat(echo(client, "hello through " + version)).isEqualTo("hello through " + version);
                await().until(() -> !headers.isEmpty());
                Seen h = headers.get(0);
                assertThat(h.version()).isEqualTo(version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1
                        : HAProxyProtocolVersion.V2);
                assertThat(h.source()).isEqualTo("127.0.0.5");
                assertThat(h.sourcePort()).isEqualTo(client.getLocalPort());
                assertThat(h.destination()).isEqualTo("127.0.0.1");
                assertThat(h.destinationPort()).isEqualTo(lb.listener(0).boundAddress().getPort());
            }
        }
    }

    @Test
    void aHeaderFromAProxyInFrontNamesTheClientForAccessControlAndIsPassedOn() throws Exception {
        RecordingLogger accessLog = new RecordingLogger(LoggerFactory.getLogger(LoadBalancerOptions.ACCESS_LOGGER));
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("accept", ProxyProtocol.V2, true,
                        SecurityGroup.of("no-test-net", InboundRule.deny("203.0.113.0/24").priority(10),
                                InboundRule.allow("0.0.0.0/0").priority(20))),
                optionsBuilder().accessLog(accessLog).build());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            // A client-side proxy says the client is 198.51.100.7:4242: allowed, and the server is told the same.
            try (Socket s = Fixtures.connect(lb.listener(0))) {
                s.getOutputStream().write("PROXY TCP4 198.51.100.7 192.0.2.1 4242 443\r\nping".getBytes(
                        StandardCharsets.US_ASCII));
                byte[] back = s.getInputStream().readNBytes(4);
                assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping");
            }
            await().until(() -> !headers.isEmpty());
            assertThat(headers.get(0)).isEqualTo(new Seen(HAProxyProtocolVersion.V2, "198.51.100.7", 4242,
                    "192.0.2.1", 443));
            // The access log names the client the header named; "ping" came with the header, before the server
            // connection was made, and is counted all the same.
            await().untilAsserted(() -> assertThat(accessLog.messages()).anySatisfy(line -> assertThat(line)
                    .contains(" 198.51.100.7:4242 ", " bytes_in=4 bytes_out=4 ")));

            // One from 203.0.113.9 is denied by the security group, although the TCP peer is 127.0.0.1.
            try (Socket s = Fixtures.connect(lb.listener(0))) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.9 192.0.2.1 5555 443\r\n".getBytes(
                        StandardCharsets.US_ASCII));
                assertClosed(s);
            }
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().deniedConnections()).isEqualTo(1));
            assertThat(headers).hasSize(1);
            await().untilAsserted(() -> assertThat(events.of(ConnectionRejected.class)).singleElement()
                    .satisfies(e -> assertThat(e.client().getHostAddress()).isEqualTo("203.0.113.9")));
        }
    }

    @Test
    void aMalformedOrMissingHeaderClosesTheConnectionAndIsCounted() throws Exception {
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec("malformed", ProxyProtocol.NONE, true),
                optionsBuilder().build());
             Fixtures.Events events = new Fixtures.Events(lb)) {
            try (Socket s = Fixtures.connect(lb.listener(0))) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertClosed(s);
            }
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().badProxyHeaderConnections())
                    .isEqualTo(1));
            // No header at all: closed after the wait, counted the same.
            try (Socket s = Fixtures.connect(lb.listener(0))) {
                s.setSoTimeout((Listener.PROXY_HEADER_TIMEOUT_SECONDS + 5) * 1000);
                assertClosed(s);
            }
            await().untilAsserted(() -> assertThat(lb.listener(0).stats().badProxyHeaderConnections())
                    .isEqualTo(2));
            assertThat(lb.listener(0).stats().totalConnections()).isZero();
            assertThat(events.of(ConnectionRejected.class)).extracting(ConnectionRejected::reason)
                    .containsExactly(RejectReason.BAD_PROXY_HEADER, RejectReason.BAD_PROXY_HEADER);
            assertThat(events.of(ConnectionRejected.class).get(1).description())
                    .contains("PROXY protocol header missing after " + Listener.PROXY_HEADER_TIMEOUT_SECONDS + " s");
        }
    }

    @Test
    void healthChecksSendTheHeaderOnlyWhenAskedTo() throws Exception {
        for (boolean send : List.of(false, true)) {
            headers.clear();
            LoadBalancerSpec spec = Fixtures.specBuilder("checks-" + send).listener(Listener.tcp(0).backendService(
                    BackendService.builder("web").proxyProtocol(ProxyProtocol.V1)
                            .healthCheck(HealthCheck.tcp().interval(Duration.ofMillis(100))
                                    .timeout(Duration.ofMillis(80)).healthyThreshold(1).proxyProtocol(send))
                            .staticServers(StaticServer.of("127.0.0.1", serverPort())))).build();
            try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, optionsBuilder().build())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> lb.backendService("web").servers().get(0)
                        .servesTraffic());
                if (send) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> headers.size() >= 2);
                    assertThat(headers).allSatisfy(h -> {
                        assertThat(h.version()).isEqualTo(HAProxyProtocolVersion.V1);
                        assertThat(h.source()).isEqualTo("127.0.0.1");
                        assertThat(h.destinationPort()).isEqualTo(serverPort());
                    });
                } else {
                    // several probes have run (the server is healthy after one) and none sent a header
                    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(headers::isEmpty);
                }
            }
        }
    }

    private static void assertClosed(Socket s) throws IOException {
        try {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (java.net.SocketException reset) {
            // closed with a reset: refused all the same
        }
    }
}
