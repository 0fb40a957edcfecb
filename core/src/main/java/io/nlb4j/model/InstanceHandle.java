package io.nlb4j.model;

import java.net.InetSocketAddress;

/**
 * A running instance, as its launcher reports it.
 */
public interface InstanceHandle extends AutoCloseable {

    /**
     * Returns where the instance serves traffic; the load balancer registers this address.
     *
     * @return the instance's traffic address
     */
    InetSocketAddress address();

    /**
     * Stops the instance and waits until it has stopped. Called once, on a worker thread; may block.
     *
     * @throws Exception if the instance could not be stopped
     */
    @Override
    void close() throws Exception;
}
