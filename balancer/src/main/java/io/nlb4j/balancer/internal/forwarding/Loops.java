package io.nlb4j.balancer.internal.forwarding;

import io.netty.channel.EventLoopGroup;
import io.nlb4j.balancer.Fault;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

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
     * @param clock the control clock, in nanoseconds: each read stamps its pair with it
     * @return the loops' state
     */
    static Loops create(EventLoopGroup group, LongSupplier clock) {
        return new LoopStates(group, clock);
    }

    /**
     * Closes, on each loop, every connection pair idle for at least its listener's idle timeout. A pair's last
     * activity is stamped with the control clock when its bytes are read, so a sweep that runs late, after newer
     * bytes, never sees a pair as idler than it is.
     *
     * @param now the control clock's time when the sweep was started
     */
    void sweepIdle(long now);

    /**
     * Closes the open connections to a server, on each loop.
     *
     * @param endpoint the server
     * @return how many were closed, once every loop has done so
     */
    CompletableFuture<Integer> closeConnectionsTo(Endpoint endpoint);

    /**
     * Closes the open connections a listener accepted, on each loop: a listener removed by a live update, at the end
     * of its drain.
     *
     * @param listener the listener's path
     * @return how many were closed, once every loop has done so
     */
    CompletableFuture<Integer> closeConnectionsOf(ListenerPath listener);

    /**
     * Closes every open connection, on each loop.
     *
     * @return how many were closed, once every loop has done so
     */
    CompletableFuture<Integer> closeAll();

    /**
     * Puts a fault just added to a scope in place on that scope's open connections too (each by its own toxicity
     * draw), as Toxiproxy's toxics act on the connections already open.
     *
     * @param scope the listener's, service's or server's faults
     * @param fault what {@link FaultScope#add} returned
     * @return completes with the number of open connections it now acts on
     */
    CompletableFuture<Integer> applyToOpen(FaultScope scope, Runnable fault);

    /**
     * Puts a fault in place on a scope, for its new connections and its open ones, and returns once the open ones
     * have it (at once when called on an event loop, which must not wait for the loops).
     *
     * @param scope the listener's, service's or server's faults
     * @param fault the fault
     * @return removes it
     */
    default Runnable putInPlace(FaultScope scope, Fault fault) {
        Runnable removal = scope.add(fault);
        awaitUnlessInLoop(applyToOpen(scope, removal), "adding a fault");
        return removal;
    }

    /**
     * Tells whether the calling thread is one of the event loops, which must not wait for the loops' work.
     *
     * @return whether it is
     */
    boolean inLoop();

    /**
     * Waits, unless on an event loop, for work submitted to the loops to be done.
     *
     * @param work what the loops do
     * @param what what it is, for the message should it take too long
     */
    default void awaitUnlessInLoop(CompletableFuture<?> work, String what) {
        if (inLoop()) {
            return;
        }
        try {
            work.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(what + " did not complete on the event loops: " + e, e);
        }
    }

    /**
     * Completes once every loop has run the tasks queued on it before the call, such as the registration of a
     * connection accepted just before its listener closed.
     *
     * @return the signal
     */
    CompletableFuture<Void> barrier();
}
