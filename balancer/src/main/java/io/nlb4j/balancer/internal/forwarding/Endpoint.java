package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.scheduling.Candidate;
import java.net.InetSocketAddress;

/**
 * A server as the per-connection path sees it: its address and weight, whether it may be given new connections,
 * and its counters. The runtime creates one per server of a service and changes its flags in the control context;
 * event loops read the flags and update the counters, without locks.
 */
public interface Endpoint extends Candidate {

    /**
     * Creates an endpoint that serves (takes new connections) and is not draining.
     *
     * @param address the server's address, resolved
     * @param weight 1-100
     * @return the endpoint
     */
    static Endpoint create(InetSocketAddress address, int weight) {
        return new ServerEndpoint(address, weight);
    }

    /**
     * Returns the server's address.
     *
     * @return the address
     */
    InetSocketAddress address();

    /**
     * Changes the weight; pickers built from now on use it.
     *
     * @param weight 1-100
     */
    void weight(int weight);

    /**
     * Limits the connections the server is given at once: a full server is skipped, and a connection that finds
     * every server full is refused. Default {@link Integer#MAX_VALUE} (no limit).
     *
     * @param max at least 1
     */
    void maxConnections(int max);

    /**
     * Ramps the server up from a tenth of its share of new connections to all of it over a window (slow start).
     *
     * @param fromNanos when the ramp starts, on the control clock
     * @param windowNanos how long it lasts; 0 ends it
     */
    void slowStart(long fromNanos, long windowNanos);

    /**
     * Tells whether a persisted client may be sent here: in service, healthy (or failing open), not ejected.
     *
     * @return whether it serves
     */
    boolean serving();

    /**
     * Sets whether the endpoint serves.
     *
     * @param serving whether it does
     */
    void serving(boolean serving);

    /**
     * Tells whether the endpoint is leaving: a connection counted on it after this turned true is given back and
     * another server picked, so that a drain sees every connection it must wait for.
     *
     * @return whether it is draining
     */
    boolean draining();

    /**
     * Marks the endpoint as leaving (or back in service).
     *
     * @param draining whether it is draining
     */
    void draining(boolean draining);

    /**
     * Starts counting its consecutive failures again from zero: passive health does so when it ejects the server
     * and when the ejection ends.
     */
    void resetFailures();

    /**
     * Returns the connections forwarded to it so far.
     *
     * @return the count
     */
    long totalConnections();

    /**
     * Returns the bytes forwarded from clients to it.
     *
     * @return the count
     */
    long bytesToServer();

    /**
     * Returns the bytes forwarded from it to clients.
     *
     * @return the count
     */
    long bytesFromServer();

    /**
     * Returns its failed connection attempts.
     *
     * @return the count
     */
    long connectFailures();

    /**
     * Returns the faults in place on the connections to this server.
     *
     * @return the faults
     */
    FaultScope faults();
}
