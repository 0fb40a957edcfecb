package io.nlb4j.balancer.internal.forwarding;

import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import reactor.core.Disposable;

/**
 * What watches each connection besides the counters, shared by a load balancer's listeners: observers of the time
 * connecting to a server takes, and the access log. With neither, a connection pays one volatile read for them.
 */
public final class ConnectionObservers {

    /** Told of each connection made to a server, on its event loop; must not block. */
    @FunctionalInterface
    public interface ConnectTimes {
        /**
         * A connection to a server has been made.
         *
         * @param service the backend service's name
         * @param server the server
         * @param nanos how long the connect took
         */
        void connected(String service, Endpoint server, long nanos);
    }

    private static final ConnectTimes[] NONE = new ConnectTimes[0];

    private final AccessLog accessLog;
    private volatile ConnectTimes[] connectTimes = NONE;

    private ConnectionObservers(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    /**
     * Creates the observers of a load balancer.
     *
     * @param accessLog the logger finished connections are logged to (when it logs INFO), or {@code null} for none
     * @return the observers
     */
    public static ConnectionObservers create(Logger accessLog) {
        return new ConnectionObservers(accessLog != null && accessLog.isInfoEnabled() ? new AccessLog(accessLog)
                : null);
    }

    /**
     * Adds an observer of connect times.
     *
     * @param observer the observer
     * @return removes it
     */
    public synchronized Disposable addConnectTimes(ConnectTimes observer) {
        Objects.requireNonNull(observer, "observer");
        ConnectTimes[] now = Arrays.copyOf(connectTimes, connectTimes.length + 1);
        now[now.length - 1] = observer;
        connectTimes = now;
        return () -> remove(observer);
    }

    private synchronized void remove(ConnectTimes observer) {
        ConnectTimes[] now = connectTimes;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == observer) {
                ConnectTimes[] less = new ConnectTimes[now.length - 1];
                System.arraycopy(now, 0, less, 0, i);
                System.arraycopy(now, i + 1, less, i, now.length - i - 1);
                connectTimes = less;
                return;
            }
        }
    }

    /** The access log, or {@code null} when off. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** The connect-time observers now (read once per connection). */
    ConnectTimes[] connectTimes() {
        return connectTimes;
    }
}
