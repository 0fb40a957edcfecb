package io.nlb4j.healthcheck;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.ProxyProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** One probe of one server, on one event loop: connect, maybe exchange bytes, decide, close. */
final class ProbeRun extends ChannelInboundHandlerAdapter implements ChannelFutureListener, Runnable {

    /** The most reply bytes a probe keeps. */
    private static final int MAX_REPLY = 64 * 1024;

    /** What a probe does, derived once per server from its health check. */
    static final class Plan {
        final HealthCheck.Type type;
        final InetSocketAddress target;
        final long timeoutNanos;
        final byte[] request;
        final byte[] expect;
        final StatusMatcher statuses;
        /** The PROXY protocol header each probe sends first, or {@code null} for none. */
        final HAProxyProtocolVersion proxy;

        Plan(HealthCheck.Active spec, InetSocketAddress traffic, ProxyProtocol proxyProtocol) {
            this.proxy = switch (proxyProtocol) {
                case NONE -> null;
                case V1 -> HAProxyProtocolVersion.V1;
                case V2 -> HAProxyProtocolVersion.V2;
            };
            this.type = spec.type();
            this.target = spec.port().isPresent() ? new InetSocketAddress(traffic.getAddress(), spec.port().getAsInt())
                    : traffic;
            this.timeoutNanos = spec.timeout().toNanos();
            if (spec instanceof HealthCheck.Http http) {
                String host = http.host().orElse(traffic.getHostString());
                this.request = ("GET " + http.path() + " HTTP/1.1\r\nHost: " + host
                        + "\r\nUser-Agent: nlb4j-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                this.statuses = new StatusMatcher(http.expectedStatuses());
                this.expect = http.expectBody().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
            } else if (spec instanceof HealthCheck.SendExpect se) {
                this.request = se.send().getBytes(StandardCharsets.UTF_8);
                this.statuses = null;
                this.expect = se.expect().getBytes(StandardCharsets.UTF_8);
            } else {
                this.request = null;
                this.statuses = null;
                this.expect = null;
            }
        }
    }

    private final Plan plan;
    private final EventLoop loop;
    private final Consumer<ProbeRun> done;
    private final long scheduledNanos;
    private final long startedNanos;
    private Channel channel;
    private ScheduledFuture<?> timeout;
    private ByteArrayOutputStream reply;
    private boolean finished;
    boolean success;
    String reason;
    long durationNanos;

    ProbeRun(Plan plan, EventLoop loop, long scheduledNanos, Consumer<ProbeRun> done) {
        this.plan = plan;
        this.loop = loop;
        this.scheduledNanos = scheduledNanos;
        this.startedNanos = System.nanoTime();
        this.done = done;
    }

    long scheduledNanos() {
        return scheduledNanos;
    }

    long startedNanos() {
        return startedNanos;
    }

    void start(Supplier<? extends Channel> channels) {
        Channel ch = channels.get();
        ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(plan.timeoutNanos))));
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.pipeline().addLast(this);
        channel = ch;
        timeout = loop.schedule(this, plan.timeoutNanos, TimeUnit.NANOSECONDS);
        loop.register(ch).addListener(f -> {
            if (f.isSuccess()) {
                ch.connect(plan.target).addListener(this);
            } else {
                finish(false, "cannot open a socket: " + f.cause());
            }
        });
    }

    /** Connected, or not. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (finished) {
            return;
        }
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            finish(false, c instanceof ConnectTimeoutException ? "timeout"
                    : c instanceof ConnectException ? "refused" : String.valueOf(c));
            return;
        }
        if (plan.proxy != null) {
            // The probe's own addresses: the load balancer is the client of a health check.
            Channel ch = f.channel();
            ch.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            ChannelFuture sent = ch.writeAndFlush(header(plan.proxy, (InetSocketAddress) ch.localAddress(),
                    (InetSocketAddress) ch.remoteAddress()));
            ch.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
            if (plan.type == HealthCheck.Type.TCP) {
                sent.addListener(w -> {
                    if (!finished) {
                        finish(w.isSuccess(), w.isSuccess() ? "ok" : "sending the PROXY header failed: " + w.cause());
                    }
                });
                return;
            }
        } else if (plan.type == HealthCheck.Type.TCP) {
            finish(true, "ok");
            return;
        }
        reply = new ByteArrayOutputStream();
        if (plan.request != null && plan.request.length > 0) {
            f.channel().writeAndFlush(Unpooled.wrappedBuffer(plan.request));
        }
    }

    /** A PROXY header for a TCP connection between two addresses of one family. */
    static HAProxyMessage header(HAProxyProtocolVersion version, InetSocketAddress from, InetSocketAddress to) {
        HAProxyProxiedProtocol family = from.getAddress() instanceof java.net.Inet6Address
                ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
        return new HAProxyMessage(version, HAProxyCommand.PROXY, family, from.getAddress().getHostAddress(),
                to.getAddress().getHostAddress(), from.getPort(), to.getPort());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (finished || reply == null) {
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            int n = Math.min(buf.readableBytes(), MAX_REPLY - reply.size());
            byte[] bytes = new byte[n];
            buf.readBytes(bytes);
            reply.write(bytes, 0, n);
            evaluate(false);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            evaluate(true);
            if (!finished) {
                finish(false, reply == null || reply.size() == 0 ? "closed without a reply" : "incomplete reply");
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!finished) {
            finish(false, cause instanceof IOException ? "reset" : String.valueOf(cause));
        }
    }

    /** Decides from the reply so far; {@code eof} when the server has closed. */
    private void evaluate(boolean eof) {
        byte[] r = reply.toByteArray();
        if (plan.type == HealthCheck.Type.SEND_EXPECT) {
            int check = Math.min(r.length, plan.expect.length);
            for (int i = 0; i < check; i++) {
                if (r[i] != plan.expect[i]) {
                    finish(false, "body mismatch");
                    return;
                }
            }
            if (r.length >= plan.expect.length) {
                finish(true, "ok");
            } else if (eof) {
                finish(false, "body mismatch");
            }
            return;
        }
        // HTTP
        int lineEnd = indexOf(r, new byte[] {'\r', '\n'}, 0);
        if (lineEnd < 0) {
            if (r.length >= MAX_REPLY) {
                finish(false, "malformed status line");
            }
            return;
        }
        String line = new String(r, 0, lineEnd, StandardCharsets.ISO_8859_1);
        int status = parseStatus(line);
        if (status < 0) {
            finish(false, "malformed status line");
            return;
        }
        if (!plan.statuses.matches(status)) {
            finish(false, "status " + status);
            return;
        }
        if (plan.expect == null) {
            finish(true, "ok");
            return;
        }
        int headersEnd = indexOf(r, new byte[] {'\r', '\n', '\r', '\n'}, 0);
        if (headersEnd >= 0 && indexOf(r, plan.expect, headersEnd + 4) >= 0) {
            finish(true, "ok");
        } else if (eof || r.length >= MAX_REPLY) {
            finish(false, "body mismatch");
        }
    }

    private static int parseStatus(String line) {
        if (!line.startsWith("HTTP/")) {
            return -1;
        }
        int sp = line.indexOf(' ');
        if (sp < 0 || line.length() < sp + 4) {
            return -1;
        }
        try {
            return Integer.parseInt(line.substring(sp + 1, sp + 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The timeout. */
    @Override
    public void run() {
        if (!finished) {
            finish(false, "timeout");
        }
    }

    private void finish(boolean ok, String why) {
        finished = true;
        success = ok;
        reason = why;
        durationNanos = System.nanoTime() - startedNanos;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        done.accept(this);
    }
}
