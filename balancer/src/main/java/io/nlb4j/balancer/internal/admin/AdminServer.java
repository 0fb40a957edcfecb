package io.nlb4j.balancer.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nlb4j.balancer.RunningLoadBalancer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The endpoint behind {@link AdminEndpoint#create}: Netty's HTTP codec, one small handler. */
final class AdminServer implements AdminEndpoint {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String PAGE_RESOURCE = "status.html";
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    /** The paths there are, for a 404's message. */
    static final List<String> PATHS = List.of("/", "/api/status", "/metrics");

    private final RunningLoadBalancer lb;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final byte[] token;
    private final StatusView status;
    private final boolean prometheusAvailable = PrometheusScrape.available();
    private volatile PrometheusScrape prometheus;
    private volatile boolean closed;
    private final byte[] page;
    private final ObjectMapper json = new ObjectMapper();
    private final ChannelGroup open = new DefaultChannelGroup("nlb4j-admin", GlobalEventExecutor.INSTANCE);
    private volatile Channel server;

    AdminServer(RunningLoadBalancer lb, EventLoopGroup group, Class<? extends ServerChannel> channelClass,
                Optional<String> token) {
        this.lb = Objects.requireNonNull(lb, "lb");
        this.group = Objects.requireNonNull(group, "group");
        this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
        this.token = token.map(t -> t.getBytes(StandardCharsets.US_ASCII)).orElse(null);
        this.page = resource(PAGE_RESOURCE);
        this.status = new StatusView(lb);
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the status page " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ChannelFuture bind(InetSocketAddress address) {
        Handler handler = new Handler();
        ChannelFuture f = new ServerBootstrap().group(group).channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        open.add(ch);
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 60))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(handler);
                    }
                }).bind(address);
        f.addListener(done -> {
            if (done.isSuccess()) {
                server = f.channel();
            }
        });
        return f;
    }

    @Override
    public synchronized void serveMetrics() {
        if (prometheusAvailable && prometheus == null && !closed) {
            prometheus = new PrometheusScrape(lb);
        }
    }

    @Override
    public InetSocketAddress address() {
        Channel c = server;
        return c == null ? null : (InetSocketAddress) c.localAddress();
    }

    @Override
    public Future<?> close() {
        synchronized (this) {
            closed = true;
        }
        Channel c = server;
        if (c != null) {
            c.close();
        }
        open.close();
        status.close();
        PrometheusScrape p = prometheus;
        if (p != null) {
            p.close();
        }
        return group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Whether a request carries the token, in its Authorization header or as {@code access_token} (RFC 6750). */
    private boolean authorized(FullHttpRequest request, QueryStringDecoder query) {
        if (token == null) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.US_ASCII))) {
            return true;
        }
        List<String> param = query.parameters().get("access_token");
        return param != null && param.size() == 1
                && MessageDigest.isEqual(token, param.get(0).getBytes(StandardCharsets.US_ASCII));
    }

    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            try {
                response = answer(request);
            } catch (RuntimeException e) {
                log.warn("admin endpoint: {} {} failed", request.method(), request.uri(), e);
                response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error: "
                        + e.getClass().getSimpleName() + "\n");
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            if (request.method().equals(HttpMethod.HEAD)) {
                response = response.replace(Unpooled.EMPTY_BUFFER);
            }
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private FullHttpResponse answer(FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                return text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request: the request could not be read\n");
            }
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            // The token first: without it nothing is said, not even which paths exist.
            if (!authorized(request, query)) {
                FullHttpResponse r = text(HttpResponseStatus.UNAUTHORIZED, "401 Unauthorized: this endpoint needs"
                        + " its bearer token (expected: the header 'Authorization: Bearer TOKEN', or"
                        + " ?access_token=TOKEN)\n");
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"nlb4j\"");
                return r;
            }
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "405 Method Not Allowed: "
                        + request.method() + " (expected: GET or HEAD)\n");
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                return r;
            }
            String path = query.path();
            switch (path) {
                case "/", "/index.html" -> {
                    return response(HttpResponseStatus.OK, HTML, Unpooled.wrappedBuffer(page));
                }
                case "/api/status" -> {
                    try {
                        return response(HttpResponseStatus.OK, JSON,
                                Unpooled.wrappedBuffer(json.writeValueAsBytes(status.snapshot())));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }
                case "/metrics" -> {
                    if (!prometheusAvailable) {
                        return text(HttpResponseStatus.NOT_IMPLEMENTED, "501 Not Implemented: /metrics needs"
                                + " io.micrometer:micrometer-registry-prometheus on the class path\n");
                    }
                    PrometheusScrape p = prometheus;
                    if (p == null) {
                        FullHttpResponse r = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable:"
                                + " the load balancer is still starting (expected: /metrics once it has started)\n");
                        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                        return r;
                    }
                    return response(HttpResponseStatus.OK, PrometheusScrape.CONTENT_TYPE,
                            Unpooled.copiedBuffer(p.scrape(), StandardCharsets.UTF_8));
                }
                default -> {
                    return text(HttpResponseStatus.NOT_FOUND, "404 Not Found: " + path + " (expected: one of "
                            + PATHS + ")\n");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("admin endpoint: connection failed", cause);
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                ctx.close(); // a minute without a request
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, TEXT, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return r;
    }

    @Override
    public String toString() {
        return "admin endpoint of " + lb.spec().name() + " on " + address();
    }
}
