package io.nlb4j.membership.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A small authoritative DNS server on 127.0.0.1 for tests: A and SRV records that the test changes at will. */
public final class TestDnsServer implements AutoCloseable {

    /** An SRV record's data. */
    public record Srv(int priority, int weight, int port, String target) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<InetAddress>> a = new ConcurrentHashMap<>();
    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final int ttl;
    private final Channel channel;

    public TestDnsServer(int ttlSeconds) {
        this.ttl = ttlSeconds;
        this.channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answer());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void a(String name, List<InetAddress> addresses) {
        a.put(fqdn(name), List.copyOf(addresses));
    }

    public void srv(String name, List<Srv> records) {
        srv.put(fqdn(name), List.copyOf(records));
    }

    private static String fqdn(String name) {
        return name.endsWith(".") ? name : name + '.';
    }

    /** Stops answering; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (!group.isShuttingDown()) {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private final class Answer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true);
            response.addRecord(DnsSection.QUESTION, q);
            String name = q.name().toLowerCase();
            boolean known = a.containsKey(name) || srv.containsKey(name);
            if (q.type().equals(DnsRecordType.A)) {
                for (InetAddress addr : a.getOrDefault(name, List.of())) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name(), DnsRecordType.A, ttl,
                            Unpooled.wrappedBuffer(addr.getAddress())));
                }
            } else if (q.type().equals(DnsRecordType.SRV)) {
                for (Srv s : srv.getOrDefault(name, List.of())) {
                    ByteBuf data = Unpooled.buffer();
                    data.writeShort(s.priority()).writeShort(s.weight()).writeShort(s.port());
                    for (String label : s.target().split("\\.")) {
                        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                        data.writeByte(b.length).writeBytes(b);
                    }
                    data.writeByte(0);
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name(), DnsRecordType.SRV, ttl,
                            data));
                }
            }
            if (!known) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            }
            ctx.writeAndFlush(response);
        }
    }
}
