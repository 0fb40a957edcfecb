package io.nlb4j.balancer;

import io.nlb4j.model.Listener;
import java.net.InetSocketAddress;

/** A bound listener of a running load balancer. */
public interface RunningListener {

    /**
     * Returns which listener this is.
     *
     * @return its index, name and configured port
     */
    ListenerId id();

    /**
     * Returns the listener's specification.
     *
     * @return the specification
     */
    Listener spec();

    /**
     * Returns the address the listener is bound to; for a listener configured with port {@code 0}, the
     * ephemeral port chosen at start.
     *
     * @return the bound address
     */
    InetSocketAddress boundAddress();

    /**
     * Returns the listener's counters now.
     *
     * @return a snapshot
     */
    ListenerStats stats();

    /**
     * Returns the backend service this listener forwards to.
     *
     * @return the service
     */
    RunningBackendService backendService();
}
