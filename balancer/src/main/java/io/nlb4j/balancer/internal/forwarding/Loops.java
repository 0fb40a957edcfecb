package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;

/**
 * The per-event-loop state of a load balancer: each loop's list of the connection pairs it owns. Operations over
 * every connection (idle sweeps, closing a server's connections, closing all) run on each loop, for its own
 * connections, so the per-connection path shares no collection between threads.
 */
public interface Loops {

    /**
     * Creates the state of every loop of a group.
     *
     * @param group the event loops
     * @param stamp the first activity stamp: a time, on the control clock, not before the first idle sweep
     * @return the loops' state
     */
    static Loops create(EventLoopGroup group, long stamp) {
        return new LoopStates(group, stamp);
    }

    /**
     * Closes, on each loop, every connection pair idle for longer than its listener's idle timeout.
     *
     * @param now the control clock's time
     * @param nextStamp the time of the next sweep: activity until then is stamped with it, so that no connection is
     *        ever closed before it has been idle for its whole timeout
     */
    void sweepIdle(long now, long nextStamp);

    /**
     * Closes the open connections to a server, on each loop.
     *
     * @param endpoint the server
     * @return how many were closed, once every loop has done so
     */
    CompletableFuture<Integer> closeConnectionsTo(Endpoint endpoint);

    /**
     * Closes every open connection, on each loop.
     *
     * @return how many were closed, once every loop has done so
     */
    CompletableFuture<Integer> closeAll();

    /**
     * Completes once every loop has run the tasks queued on it before the call, such as the registration of a
     * connection accepted just before its listener closed.
     *
     * @return the signal
     */
    CompletableFuture<Void> barrier();
}
