package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.Fault;

/**
 * The faults in place on one listener, service or server, read by each new connection there. Empty, it costs a
 * connection one volatile read.
 */
public interface FaultScope {

    /**
     * Puts a fault in place for the connections made from now on.
     *
     * @param fault the fault
     * @return removes it: the connections it acts on flow cleanly again; safe from any thread, more than once
     */
    Runnable add(Fault fault);
}
