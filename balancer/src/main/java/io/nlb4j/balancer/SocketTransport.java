package io.nlb4j.balancer;

import io.nlb4j.balancer.internal.forwarding.Transport;
import java.util.Optional;

/**
 * The socket transport a load balancer's event loops use, for its listeners, its server connections and its health
 * checks. {@link #AUTO}, the default, takes the fastest one available here: io_uring, then epoll, then NIO. On a
 * 2-core Linux machine a proxied connection took 23 system calls with io_uring and 40 with epoll, and connections
 * were set up at 0.84-0.89 times HAProxy's rate with io_uring against 0.67-0.77 with epoll (see
 * {@code benchmarks/README.md}).
 */
public enum SocketTransport {
    /** The fastest transport available here: {@link #IO_URING}, else {@link #EPOLL}, else {@link #NIO}. */
    AUTO,
    /**
     * Linux io_uring (Netty's {@code netty-transport-native-io_uring}): needs a kernel of 5.14 or later that allows
     * io_uring ({@code /proc/sys/kernel/io_uring_disabled} 0, and no seccomp filter refusing it, as some container
     * runtimes have).
     */
    IO_URING,
    /** Linux epoll (Netty's {@code netty-transport-native-epoll}). */
    EPOLL,
    /** Java NIO: available everywhere. */
    NIO;

    /**
     * Tells whether this transport can be used on this machine; {@link #AUTO} always can.
     *
     * @return whether it is available
     */
    public boolean isAvailable() {
        return unavailability().isEmpty();
    }

    /**
     * Says why this transport cannot be used on this machine.
     *
     * @return the reason, or empty if it is available
     */
    public Optional<String> unavailability() {
        return Transport.unavailability(this);
    }

    /**
     * Returns the transport this one stands for here: itself, or for {@link #AUTO} the fastest one available.
     *
     * @return a transport other than {@link #AUTO}
     * @throws IllegalStateException if this transport is not available here, saying why
     */
    public SocketTransport resolve() {
        return Transport.choose(this).kind();
    }
}
