package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.nlb4j.balancer.SocketTransport;
import java.util.Optional;
import java.util.function.Supplier;

/** A socket transport's Netty classes: io_uring, epoll or NIO. */
public interface Transport {

    /**
     * Returns the transport for a choice.
     *
     * @param choice a transport, or {@link SocketTransport#AUTO} for the fastest one available here
     * @return the transport
     * @throws IllegalStateException if the transport chosen is not available here, saying why
     */
    static Transport choose(SocketTransport choice) {
        return Transports.choose(choice);
    }

    /**
     * Says why a transport cannot be used here.
     *
     * @param kind the transport
     * @return the reason, or empty if it is available
     */
    static Optional<String> unavailability(SocketTransport kind) {
        return Transports.unavailability(kind);
    }

    /**
     * Creates event loops of this transport.
     *
     * @param threads the number of loops
     * @param name the threads' name prefix
     * @return the group
     */
    EventLoopGroup newGroup(int threads, String name);

    /**
     * Returns the server socket channel class.
     *
     * @return the class
     */
    Class<? extends ServerChannel> serverChannel();

    /**
     * Returns a factory of unregistered client socket channels.
     *
     * @return the factory
     */
    Supplier<? extends Channel> socketChannels();

    /**
     * Returns which transport this is.
     *
     * @return the kind, never {@link SocketTransport#AUTO}
     */
    SocketTransport kind();
}
