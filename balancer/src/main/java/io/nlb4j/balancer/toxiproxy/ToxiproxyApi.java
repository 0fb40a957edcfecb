package io.nlb4j.balancer.toxiproxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.FaultHandle;
import io.nlb4j.balancer.FaultTarget;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.LoadBalancerStartException;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.SpecValidationException;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Toxiproxy-compatible HTTP API over nlb4j: existing Toxiproxy clients (such as {@code toxiproxy-java}) drive it
 * unchanged. A proxy is a small load balancer of its own, one listener in front of one upstream server; its toxics
 * are {@link Fault faults} on that listener, and {@code enabled: false} is a {@link Fault.Kind#DOWN} fault.
 *
 * <p>The endpoints: {@code GET /version}, {@code GET/POST /proxies}, {@code GET/POST/DELETE /proxies/{name}},
 * {@code GET/POST /proxies/{name}/toxics}, {@code GET/POST/DELETE /proxies/{name}/toxics/{toxic}} and
 * {@code POST /reset}. The toxic types are {@code latency} ({@code latency}, {@code jitter} in ms), {@code bandwidth}
 * ({@code rate} in KB/s), {@code slicer} ({@code average_size}, {@code size_variation} in bytes, {@code delay} in
 * µs), {@code timeout} ({@code timeout} in ms), {@code reset_peer} ({@code timeout} in ms), {@code slow_close}
 * ({@code delay} in ms) and {@code limit_data} ({@code bytes}). Errors answer with Toxiproxy's status codes (400,
 * 404, 409) and its JSON body, {@code {"error": ..., "status": ...}}, the error naming the field and value at fault.
 *
 * <p>Requests are handled one at a time, in order.
 */
public final class ToxiproxyApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ToxiproxyApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@code GET /version} answers. */
    public static final String VERSION = "nlb4j (Toxiproxy API 2)";

    private final EventLoopGroup group;
    private final Channel server;
    private final ExecutorService worker;
    private final LoadBalancerOptions options;
    private final Map<String, Proxy> proxies = new LinkedHashMap<>();

    private ToxiproxyApi(InetSocketAddress address, LoadBalancerOptions options) {
        this.options = options;
        this.worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("nlb4j-toxiproxy-api", true));
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("nlb4j-toxiproxy-http", true),
                NioIoHandler.newFactory());
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new Handler());
                        }
                    }).bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            worker.shutdownNow();
            throw new UncheckedIOException("toxiproxy API: cannot listen on " + address.getHostString() + ':'
                    + address.getPort() + " (" + e.getMessage() + ')', new IOException(e.getMessage(), e));
        }
    }

    /**
     * Starts the API.
     *
     * @param address where it listens, such as 127.0.0.1:8474 (Toxiproxy's port)
     * @param options the options of the load balancers its proxies start (their bind address comes from each
     *     proxy's {@code listen})
     * @return the running API
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static ToxiproxyApi start(InetSocketAddress address, LoadBalancerOptions options) {
        return new ToxiproxyApi(address, options);
    }

    /**
     * Returns where the API listens.
     *
     * @return its address
     */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops the API and every proxy. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        try {
            worker.submit(() -> {
                proxies.values().forEach(Proxy::stop);
                proxies.clear();
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("toxiproxy API: stopping the proxies: {}", e.toString());
        }
        worker.shutdown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- HTTP ----

    /** An error answered with Toxiproxy's status and body. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final HttpResponseStatus status;

        ApiError(HttpResponseStatus status, String title) {
            super(title);
            this.status = status;
        }
    }

    private record Response(HttpResponseStatus status, String contentType, byte[] body) {
        static Response json(HttpResponseStatus status, JsonNode body) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpMethod method = request.method();
            String path = new QueryStringDecoder(request.uri()).path();
            byte[] body = new byte[request.content().readableBytes()];
            request.content().readBytes(body);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            worker.execute(() -> {
                Response r;
                try {
                    r = handle(method, path, body);
                } catch (ApiError e) {
                    r = error(e.status, e.getMessage());
                } catch (RuntimeException e) {
                    log.warn("toxiproxy API: {} {} failed", method, path, e);
                    r = error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
                }
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                        Unpooled.wrappedBuffer(r.body()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
                if (keepAlive) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    ctx.writeAndFlush(response);
                } else {
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }
    }

    private static Response error(HttpResponseStatus status, String title) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("error", title);
        e.put("status", status.code());
        return Response.json(status, e);
    }

    private static Response noContent() {
        return new Response(HttpResponseStatus.NO_CONTENT, "text/plain", new byte[0]);
    }

    /** One request, on the worker thread. */
    private Response handle(HttpMethod method, String path, byte[] body) {
        String[] parts = path.replaceAll("^/+|/+$", "").split("/", -1);
        if (parts.length == 1 && parts[0].equals("version") && method.equals(HttpMethod.GET)) {
            return new Response(HttpResponseStatus.OK, "text/plain", VERSION.getBytes(StandardCharsets.UTF_8));
        }
        if (parts.length == 1 && parts[0].equals("reset") && method.equals(HttpMethod.POST)) {
            for (Proxy p : proxies.values()) {
                p.reset();
            }
            return noContent();
        }
        if (parts.length >= 1 && parts[0].equals("proxies")) {
            if (parts.length == 1) {
                if (method.equals(HttpMethod.GET)) {
                    ObjectNode all = JsonNodeFactory.instance.objectNode();
                    proxies.forEach((name, p) -> all.set(name, p.json()));
                    return Response.json(HttpResponseStatus.OK, all);
                }
                if (method.equals(HttpMethod.POST)) {
                    return Response.json(HttpResponseStatus.CREATED, create(parse(body)).json());
                }
            } else {
                Proxy p = proxies.get(parts[1]);
                if (p == null) {
                    throw new ApiError(HttpResponseStatus.NOT_FOUND, "proxy not found");
                }
                if (parts.length == 2) {
                    if (method.equals(HttpMethod.GET)) {
                        return Response.json(HttpResponseStatus.OK, p.json());
                    }
                    if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PATCH)) {
                        p.update(parse(body));
                        return Response.json(HttpResponseStatus.OK, p.json());
                    }
                    if (method.equals(HttpMethod.DELETE)) {
                        p.stop();
                        proxies.remove(p.name);
                        return noContent();
                    }
                } else if (parts[2].equals("toxics")) {
                    if (parts.length == 3) {
                        if (method.equals(HttpMethod.GET)) {
                            ArrayNode list = JsonNodeFactory.instance.arrayNode();
                            p.toxics.values().forEach(t -> list.add(t.json()));
                            return Response.json(HttpResponseStatus.OK, list);
                        }
                        if (method.equals(HttpMethod.POST)) {
                            return Response.json(HttpResponseStatus.OK, p.addToxic(parse(body)).json());
                        }
                    } else if (parts.length == 4) {
                        Toxic t = p.toxics.get(parts[3]);
                        if (t == null) {
                            throw new ApiError(HttpResponseStatus.NOT_FOUND, "toxic not found");
                        }
                        if (method.equals(HttpMethod.GET)) {
                            return Response.json(HttpResponseStatus.OK, t.json());
                        }
                        if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PATCH)) {
                            return Response.json(HttpResponseStatus.OK, p.updateToxic(t, parse(body)).json());
                        }
                        if (method.equals(HttpMethod.DELETE)) {
                            p.removeToxic(t);
                            return noContent();
                        }
                    }
                }
            }
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, method + " " + path + ": no such endpoint");
    }

    private static ObjectNode parse(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(body);
            if (!(n instanceof ObjectNode o)) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad request body: expected a JSON object");
            }
            return o;
        } catch (JsonProcessingException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad request body: " + e.getMessage());
        }
    }

    // ---- proxies ----

    private Proxy create(ObjectNode body) {
        String name = text(body, "name", null);
        if (name == null || name.isBlank()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing required field: name");
        }
        if (proxies.containsKey(name)) {
            throw new ApiError(HttpResponseStatus.CONFLICT, "proxy already exists");
        }
        String upstream = text(body, "upstream", null);
        if (upstream == null || upstream.isBlank()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing required field: upstream");
        }
        String listen = text(body, "listen", "127.0.0.1:0");
        boolean enabled = bool(body, "enabled", true);
        Proxy p = new Proxy(name, listen, upstream);
        p.start();
        if (!enabled) {
            p.enabled(false);
        }
        proxies.put(name, p);
        return p;
    }

    private static String text(ObjectNode body, String field, String fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, field + ": " + n + " (expected: a string)");
        }
        return n.asText();
    }

    private static boolean bool(ObjectNode body, String field, boolean fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, field + ": " + n + " (expected: true or false)");
        }
        return n.asBoolean();
    }

    /** "host:port", with the field's name in the error. */
    private static InetSocketAddress hostPort(String field, String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, field + ": \"" + value
                    + "\" (expected: host:port, such as 127.0.0.1:6379)");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** A proxy: its own load balancer, one listener in front of the upstream. */
    private final class Proxy {
        final String name;
        String listen;
        String upstream;
        boolean enabled = true;
        RunningLoadBalancer lb;
        FaultHandle disabled;
        final Map<String, Toxic> toxics = new LinkedHashMap<>();

        Proxy(String name, String listen, String upstream) {
            this.name = name;
            this.listen = listen;
            this.upstream = upstream;
        }

        void start() {
            InetSocketAddress at = hostPort("listen", listen);
            InetSocketAddress to = hostPort("upstream", upstream);
            LoadBalancerSpec spec;
            try {
                spec = LoadBalancerSpec.builder("toxiproxy").region("local").vpc("toxiproxy").zones("z1")
                        .securityGroup(SecurityGroup.allowAll())
                        .listener(Listener.tcp(at.getPort()).name("proxy").backendService(BackendService
                                .builder("upstream").healthCheck(HealthCheck.none(OutlierDetection.off()))
                                .connectionDraining(Duration.ZERO)
                                .staticServers(StaticServer.of(to.getHostString(), to.getPort()))))
                        .build();
            } catch (SpecValidationException e) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            }
            try {
                lb = NetworkLoadBalancer.startNow(spec, options.toBuilder().bindAddress(at.getHostString()).build());
            } catch (LoadBalancerStartException e) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "listen: \"" + listen + "\": " + e.getMessage());
            }
            InetSocketAddress bound = lb.listeners().get(0).boundAddress();
            listen = at.getHostString() + ':' + bound.getPort();
            log.info("toxiproxy API: proxy {} listening on {}, upstream {}", name, listen, upstream);
        }

        void stop() {
            if (lb != null) {
                lb.stop(Duration.ZERO).block(Duration.ofSeconds(30));
                lb.dispose();
                lb = null;
            }
        }

        void enabled(boolean on) {
            if (on == enabled) {
                return;
            }
            enabled = on;
            if (on) {
                disabled.remove();
                disabled = null;
            } else {
                disabled = lb.addFault(FaultTarget.listener("proxy"), Fault.down());
            }
        }

        void update(ObjectNode body) {
            String newListen = text(body, "listen", listen);
            String newUpstream = text(body, "upstream", upstream);
            boolean newEnabled = bool(body, "enabled", enabled);
            if (!newListen.equals(listen) || !newUpstream.equals(upstream)) {
                hostPort("listen", newListen);
                hostPort("upstream", newUpstream);
                stop();
                listen = newListen;
                upstream = newUpstream;
                boolean wasEnabled = enabled;
                enabled = true;
                disabled = null;
                start();
                for (Toxic t : toxics.values()) {
                    t.handle = lb.addFault(FaultTarget.listener("proxy"), t.fault());
                }
                enabled(wasEnabled);
            }
            enabled(newEnabled);
        }

        void reset() {
            enabled(true);
            for (Toxic t : List.copyOf(toxics.values())) {
                removeToxic(t);
            }
        }

        Toxic addToxic(ObjectNode body) {
            String type = text(body, "type", null);
            if (type == null) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing required field: type");
            }
            String stream = text(body, "stream", "downstream").toLowerCase(Locale.ROOT);
            if (!stream.equals("downstream") && !stream.equals("upstream")) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "stream: \"" + stream
                        + "\" (expected: upstream or downstream)");
            }
            String toxicName = text(body, "name", type + '_' + stream);
            if (toxics.containsKey(toxicName)) {
                throw new ApiError(HttpResponseStatus.CONFLICT, "toxic already exists");
            }
            Toxic t = new Toxic(toxicName, type, stream, toxicity(body, 1.0), attributes(type, body, null));
            t.handle = lb.addFault(FaultTarget.listener("proxy"), t.fault());
            toxics.put(toxicName, t);
            return t;
        }

        Toxic updateToxic(Toxic old, ObjectNode body) {
            Toxic t = new Toxic(old.name, old.type, old.stream, toxicity(body, old.toxicity),
                    attributes(old.type, body, old.attributes));
            old.handle.remove();
            t.handle = lb.addFault(FaultTarget.listener("proxy"), t.fault());
            toxics.put(t.name, t);
            return t;
        }

        void removeToxic(Toxic t) {
            t.handle.remove();
            toxics.remove(t.name);
        }

        ObjectNode json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("name", name);
            o.put("listen", listen);
            o.put("upstream", upstream);
            o.put("enabled", enabled);
            ArrayNode list = o.putArray("toxics");
            toxics.values().forEach(t -> list.add(t.json()));
            return o;
        }
    }

    private static double toxicity(ObjectNode body, double fallback) {
        JsonNode n = body.get("toxicity");
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "toxicity: " + n + " (expected: a number from 0 to 1)");
        }
        return n.asDouble();
    }

    /** The attributes a toxic type takes, each a non-negative integer, with its default. */
    private static final Map<String, Map<String, Long>> ATTRIBUTES = Map.of(
            "latency", ordered("latency", 0L, "jitter", 0L),
            "bandwidth", ordered("rate", 0L),
            "slicer", ordered("average_size", 0L, "size_variation", 0L, "delay", 0L),
            "timeout", ordered("timeout", 0L),
            "reset_peer", ordered("timeout", 0L),
            "slow_close", ordered("delay", 0L),
            "limit_data", ordered("bytes", 0L));

    private static Map<String, Long> ordered(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Long) kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Long> attributes(String type, ObjectNode body, Map<String, Long> previous) {
        Map<String, Long> known = ATTRIBUTES.get(type);
        if (known == null) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "type: \"" + type + "\" (expected: a toxic type, one of"
                    + " [bandwidth, latency, limit_data, reset_peer, slicer, slow_close, timeout])");
        }
        Map<String, Long> values = new LinkedHashMap<>(previous != null ? previous : known);
        JsonNode attrs = body.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "attributes: " + attrs + " (expected: an object)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                if (!known.containsKey(a.getKey())) {
                    throw new ApiError(HttpResponseStatus.BAD_REQUEST, "attributes." + a.getKey() + ": unknown for "
                            + type + " (expected: one of " + known.keySet() + ')');
                }
                JsonNode v = a.getValue();
                if (!v.canConvertToLong() || v.asLong() < 0 || v.isTextual()) {
                    throw new ApiError(HttpResponseStatus.BAD_REQUEST, "attributes." + a.getKey() + ": " + v
                            + " (expected: a whole number, at least 0)");
                }
                values.put(a.getKey(), v.asLong());
            }
        }
        return values;
    }

    /** A toxic: what the API shows, and the fault behind it. */
    private static final class Toxic {
        final String name;
        final String type;
        final String stream;
        final double toxicity;
        final Map<String, Long> attributes;
        FaultHandle handle;

        Toxic(String name, String type, String stream, double toxicity, Map<String, Long> attributes) {
            this.name = name;
            this.type = type;
            this.stream = stream;
            this.toxicity = toxicity;
            this.attributes = attributes;
            fault(); // checks the attributes' values
        }

        Fault fault() {
            Fault f;
            try {
                f = switch (type) {
                    case "latency" -> Fault.latency(Duration.ofMillis(attributes.get("latency")),
                            Duration.ofMillis(attributes.get("jitter")));
                    case "bandwidth" -> Fault.bandwidth(attributes.get("rate"));
                    case "slicer" -> Fault.slicer(Math.toIntExact(attributes.get("average_size")),
                            Math.toIntExact(attributes.get("size_variation")),
                            Duration.ofNanos(attributes.get("delay") * 1000));
                    case "timeout" -> Fault.timeout(Duration.ofMillis(attributes.get("timeout")));
                    case "reset_peer" -> Fault.resetPeer(Duration.ofMillis(attributes.get("timeout")));
                    case "slow_close" -> Fault.slowClose(Duration.ofMillis(attributes.get("delay")));
                    case "limit_data" -> Fault.limitData(attributes.get("bytes"));
                    default -> throw new AssertionError(type);
                };
            } catch (IllegalArgumentException | ArithmeticException e) {
                // The fault names its fields in Java; the API's users know them by Toxiproxy's attribute names.
                String m = String.valueOf(e.getMessage()).replaceFirst("^averageSize", "average_size")
                        .replaceFirst("^sizeVariation", "size_variation").replace("less than averageSize",
                                "less than average_size");
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "attributes." + m);
            }
            f = stream.equals("upstream") ? f.upstream() : f.downstream();
            return f.toxicity(toxicity, name.hashCode());
        }

        ObjectNode json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("name", name);
            o.put("type", type);
            o.put("stream", stream);
            o.put("toxicity", toxicity);
            ObjectNode a = o.putObject("attributes");
            attributes.forEach(a::put);
            return o;
        }
    }

    @Override
    public String toString() {
        return "toxiproxy API on " + address();
    }
}
