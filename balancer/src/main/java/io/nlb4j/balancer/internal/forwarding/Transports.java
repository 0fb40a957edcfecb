package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.nlb4j.balancer.SocketTransport;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The transports behind {@link Transport#choose(SocketTransport)}. */
enum Transports implements Transport {
    /** Linux io_uring. */
    IO_URING(SocketTransport.IO_URING) {
        @Override
        IoHandlerFactory handlers() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return IoUringServerSocketChannel.class;
        }

        @Override
        public Supplier<? extends Channel> socketChannels() {
            return IoUringSocketChannel::new;
        }
    },
    /** Linux epoll. */
    EPOLL(SocketTransport.EPOLL) {
        @Override
        IoHandlerFactory handlers() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        public Supplier<? extends Channel> socketChannels() {
            return EpollSocketChannel::new;
        }
    },
    /** Java NIO, available everywhere. */
    NIO(SocketTransport.NIO) {
        @Override
        IoHandlerFactory handlers() {
            return NioIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        public Supplier<? extends Channel> socketChannels() {
            return NioSocketChannel::new;
        }
    };

    private final SocketTransport kind;

    Transports(SocketTransport kind) {
        this.kind = kind;
    }

    static Transport choose(SocketTransport choice) {
        return choose(choice, Transports::unavailability);
    }

    /** The choice, given each transport's unavailability here (empty when it is available). */
    static Transports choose(SocketTransport choice, Function<SocketTransport, Optional<String>> unavailability) {
        if (choice == SocketTransport.AUTO) {
            for (Transports t : values()) {
                if (unavailability.apply(t.kind).isEmpty()) {
                    return t;
                }
            }
            return NIO;
        }
        Optional<String> why = unavailability.apply(choice);
        if (why.isPresent()) {
            throw new IllegalStateException(choice + " is not available here: " + why.get());
        }
        return valueOf(choice.name());
    }

    static Optional<String> unavailability(SocketTransport kind) {
        Throwable cause;
        switch (kind) {
            case IO_URING:
                cause = availability(IoUring::isAvailable, IoUring::unavailabilityCause);
                break;
            case EPOLL:
                cause = availability(Epoll::isAvailable, Epoll::unavailabilityCause);
                break;
            default:
                return Optional.empty();
        }
        return cause == null ? Optional.empty() : Optional.of(describe(cause));
    }

    /** The transport's own verdict, or the failure to reach it (its classes may be missing from the class path). */
    private static Throwable availability(Supplier<Boolean> available, Supplier<Throwable> cause) {
        try {
            return available.get() ? null : cause.get();
        } catch (LinkageError e) {
            return e;
        }
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    abstract IoHandlerFactory handlers();

    @Override
    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlers());
    }

    @Override
    public SocketTransport kind() {
        return kind;
    }
}
