package io.nlb4j.balancer.internal.forwarding;

import org.slf4j.Logger;

/**
 * What watches each connection besides the counters, shared by a load balancer's listeners: observers of the time
 * connecting to a server takes, and the access log. With neither, a connection pays one volatile read for them.
 */
public interface ConnectionObservers {

    /** Told of each connection made to a server, on its event loop; must not block. */
    @FunctionalInterface
    interface ConnectTimes {
        /**
         * A connection to a server has been made.
         *
         * @param service the backend service's name
         * @param server the server
         * @param nanos how long the connect took
         */
        void connected(String service, Endpoint server, long nanos);
    }

    /**
     * Creates the observers of a load balancer.
     *
     * @param accessLog the logger finished connections are logged to (when it logs INFO), or {@code null} for none
     * @return the observers
     */
    static ConnectionObservers create(Logger accessLog) {
        return new Observers(accessLog != null && accessLog.isInfoEnabled() ? new AccessLog(accessLog) : null);
    }

    /**
     * Adds an observer of connect times.
     *
     * @param observer the observer
     * @return removes it
     */
    Runnable addConnectTimes(ConnectTimes observer);
}
