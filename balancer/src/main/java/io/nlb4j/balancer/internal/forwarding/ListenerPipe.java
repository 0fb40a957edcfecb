package io.nlb4j.balancer.internal.forwarding;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.nlb4j.model.Listener;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The listener path behind {@link ListenerPath#create}. */
final class ListenerPipe implements ListenerPath {

    /** Per-connection write buffer bounds: reading from the other side pauses above the high mark. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    // The listener's settings: replaced in place by a live update (reconfigure); a connection reads them as it goes.
    volatile int index;
    volatile Listener spec;
    volatile Route route;
    volatile AccessControl access;
    volatile long idleTimeoutNanos;
    private volatile int maxConnections;
    volatile boolean acceptProxy;
    /** The listener as the access log and the meters name it: its name, else its port. */
    volatile String logName;
    final ForwardingEvents events;
    final int maxConnectAttempts;
    private final Transport transport;
    final Faults faults = new Faults();
    private final LoopStates loops;
    private final int connectTimeoutMillis;
    private final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder overLimit = new LongAdder();
    final LongAdder noServer = new LongAdder();
    final LongAdder badProxyHeader = new LongAdder();
    final LongAdder serversFull = new LongAdder();
    final Observers observers;
    private volatile int boundPort;

    ListenerPipe(int index, Listener spec, Route route, AccessControl access, Transport transport, LoopStates loops,
                 ForwardingEvents events, int connectTimeoutMillis, int maxConnectAttempts,
                 ConnectionObservers observers) {
        this.observers = (Observers) observers;
        this.transport = transport;
        this.loops = loops;
        this.events = events;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxConnectAttempts = maxConnectAttempts;
        reconfigure(index, spec, route, access);
    }

    @Override
    public void reconfigure(int index, Listener spec, ServiceRoute route, AccessControl access) {
        this.index = index;
        this.spec = spec;
        this.route = (Route) route;
        this.access = access;
        this.logName = spec.name().orElse(String.valueOf(spec.port()));
        this.acceptProxy = spec.acceptProxyProtocol();
        this.idleTimeoutNanos = spec.idleTimeout().toNanos();
        this.maxConnections = spec.maxConnections().orElse(Integer.MAX_VALUE);
    }

    @Override
    public ChannelInitializer<Channel> childHandler() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ProxyConnection(ListenerPipe.this, loops.of(ch.eventLoop())));
            }
        };
    }

    /**
     * On the listening channel, ahead of Netty's acceptor: each accepted channel gets, before it is registered, the
     * interests it will have anyway ({@link ProxyConnection.EpollHalfClosure#beforeRegistration}).
     */
    @ChannelHandler.Sharable
    private static final class BeforeRegistration extends ChannelInboundHandlerAdapter {
        static final BeforeRegistration INSTANCE = new BeforeRegistration();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                ProxyConnection.EpollHalfClosure.beforeRegistration(child, false);
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public ServerBootstrap serverBootstrap(EventLoopGroup group) {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .handler(BeforeRegistration.INSTANCE)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // A failed write shuts the output and reaches exceptionCaught at once, so the pair is reset then.
                // With auto-close, io_uring would close the channel only once its outstanding read had completed,
                // and that read can first report the reset as a clean end of input, passed on as a FIN.
                .childOption(ChannelOption.AUTO_CLOSE, false)
                // TCP_NODELAY is not set here nor below: every Netty transport's socket config enables it on
                // creation, so setting it again would be one more setsockopt per channel for nothing.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(childHandler());
    }

    @Override
    public void bound(int port) {
        this.boundPort = port;
    }

    int boundPort() {
        return boundPort;
    }

    LoopStates loops() {
        return loops;
    }

    boolean acquire() {
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        if (active.decrementAndGet() == 0) {
            events.idle(this);
        }
    }

    Channel newBackendChannel() {
        Channel ch = transport.socketChannels().get();
        ChannelConfig c = ch.config();
        c.setAutoRead(false);
        c.setConnectTimeoutMillis(connectTimeoutMillis);
        c.setWriteBufferWaterMark(WATER_MARK);
        c.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        c.setAutoClose(false); // as the client side's
        ProxyConnection.EpollHalfClosure.beforeRegistration(ch, true);
        return ch;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public Listener spec() {
        return spec;
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    @Override
    public long totalConnections() {
        return total.sum();
    }

    @Override
    public long bytesIn() {
        return bytesIn.sum();
    }

    @Override
    public long bytesOut() {
        return bytesOut.sum();
    }

    @Override
    public long deniedConnections() {
        return denied.sum();
    }

    @Override
    public long overLimitConnections() {
        return overLimit.sum();
    }

    @Override
    public long noServerConnections() {
        return noServer.sum();
    }

    @Override
    public long serversFullConnections() {
        return serversFull.sum();
    }

    @Override
    public long badProxyHeaderConnections() {
        return badProxyHeader.sum();
    }

    @Override
    public String toString() {
        return "listeners[" + index + "] (port " + spec.port() + ')';
    }

    @Override
    public FaultScope faults() {
        return faults;
    }
}
