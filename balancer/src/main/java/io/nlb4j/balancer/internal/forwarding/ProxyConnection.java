package io.nlb4j.balancer.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.scheduling.SourceHash;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its server connection. It is the client channel's handler; its inner
 * {@link Backend} is the server channel's. Both channels live on the client channel's event loop, so no
 * field needs a lock. Reading is explicit (auto-read off): a side is read again only while the other side
 * is writable, so a slow reader never makes the proxy buffer without bound.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener, Runnable {

    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    private static final ChannelFutureListener SHUTDOWN_OUTPUT = f -> {
        if (f.channel() instanceof DuplexChannel && f.channel().isActive()) {
            ((DuplexChannel) f.channel()).shutdownOutput();
        }
    };

    private final ListenerRuntime listener;
    private final ServiceRuntime service;
    private final Backend backendHandler = new Backend();
    private Channel frontend;
    private Channel backend;
    private ServerState server;
    private ServerState[] tried;
    private int attempt;
    private InetAddress client;
    private int sourceHash;
    private long lastActivity;
    private ScheduledFuture<?> idleTask;
    private boolean counted;
    private boolean serverHeld;
    private boolean connected;
    private boolean finished;
    /** Set when the pair is being torn down after a failure, so that the aborted server connect is no failure. */
    private boolean failing;
    private boolean clientEof;
    private boolean serverEof;
    private boolean frontendReadPending;
    private boolean backendReadPending;
    /**
     * Client bytes read before the server connection was made. Reading is off until then, but the native
     * transport still reads what is left in the socket when the client half-closes (EPOLLRDHUP), so a client
     * that sends its request and FIN at once delivers them here. Rare; allocated only then.
     */
    private ArrayDeque<Object> early;

    ProxyConnection(ListenerRuntime listener) {
        this.listener = listener;
        this.service = listener.service;
    }

    ServerState server() {
        return server;
    }


    // ---- accept ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        frontend = ctx.channel();
        client = ((InetSocketAddress) frontend.remoteAddress()).getAddress();
        String denied = listener.access.deny(client, listener.boundPort());
        if (denied != null) {
            listener.denied.increment();
            reject("access denied: " + denied);
            return;
        }
        if (!listener.acquire()) {
            listener.overLimit.increment();
            reject("listener at its connection limit " + listener.spec.maxConnections().orElse(0));
            return;
        }
        counted = true;
        service.connections.add(this);
        sourceHash = SourceHash.of(client);
        connect();
    }

    private void reject(String why) {
        if (log.isDebugEnabled()) {
            log.debug("listener {}: connection from {} rejected: {}", listener.spec.port(), client, why);
        }
        listener.events.publish(LoadBalancerEvent.Type.CONNECTION_REJECTED, listener.spec.port(), service.name(), null,
                why + " (client " + client.getHostAddress() + ')');
        frontend.close();
    }

    // ---- connect ----

    private void connect() {
        ServerState s = null;
        for (int tries = 0; tries < 3 && s == null; tries++) {
            s = pickUntried();
            if (s == null) {
                break;
            }
            // Count the connection first, then check the server is still in service: a removal that starts
            // now either sees this connection and drains it, or is seen here and another server is picked.
            s.active.incrementAndGet();
            service.loadChanged(s);
            if (s.state != ServerStats.State.IN_SERVICE) {
                service.released(s);
                s = null;
            }
        }
        if (s == null) {
            listener.noServer.increment();
            reject(attempt == 0 ? "no server in service" : "no server reachable after " + attempt + " attempts");
            return;
        }
        server = s;
        serverHeld = true;
        Channel b = listener.newBackendChannel();
        b.pipeline().addLast(backendHandler);
        backend = b;
        frontend.eventLoop().register(b);
        b.connect(s.address).addListener(this);
    }

    private ServerState pickUntried() {
        int max = listener.maxConnectAttempts;
        for (int k = 0; k < max * 4; k++) {
            ServerState s = service.pick(client, sourceHash, attempt + k);
            if (s == null || !wasTried(s)) {
                return s;
            }
        }
        return null;
    }

    private boolean wasTried(ServerState s) {
        if (tried == null) {
            return false;
        }
        for (ServerState t : tried) {
            if (t == s) {
                return true;
            }
        }
        return false;
    }

    /** The server connect attempt has completed. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (f.channel() != backend) {
            return;
        }
        if (finished || failing || !frontend.isActive()) {
            // The client has gone (closed, reset, or closed by stop or draining) while connecting: the connect
            // was aborted, which is no failure of the server. The client channel's inactive event releases it.
            f.channel().close();
            return;
        }
        if (f.isSuccess()) {
            connected = true;
            service.passiveSuccess(server);
            server.total.increment();
            listener.total.increment();
            service.connected(client, server);
            lastActivity = System.nanoTime();
            idleTask = frontend.eventLoop().schedule(this, listener.idleTimeoutNanos, TimeUnit.NANOSECONDS);
            if (early != null) {
                forwardEarly();
            }
            if (clientEof) {
                endOfInput(backend, serverEof, frontend);
            } else {
                frontend.read();
            }
            backend.read();
            return;
        }
        // Netty's Bootstrap closes a channel whose connect failed (CLOSE_ON_FAILURE); this one is ours to close.
        f.channel().close();
        ServerState failed = server;
        failed.connectFailures.increment();
        service.passiveFailure(failed);
        serverHeld = false;
        service.released(failed);
        server = null;
        backend = null;
        Throwable cause = f.cause();
        listener.events.publish(LoadBalancerEvent.Type.CONNECT_FAILED, listener.spec.port(), service.name(),
                failed.key(), cause == null ? "unknown" : cause.toString());
        if (log.isDebugEnabled()) {
            log.debug("listener {}: connect to {} failed: {}", listener.spec.port(), failed.key(), String.valueOf(cause));
        }
        if (tried == null) {
            tried = new ServerState[listener.maxConnectAttempts];
        }
        tried[attempt++] = failed;
        if (attempt < listener.maxConnectAttempts) {
            connect();
        } else {
            listener.noServer.increment();
            reject("no server reachable after " + attempt + " attempts");
        }
    }

    private void forwardEarly() {
        ArrayDeque<Object> q = early;
        early = null;
        for (Object msg; (msg = q.poll()) != null; ) {
            server.bytesToServer.add(msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0);
            backend.write(msg, backend.voidPromise());
        }
        backend.flush();
    }

    private void releaseEarly() {
        ArrayDeque<Object> q = early;
        early = null;
        if (q != null) {
            for (Object msg; (msg = q.poll()) != null; ) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    // ---- client side ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
        lastActivity = System.nanoTime();
        listener.bytesIn.add(n);
        Channel b = backend;
        if (connected && b.isActive()) {
            server.bytesToServer.add(n);
            b.write(msg, b.voidPromise());
        } else if (!connected && counted && !finished) {
            // Still connecting: keep the bytes for the server (see the field's comment).
            if (early == null) {
                early = new ArrayDeque<>(4);
            }
            early.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!connected) {
            return;
        }
        backend.flush();
        if (clientEof) {
            return;
        }
        if (backend.isWritable()) {
            frontend.read();
        } else {
            frontendReadPending = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (frontend.isWritable() && backendReadPending && !serverEof) {
            backendReadPending = false;
            backend.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            EpollHalfClosure.keepRegistered(frontend);
            clientEof = true;
            if (connected) {
                endOfInput(backend, serverEof, frontend);
            } else if (!counted) {
                frontend.close(); // rejected at accept
            }
            // Still connecting: the FIN is passed on once the server connection is made.
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(backend);
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(frontend, backend, cause);
    }

    // ---- shared ----

    /** One side has sent FIN: pass it on once its data is flushed; close the pair when both sides have. */
    private static void endOfInput(Channel peer, boolean otherEof, Channel self) {
        if (otherEof) {
            closeOnFlush(peer);
            closeOnFlush(self);
        } else if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(SHUTDOWN_OUTPUT);
        }
    }

    private void failed(Channel self, Channel peer, Throwable cause) {
        failing = true;
        if (cause instanceof IOException) {
            // A reset (or other I/O failure) on one side is passed on as a reset.
            if (log.isDebugEnabled()) {
                log.debug("listener {}: {} failed, resetting the peer: {}", listener.spec.port(),
                        self == frontend ? "client " + client : "server " + server, cause.toString());
            }
            reset(peer);
        } else {
            log.debug("listener {}: unexpected failure, closing the pair", listener.spec.port(), cause);
            if (peer != null) {
                peer.close();
            }
        }
        self.close();
    }

    private static void reset(Channel ch) {
        if (ch != null && ch.isOpen()) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
        }
    }

    private static void closeOnFlush(Channel ch) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (ch != null) {
            ch.close();
        }
    }

    /** Closes both sides at once: draining timeout, stop, idle timeout. Safe from any thread. */
    void closeNow() {
        Channel f = frontend;
        Channel b = backend;
        if (f != null) {
            f.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** The idle check, run on the event loop. */
    @Override
    public void run() {
        if (finished) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        long left = listener.idleTimeoutNanos - idle;
        if (left <= 0) {
            if (log.isDebugEnabled()) {
                log.debug("listener {}: connection from {} idle for {} ms, closing", listener.spec.port(), client,
                        TimeUnit.NANOSECONDS.toMillis(idle));
            }
            closeNow();
        } else {
            idleTask = frontend.eventLoop().schedule(this, left, TimeUnit.NANOSECONDS);
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        releaseEarly();
        if (idleTask != null) {
            idleTask.cancel(false);
        }
        if (counted) {
            listener.release();
            service.connections.remove(this);
        }
        releaseServer();
    }

    private void releaseServer() {
        if (serverHeld) {
            serverHeld = false;
            service.released(server);
        }
    }

    /** The server channel's handler. */
    private final class Backend extends ChannelInboundHandlerAdapter {

        @Override
        public boolean isSharable() {
            return true; // one instance serves the successive attempts of one connection, never two at once
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
            lastActivity = System.nanoTime();
            listener.bytesOut.add(n);
            if (frontend.isActive()) {
                server.bytesFromServer.add(n);
                frontend.write(msg, frontend.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            frontend.flush();
            if (serverEof) {
                return;
            }
            if (frontend.isWritable()) {
                backend.read();
            } else {
                backendReadPending = true;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend && backend.isWritable() && frontendReadPending && !clientEof) {
                frontendReadPending = false;
                frontend.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && ctx.channel() == backend) {
                EpollHalfClosure.keepRegistered(backend);
                serverEof = true;
                endOfInput(frontend, clientEof, backend);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend) {
                closeOnFlush(frontend);
                // The server has gone, but the client may still be receiving the end of the response: the
                // server is released now (so that its draining can end), the pair when the client side closes.
                releaseServer();
                if (!frontend.isActive()) {
                    finish();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == backend) {
                if (cause instanceof IOException) {
                    service.passiveFailure(server); // a reset by the server counts against it
                }
                failed(backend, frontend, cause);
            } else {
                ctx.close();
            }
        }
    }

    /**
     * Works around a bug of Netty's epoll transport (seen in 4.2.18 and 4.2.20): when the interest set of a
     * registered channel becomes empty, {@code EpollIoHandler} removes the descriptor from epoll
     * ({@code EPOLL_CTL_DEL}) but keeps its registration marked as added, so the next interest change is an
     * {@code EPOLL_CTL_MOD} that fails with ENOENT. A half-closed channel with reading off reaches that empty
     * set (its input and read-hang-up interests are cleared), and the first write that then finds the socket
     * buffer full needs {@code EPOLLOUT}: the write fails, Netty shuts the output, and the rest of the response
     * is lost. Adding {@code EPOLLERR} to the interest set when the input ends keeps the set from ever being
     * empty; epoll reports errors whether they are asked for or not, so it changes nothing else.
     *
     * <p>{@code setFlag} is protected in Netty, hence one reflective handle; where it cannot be had (another
     * Netty, a module path that forbids it), this does nothing.
     */
    static final class EpollHalfClosure {

        private static final MethodHandle SET_FLAG = setFlag();

        private EpollHalfClosure() {
        }

        private static MethodHandle setFlag() {
            try {
                Method m = Class.forName("io.netty.channel.epoll.AbstractEpollChannel", false,
                        ProxyConnection.class.getClassLoader()).getDeclaredMethod("setFlag", int.class);
                m.setAccessible(true);
                return MethodHandles.lookup().unreflect(m);
            } catch (Throwable t) {
                log.debug("epoll half-closure workaround unavailable: {}", t.toString());
                return null;
            }
        }

        /** Called on the channel's event loop when its input has ended. */
        static void keepRegistered(Channel ch) {
            if (SET_FLAG != null && ch instanceof EpollSocketChannel && ch.isOpen()) {
                try {
                    SET_FLAG.invoke(ch, Native.EPOLLERR);
                } catch (Throwable t) {
                    log.debug("epoll half-closure workaround failed on {}: {}", ch, t.toString());
                }
            }
        }
    }
}
