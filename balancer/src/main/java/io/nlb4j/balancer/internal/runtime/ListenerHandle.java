package io.nlb4j.balancer.internal.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.nlb4j.balancer.ListenerId;
import io.nlb4j.balancer.ListenerStats;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.internal.forwarding.ListenerPath;
import io.nlb4j.model.Listener;
import java.net.InetSocketAddress;

/** A listener of a running load balancer: its path in the data plane and its server channel. */
final class ListenerHandle implements RunningListener {

    /** Its place in the specification and its service: changed by a live update. */
    volatile ListenerId id;
    final ListenerPath path;
    volatile BackendServiceHandle service;
    private volatile ChannelFuture binding;
    private volatile Channel channel;
    private volatile InetSocketAddress boundAddress;

    ListenerHandle(ListenerId id, ListenerPath path, BackendServiceHandle service) {
        this.id = id;
        this.path = path;
        this.service = service;
    }

    /** The bind under way or done; kept so that a failed start closes this channel even if its bind was late. */
    void binding(ChannelFuture future) {
        this.binding = future;
    }

    ChannelFuture binding() {
        return binding;
    }

    void bound(Channel channel) {
        this.channel = channel;
        this.boundAddress = (InetSocketAddress) channel.localAddress();
        path.bound(boundAddress.getPort());
    }

    Channel channel() {
        return channel;
    }

    @Override
    public ListenerId id() {
        return id;
    }

    @Override
    public Listener spec() {
        return path.spec();
    }

    @Override
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    @Override
    public ListenerStats stats() {
        return new ListenerStats(id, boundAddress, path.activeConnections(), path.totalConnections(), path.bytesIn(),
                path.bytesOut(), path.deniedConnections(), path.overLimitConnections(), path.noServerConnections(),
                path.badProxyHeaderConnections(), path.serversFullConnections());
    }

    @Override
    public RunningBackendService backendService() {
        return service;
    }

    @Override
    public String toString() {
        return id + " on " + boundAddress;
    }
}
