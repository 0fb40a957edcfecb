package io.nlb4j.balancer.internal.forwarding;

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
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import io.nlb4j.balancer.scheduling.SourceHash;
import io.nlb4j.model.Listener;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its server connection. It is the client channel's handler; its inner
 * {@link Backend} is the server channel's. Both channels live on the client channel's event loop, and so does
 * the pair's place in its loop's {@link LoopState}, so no field needs a lock. Reading is explicit (auto-read off):
 * a side is read again only while the other side is writable, so a slow reader never makes the proxy buffer
 * without bound. Idleness is stamped, not timed: each batch of reads, in either direction, records the control
 * clock, and the loop's sweep closes pairs whose stamp is older than the listener's idle timeout.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    private static final ChannelFutureListener SHUTDOWN_OUTPUT = f -> {
        if (f.channel() instanceof DuplexChannel && f.channel().isActive()) {
            ((DuplexChannel) f.channel()).shutdownOutput();
        }
    };

    private final ListenerPipe listener;
    private final Route route;
    private final LoopState loop;
    private final Backend backendHandler = new Backend();
    /** This pair's neighbours in its loop's list. */
    ProxyConnection prev;
    ProxyConnection next;
    private Channel frontend;
    private Channel backend;
    private ServerEndpoint server;
    private ServerEndpoint[] tried;
    private int attempt;
    private InetAddress client;
    private int sourceHash;
    /** The control clock at the last batch of bytes read in either direction. */
    private long lastActivity;
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
    /** The faults acting on this pair (allocated only for a pair a fault acts on). */
    private Faults.Active[] installedFaults;
    private int faultsInstalled;
    /** Bytes of this connection from the client and to it. */
    private long clientBytes;
    private long serverBytes;
    /** How the connection ended, once known: the first cause wins. */
    private Termination end;
    /** Read at accept: the access log (or null) and the connect-time observers (often none). */
    private AccessLog accessLog;
    private ConnectionObservers.ConnectTimes[] connectTimes;
    /** Taken only when something observes the connection: the accept, the current connect, its duration. */
    private long acceptMillis;
    private long acceptNanos;
    private long connectStartNanos;
    private long connectNanos = -1;
    /** The client as the security groups, persistence, hashing and the logs see it: the PROXY header's source, if any. */
    private InetSocketAddress clientAddress;
    /** Where the client connected to (the header's destination, if any): a PROXY header sent on carries it. */
    private InetSocketAddress destination;
    /** The server slow start turned this connection away from, if any: others are tried first. */
    private ServerEndpoint rampSkipped;
    /** Whether a server was skipped for being at its connection limit, for this connection. */
    private boolean sawFull;
    /** On a listener that accepts the PROXY protocol, until the header has come. */
    private boolean awaitingHeader;
    private io.netty.util.concurrent.ScheduledFuture<?> headerTimer;

    ProxyConnection(ListenerPipe listener, LoopState loop) {
        this.listener = listener;
        this.route = listener.route;
        this.loop = loop;
    }

    /** The connection to the server while it is open or opening, known to {@link LoopStates}. */
    private LoopStates.Flow outbound;
    /** The client's connection when the client is on this host (it could be this load balancer), else null. */
    private LoopStates.Flow sameHostClient;

    Endpoint endpoint() {
        return server;
    }

    ListenerPipe listener() {
        return listener;
    }


    // ---- accept ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        frontend = ctx.channel();
        accessLog = listener.observers.accessLog();
        connectTimes = listener.observers.connectTimes();
        if (accessLog != null) {
            acceptMillis = System.currentTimeMillis();
            acceptNanos = System.nanoTime();
        }
        InetSocketAddress remote = (InetSocketAddress) frontend.remoteAddress();
        InetSocketAddress local = (InetSocketAddress) frontend.localAddress();
        if (remote == null || local == null) {
            // Reset by the client before it was seen: io_uring learns the addresses after the accept, and a socket
            // already reset has none. There is no one to answer, nor anything to forward.
            frontend.close();
            return;
        }
        client = remote.getAddress();
        clientAddress = remote;
        destination = local;
        if (client.equals(local.getAddress())) {
            // A client on this host, as is each connection of a forwarding loop.
            sameHostClient = new LoopStates.Flow(remote, local);
            if (listener.loops().sameHostClient(sameHostClient, this)) {
                forgetSameHostClient();
                reject(RejectReason.FORWARDING_LOOP, loopDetail(remote));
                return;
            }
        }
        if (listener.acceptProxy) {
            // The client is who the header says: nothing is decided before it has come.
            awaitingHeader = true;
            ctx.pipeline().addBefore(ctx.name(), null, new HAProxyMessageDecoder());
            headerTimer = frontend.eventLoop().schedule(() -> {
                if (awaitingHeader && !finished) {
                    badHeader("missing after " + Listener.PROXY_HEADER_TIMEOUT_SECONDS + " s");
                }
            }, Listener.PROXY_HEADER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            frontend.read();
            return;
        }
        admit();
    }

    /** The PROXY header has come: its source is the client from now on; then the connection is admitted. */
    private void headerArrived(HAProxyMessage header) {
        try {
            awaitingHeader = false;
            headerTimer.cancel(false);
            // LOCAL (the proxy's own check) and UNKNOWN carry no client: the connection's addresses stand.
            if (header.command() == HAProxyCommand.PROXY
                    && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNSPEC
                    && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
                clientAddress = new InetSocketAddress(InetAddress.getByAddress(
                        NetUtil.createByteArrayFromIpAddressString(header.sourceAddress())), header.sourcePort());
                destination = new InetSocketAddress(InetAddress.getByAddress(
                        NetUtil.createByteArrayFromIpAddressString(header.destinationAddress())),
                        header.destinationPort());
                client = clientAddress.getAddress();
            }
        } catch (java.net.UnknownHostException | RuntimeException e) {
            badHeader("unreadable: " + e.getMessage());
            return;
        } finally {
            header.release();
        }
        admit();
    }

    private void badHeader(String detail) {
        awaitingHeader = false;
        if (headerTimer != null) {
            headerTimer.cancel(false);
        }
        listener.badProxyHeader.increment();
        reject(RejectReason.BAD_PROXY_HEADER, detail);
    }

    /** Access control, the listener's limit, then a server: the connection is the listener's from here. */
    private void admit() {
        Faults.Active[] listenerFaults = listener.faults.active();
        Faults.Active[] serviceFaults = route.faults.active();
        if (listenerFaults.length + serviceFaults.length > 0) {
            Faults.Active down = Faults.firstApplying(listenerFaults, Fault.Kind.DOWN);
            if (down == null) {
                down = Faults.firstApplying(serviceFaults, Fault.Kind.DOWN);
            }
            if (down != null) {
                reject(RejectReason.FAULT_DOWN, down.fault.toString());
                return;
            }
        }
        String denied = listener.access.deny(client, listener.boundPort());
        if (denied != null) {
            listener.denied.increment();
            reject(RejectReason.ACCESS_DENIED, denied);
            return;
        }
        if (!listener.acquire()) {
            listener.overLimit.increment();
            reject(RejectReason.MAX_CONNECTIONS, "limit " + listener.spec.maxConnections().orElse(0));
            return;
        }
        counted = true;
        lastActivity = loop.clock.getAsLong();
        loop.add(this);
        sourceHash = SourceHash.of(client);
        connect();
    }

    private void reject(RejectReason reason, String detail) {
        ended(Termination.of(reason));
        if (log.isDebugEnabled()) {
            log.debug("{}: connection from {} rejected: {} ({})", listener, client, reason, detail);
        }
        listener.events.rejected(listener, client, reason, detail);
        // A reset, not a clean close: a client that sent its request and its FIN must not read a refusal as a
        // complete, empty answer.
        reset(frontend);
    }

    // ---- connect ----

    private void connect() {
        sawFull = false;
        rampSkipped = null;
        ServerEndpoint s = null;
        for (int tries = 0; tries < 3 && s == null; tries++) {
            s = pickUntried();
            if (s == null) {
                break;
            }
            if (s.rampingAway(loop.clock)) {
                // Slow start: a server still ramping up takes this connection only by its share of the moment.
                rampSkipped = s;
                s = null;
                continue;
            }
            s = hold(s);
        }
        if (s == null) {
            // The picker kept choosing servers already tried or that have started draining — least connections
            // does both: it prefers a server that refuses every connection, having none open, and, until the
            // snapshot without them is published, servers just set draining. Any other server of the snapshot
            // still in service takes the connection.
            for (Endpoint e : route.picker().candidates()) {
                ServerEndpoint c = (ServerEndpoint) e;
                if (!c.draining() && !wasTried(c) && c != rampSkipped && (s = hold(c)) != null) {
                    break;
                }
            }
            if (s == null && rampSkipped != null && !rampSkipped.draining()) {
                s = hold(rampSkipped); // nothing else takes it: better a ramping server than none
            }
        }
        if (s == null && sawFull) {
            listener.serversFull.increment();
            reject(RejectReason.SERVERS_FULL, "every server in service is at its maxConnections");
            return;
        }
        if (s == null) {
            listener.noServer.increment();
            if (attempt == 0) {
                reject(RejectReason.NO_SERVER, "no server in service");
            } else {
                reject(RejectReason.NO_SERVER_REACHABLE, attempt + " attempts");
            }
            return;
        }
        server = s;
        serverHeld = true;
        Channel b = listener.newBackendChannel();
        b.pipeline().addLast(backendHandler);
        backend = b;
        frontend.eventLoop().register(b);
        Faults.Active[] serverFaults = s.faults.active();
        Faults.Active down = serverFaults.length == 0 ? null : Faults.firstApplying(serverFaults, Fault.Kind.DOWN);
        if (accessLog != null || connectTimes.length > 0) {
            connectStartNanos = System.nanoTime();
        }
        ChannelFuture connecting = down == null ? b.connect(s.address())
                : b.newFailedFuture(new ConnectException("Connection refused (fault: " + down.fault + ')'));
        // With epoll and NIO the connect has run on this loop: the kernel chose the local port when it sent the SYN,
        // before any loop could accept the connection should it come back to this load balancer, so it is known
        // before the outcome is handled, even one that came at once. io_uring connects asynchronously: its local
        // address is known when the connect completes (and a loop is closed then, from whichever side sees it).
        knowOutbound(b, s);
        connecting.addListener(this);
    }

    /** Records the connection to the server as this load balancer's, once its local address is known. */
    private void knowOutbound(Channel b, ServerEndpoint s) {
        if (outbound != null) {
            return;
        }
        InetSocketAddress from = (InetSocketAddress) b.localAddress();
        if (from != null) {
            outbound = new LoopStates.Flow(from, LoopStates.Flow.destination(s.address()));
            ProxyConnection cameBack = listener.loops().outboundOpened(outbound);
            if (cameBack != null) {
                cameBack.closeAsLoop();
            }
        }
    }

    /**
     * Counts this connection on a server, then checks the server is still in service: a removal that starts now
     * either sees this connection and drains it, or is seen here and another server is picked.
     *
     * @return the server, or {@code null} if it is draining (the count undone)
     */
    private ServerEndpoint hold(ServerEndpoint s) {
        if (s.active.incrementAndGet() > s.maxConnections()) {
            // Full: counted back at once, never over its limit; another server is tried.
            s.active.decrementAndGet();
            sawFull = true;
            return null;
        }
        route.loadChanged(s);
        if (s.draining()) {
            released(s);
            return null;
        }
        return s;
    }

    /** A pair to {@code s} has closed, or a connect was given up: its count goes, and a drain may end. */
    private void released(ServerEndpoint s) {
        int active = s.active.decrementAndGet();
        route.loadChanged(s);
        if (active == 0 && s.draining()) {
            listener.events.drained(route, s);
        }
    }

    /** The picker's choice among servers not tried yet, or {@code null} if it keeps choosing tried ones. */
    private ServerEndpoint pickUntried() {
        int max = listener.maxConnectAttempts;
        for (int k = 0; k < max * 4; k++) {
            ServerEndpoint s = (ServerEndpoint) route.pick(client, sourceHash, attempt + k);
            if (s == null || (!wasTried(s) && s != rampSkipped)) {
                return s;
            }
        }
        return null;
    }

    private boolean wasTried(ServerEndpoint s) {
        if (tried == null) {
            return false;
        }
        for (ServerEndpoint t : tried) {
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
            knowOutbound(backend, server);
            Faults.Active[] lf = listener.faults.active();
            Faults.Active[] rf = route.faults.active();
            Faults.Active[] sf = server.faults.active();
            boolean resetNow = false;
            if (lf.length + rf.length + sf.length > 0) {
                resetNow = installFaults(lf, false) | installFaults(rf, false) | installFaults(sf, false);
            }
            connected = true;
            if (accessLog != null || connectTimes.length > 0) {
                connectNanos = System.nanoTime() - connectStartNanos;
                for (ConnectionObservers.ConnectTimes t : connectTimes) {
                    t.connected(route.service(), server, connectNanos);
                }
            }
            HAProxyProtocolVersion proxyVersion = route.sendProxy;
            if (proxyVersion != null) {
                sendProxyHeader(proxyVersion);
            }
            server.recordSuccess();
            server.total.increment();
            listener.total.increment();
            route.connected(client, server);
            lastActivity = loop.clock.getAsLong();
            if (resetNow) {
                closeNow(Termination.FAULT); // a reset_peer fault with no timeout: before a byte is forwarded
                return;
            }
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
        forgetOutbound();
        ServerEndpoint failed = server;
        failed.connectFailures.increment();
        listener.events.failed(route, failed, failed.recordFailure());
        serverHeld = false;
        released(failed);
        server = null;
        backend = null;
        Throwable cause = f.cause();
        listener.events.connectFailed(listener, route, failed,
                cause != null ? cause : new IllegalStateException("connect failed without a cause"));
        if (log.isDebugEnabled()) {
            log.debug("{}: connect to {} failed: {}", listener, failed.key(), String.valueOf(cause));
        }
        if (tried == null) {
            tried = new ServerEndpoint[listener.maxConnectAttempts];
        }
        tried[attempt++] = failed;
        if (attempt < listener.maxConnectAttempts) {
            connect();
        } else {
            listener.noServer.increment();
            reject(RejectReason.NO_SERVER_REACHABLE, attempt + " attempts");
        }
    }

    /**
     * A fault was just added to a scope: if this open pair is in it and does not have it yet (it may have seen it
     * when it connected), it is put in place, by its own toxicity draw. On the pair's loop.
     *
     * @return whether the fault now acts on this pair
     */
    boolean faultAdded(Faults scope, Faults.Active fault) {
        if (!connected || finished || failing || !frontend.isActive()
                || (listener.faults != scope && route.faults != scope && server.faults != scope)) {
            return false;
        }
        if (fault.fault.kind() == Fault.Kind.DOWN) {
            if (scope != server.faults && fault.appliesToOpen()) {
                closeNow(Termination.FAULT); // a listener or service taken down: Toxiproxy's disabled proxy drops its connections
                return true;
            }
            return false;
        }
        int before = faultsInstalled;
        if (installFaults(new Faults.Active[] {fault}, true)) {
            closeNow(Termination.FAULT);
        }
        return faultsInstalled > before;
    }

    /**
     * Puts the faults in place that apply to this pair (a toxicity draw each), on the side each acts on.
     *
     * @param open whether the pair was open before the faults were added (its toxicity draws are apart)
     * @return whether a fault resets the pair at once
     */
    private boolean installFaults(Faults.Active[] faults, boolean open) {
        boolean resetNow = false;
        for (Faults.Active a : faults) {
            Fault fault = a.fault;
            if (fault.kind() == Fault.Kind.DOWN || hasFault(a) || !(open ? a.appliesToOpen() : a.appliesToNext())) {
                continue;
            }
            rememberFault(a);
            long timeout = fault.timeout().toNanos();
            switch (fault.kind()) {
                case RESET_PEER -> {
                    if (timeout == 0) {
                        resetNow = true;
                    } else {
                        frontend.eventLoop().schedule(() -> {
                            if (!a.removed) {
                                closeNow(Termination.FAULT);
                            }
                        }, timeout, TimeUnit.NANOSECONDS);
                    }
                }
                case TIMEOUT -> {
                    sideOf(fault).pipeline().addLast(new FaultHandler(a, this, a.nextConnectionSeed()));
                    if (timeout > 0) {
                        frontend.eventLoop().schedule(() -> {
                            if (!a.removed) {
                                closeForFault();
                            }
                        }, timeout, TimeUnit.NANOSECONDS);
                    }
                }
                default -> sideOf(fault).pipeline().addLast(new FaultHandler(a, this, a.nextConnectionSeed()));
            }
        }
        return resetNow;
    }

    private boolean hasFault(Faults.Active a) {
        for (int i = 0; i < faultsInstalled; i++) {
            if (installedFaults[i] == a) {
                return true;
            }
        }
        return false;
    }

    private void rememberFault(Faults.Active a) {
        if (installedFaults == null) {
            installedFaults = new Faults.Active[2];
        } else if (faultsInstalled == installedFaults.length) {
            installedFaults = Arrays.copyOf(installedFaults, faultsInstalled * 2);
        }
        installedFaults[faultsInstalled++] = a;
    }

    /** The channel whose writes carry a fault's direction: the server's for upstream, the client's downstream. */
    private Channel sideOf(Fault fault) {
        return fault.direction() == Fault.Direction.UPSTREAM ? backend : frontend;
    }

    /**
     * A fault closes the pair as Toxiproxy does, cleanly: what each side has been sent is flushed, then it is
     * closed.
     */
    void closeForFault() {
        ended(Termination.FAULT);
        closeOnFlush(frontend);
        closeOnFlush(backend);
    }

    private void forwardEarly() {
        ArrayDeque<Object> q = early;
        early = null;
        for (Object msg; (msg = q.poll()) != null; ) {
            int n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
            server.bytesToServer.add(n);
            clientBytes += n;
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
        if (msg instanceof HAProxyMessage header) {
            headerArrived(header);
            return;
        }
        int n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
        listener.bytesIn.add(n);
        Channel b = backend;
        if (connected && b.isActive()) {
            clientBytes += n;
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
        if (awaitingHeader) {
            frontend.read(); // the header is not whole yet
            return;
        }
        if (!connected) {
            return;
        }
        lastActivity = loop.clock.getAsLong();
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
        // After a failure the end of input is no FIN to pass on: io_uring reports a read of 0 bytes after a reset
        // whose error a write took first.
        if (evt instanceof ChannelInputShutdownEvent && !failing) {
            EpollHalfClosure.keepRegistered(frontend);
            clientEof = true;
            ended(Termination.CLIENT_CLOSED);
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
        ended(Termination.CLIENT_CLOSED);
        closeOnFlush(backend);
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (awaitingHeader && cause instanceof DecoderException) {
            badHeader("malformed: " + (cause.getCause() != null ? cause.getCause() : cause).getMessage());
            return;
        }
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
        ended(self == frontend ? Termination.CLIENT_RESET : Termination.SERVER_RESET);
        if (cause instanceof IOException) {
            // A reset (or other I/O failure) on one side is passed on as a reset.
            if (log.isDebugEnabled()) {
                log.debug("{}: {} failed, resetting the peer: {}", listener,
                        self == frontend ? "client " + client : "server " + server, cause.toString());
            }
            reset(peer);
        } else {
            log.debug("{}: unexpected failure, closing the pair", listener, cause);
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

    private static String loopDetail(InetSocketAddress remote) {
        return "the client " + remote.getAddress().getHostAddress() + ':' + remote.getPort()
                + " is this load balancer's own connection to a server";
    }

    /**
     * This pair's client turned out to be this load balancer's own connection to a server, accepted before that
     * connection was known: the pair is refused as a loop. Any thread.
     */
    private void closeAsLoop() {
        frontend.eventLoop().execute(() -> {
            if (!finished && sameHostClient != null) {
                listener.events.rejected(listener, client, RejectReason.FORWARDING_LOOP,
                        loopDetail(sameHostClient.from()));
                closeNow(Termination.LOOP);
            }
        });
    }

    /**
     * Cuts both sides off at once — draining timeout, stop, idle timeout, a loop — with a reset, not a clean close:
     * a connection cut off must not look to either side like one that ended normally with every byte delivered.
     * AWS NLB resets at its idle timeout too. Safe from any thread.
     */
    void closeNow(Termination why) {
        ended(why);
        reset(frontend);
        reset(backend);
    }

    /** Records how the connection ends, unless an earlier cause already has. */
    private void ended(Termination why) {
        if (end == null) {
            end = why;
        }
    }

    /** Whether the pair has had no byte in either direction for its listener's idle timeout; on the loop. */
    boolean idleFor(long now) {
        return !finished && now - lastActivity >= listener.idleTimeoutNanos;
    }

    /** Closes an idle pair; on the loop. */
    void closeIdle(long now) {
        if (log.isDebugEnabled()) {
            log.debug("{}: connection from {} idle for {} ms, closing", listener, client, (now - lastActivity) / 1_000_000);
        }
        closeNow(Termination.IDLE_TIMEOUT);
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (headerTimer != null) {
            headerTimer.cancel(false);
        }
        if (accessLog != null) {
            logFinished();
        }
        releaseEarly();
        forgetOutbound();
        forgetSameHostClient();
        if (counted) {
            loop.remove(this);
            listener.release();
        }
        releaseServer();
    }

    /** The PROXY header for the server, first on its connection: who the client is and where it connected. */
    private void sendProxyHeader(HAProxyProtocolVersion version) {
        backend.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
        backend.writeAndFlush(ProxyHeaders.of(version, clientAddress, destination), backend.voidPromise());
        backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }

    private void logFinished() {
        accessLog.finished(listener.logName, route.service(), clientAddress, connected ? server : null, clientBytes,
                serverBytes, connectNanos, System.nanoTime() - acceptNanos, acceptMillis,
                end != null ? end : Termination.CLIENT_CLOSED);
    }

    private void forgetSameHostClient() {
        if (sameHostClient != null) {
            listener.loops().sameHostClientClosed(sameHostClient, this);
        }
    }

    private void forgetOutbound() {
        if (outbound != null) {
            listener.loops().outboundClosed(outbound);
            outbound = null;
        }
    }

    private void releaseServer() {
        if (serverHeld) {
            serverHeld = false;
            released(server);
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
            listener.bytesOut.add(n);
            if (frontend.isActive()) {
                serverBytes += n;
                server.bytesFromServer.add(n);
                frontend.write(msg, frontend.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            lastActivity = loop.clock.getAsLong();
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
            if (evt instanceof ChannelInputShutdownEvent && ctx.channel() == backend && !failing) {
                EpollHalfClosure.keepRegistered(backend);
                serverEof = true;
                ended(Termination.SERVER_CLOSED);
                endOfInput(frontend, clientEof, backend);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend) {
                ended(Termination.SERVER_CLOSED);
                closeOnFlush(frontend);
                forgetOutbound();
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
                    listener.events.failed(route, server, server.recordFailure()); // a reset by the server counts
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

        /**
         * Sets the interests a channel will have anyway before it is registered, so that they go with the
         * registration instead of costing an {@code epoll_ctl} each later: {@code EPOLLERR} (see above) for every
         * channel, and {@code EPOLLIN} for a server connection, which is read from as soon as it is connected.
         * A client connection is not read until its server connection is made, so it gets no {@code EPOLLIN} here.
         *
         * @param ch a channel not yet registered; any other is left alone
         * @param read whether reading will be asked for as soon as the channel is active
         */
        static void beforeRegistration(Channel ch, boolean read) {
            if (SET_FLAG != null && ch instanceof EpollSocketChannel && !ch.isRegistered()) {
                try {
                    SET_FLAG.invoke(ch, read ? Native.EPOLLERR | Native.EPOLLIN : Native.EPOLLERR);
                } catch (Throwable t) {
                    log.debug("epoll interest preset failed on {}: {}", ch, t.toString());
                }
            }
        }

        /** Called on the channel's event loop when its input has ended; nothing to do if preset at registration. */
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
