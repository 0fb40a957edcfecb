package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.function.Supplier;

/** The socket transport: native epoll where it is available, NIO elsewhere. */
public interface Transport {

    /**
     * Returns the best transport on this machine.
     *
     * @param preferNative whether to use native epoll when it is available
     * @return the transport
     */
    static Transport choose(boolean preferNative) {
        return Transports.choose(preferNative);
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
     * Returns the transport's name: {@code EPOLL} or {@code NIO}.
     *
     * @return the name
     */
    String name();
}
