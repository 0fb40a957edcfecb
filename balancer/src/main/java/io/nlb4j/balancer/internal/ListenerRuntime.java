package io.nlb4j.balancer.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.nlb4j.balancer.ListenerStats;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.model.Listener;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** A listener of a running load balancer: its server socket, counters and connection settings. */
final class ListenerRuntime implements RunningListener {

    /** Per-connection write buffer bounds: reading from the other side pauses above the high mark. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    final Listener spec;
    final ServiceRuntime service;
    final AccessControl access;
    final EventBus events;
    final int maxConnectAttempts;
    final long idleTimeoutNanos;
    private final Transport transport;
    private final int connectTimeoutMillis;
    private final int maxConnections;
    private final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder overLimit = new LongAdder();
    final LongAdder noServer = new LongAdder();
    private volatile Channel serverChannel;
    private volatile InetSocketAddress boundAddress;

    ListenerRuntime(Listener spec, ServiceRuntime service, AccessControl access, EventBus events, Transport transport,
                    int connectTimeoutMillis, int maxConnectAttempts) {
        this.spec = spec;
        this.service = service;
        this.access = access;
        this.events = events;
        this.transport = transport;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxConnectAttempts = maxConnectAttempts;
        this.idleTimeoutNanos = spec.idleTimeout().toNanos();
        this.maxConnections = spec.maxConnections().orElse(Integer.MAX_VALUE);
    }

    ChannelInitializer<Channel> childHandler() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ProxyConnection(ListenerRuntime.this));
            }
        };
    }

    void bound(Channel channel) {
        this.serverChannel = channel;
        this.boundAddress = (InetSocketAddress) channel.localAddress();
    }

    Channel serverChannel() {
        return serverChannel;
    }

    int boundPort() {
        return boundAddress.getPort();
    }

    boolean acquire() {
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        active.decrementAndGet();
    }


    Channel newBackendChannel() {
        Channel ch = transport.socketChannels().get();
        ChannelConfig c = ch.config();
        c.setAutoRead(false);
        c.setConnectTimeoutMillis(connectTimeoutMillis);
        c.setWriteBufferWaterMark(WATER_MARK);
        c.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        c.setOption(ChannelOption.TCP_NODELAY, true);
        return ch;
    }

    @Override
    public Listener spec() {
        return spec;
    }

    @Override
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    @Override
    public RunningBackendService backendService() {
        return service;
    }

    @Override
    public ListenerStats stats() {
        return new ListenerStats(spec.port(), boundAddress, active.get(), total.sum(), bytesIn.sum(), bytesOut.sum(),
                denied.sum(), overLimit.sum(), noServer.sum());
    }
}
