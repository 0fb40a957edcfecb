package io.nlb4j.balancer.internal.admin;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.Future;
import io.nlb4j.balancer.RunningLoadBalancer;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A load balancer's admin endpoint over HTTP/1.1: {@code /metrics} (Prometheus text), {@code /api/status} (JSON),
 * {@code /} (a live status page), each behind an optional bearer token.
 */
public interface AdminEndpoint {

    /**
     * Prepares the endpoint of a load balancer, following its events from now on; {@link #bind} serves it.
     *
     * @param lb the load balancer
     * @param group the event loop (one thread is plenty) that serves the requests
     * @param channel the server channel class of that group's transport
     * @param token the bearer token every request must carry, if any
     * @return the endpoint, not yet bound
     */
    static AdminEndpoint create(RunningLoadBalancer lb, EventLoopGroup group, Class<? extends ServerChannel> channel,
                                Optional<String> token) {
        return new AdminServer(lb, group, channel, token);
    }

    /**
     * Binds the endpoint.
     *
     * @param address where
     * @return completes when bound, or fails with why
     */
    ChannelFuture bind(InetSocketAddress address);

    /**
     * Serves {@code /metrics} from now on (before, it answers 503): the load balancer has started, so its meters,
     * the availability groups' included, can be bound.
     */
    void serveMetrics();

    /**
     * Returns where the endpoint listens.
     *
     * @return the bound address; {@code null} before it is bound
     */
    InetSocketAddress address();

    /**
     * Stops serving: closes the listening socket and the open requests' connections, then the event loop.
     *
     * @return completes when the event loop has stopped
     */
    Future<?> close();
}
