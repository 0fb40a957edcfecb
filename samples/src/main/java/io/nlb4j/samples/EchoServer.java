package io.nlb4j.samples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.nlb4j.model.InstanceHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP echo server on Netty: every byte received is sent back, and a client's half-close is
 * answered by closing once everything has been echoed. Used as an availability-group instance in the
 * samples and tests.
 */
public final class EchoServer implements InstanceHandle {

    private static final class Loop {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("nlb4j-echo", true), NioIoHandler.newFactory());
    }

    private final Channel channel;
    private final String name;
    private final AtomicLong accepted;

    private EchoServer(Channel channel, String name, AtomicLong accepted) {
        this.channel = channel;
        this.name = name;
        this.accepted = accepted;
    }

    /**
     * Starts an echo server named after its address.
     *
     * @param host the address to bind
     * @param port the port to bind, 0 for an ephemeral one
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static EchoServer start(String host, int port) throws InterruptedException {
        return start(host, port, null);
    }

    /**
     * Starts a named echo server.
     *
     * @param host the address to bind
     * @param port the port to bind, 0 for an ephemeral one
     * @param name a name for logs and summaries; {@code null} names it after its address
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static EchoServer start(String host, int port, String name) throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        Echo echo = new Echo(accepted);
        Channel ch = new ServerBootstrap()
                .group(Loop.GROUP)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(echo)
                .bind(host, port).sync().channel();
        return new EchoServer(ch, name != null ? name : String.valueOf(ch.localAddress()), accepted);
    }

    /**
     * Returns how many connections this server has accepted.
     *
     * @return the number of accepted connections
     */
    public long acceptedConnections() {
        return accepted.get();
    }

    /**
     * Returns the server's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Stops accepting connections. Open connections are left to finish.
     *
     * @throws InterruptedException if interrupted while unbinding
     */
    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
    }

    @Override
    public String toString() {
        return "EchoServer[" + name + ']';
    }

    /** Echoes bytes; stops reading while the peer is slow (no unbounded buffering). */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final AtomicLong accepted;

        Echo(AtomicLong accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
