package io.nlb4j.balancer.internal.forwarding;

import java.util.Objects;

/** The observers behind {@link ConnectionObservers#create}. */
final class Observers implements ConnectionObservers {

    private static final ConnectTimes[] NONE = new ConnectTimes[0];

    private final AccessLog accessLog;
    private volatile ConnectTimes[] connectTimes = NONE;

    Observers(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public synchronized Runnable addConnectTimes(ConnectTimes observer) {
        Objects.requireNonNull(observer, "observer");
        connectTimes = CopyOnWrite.with(connectTimes, observer);
        return () -> remove(observer);
    }

    private synchronized void remove(ConnectTimes observer) {
        connectTimes = CopyOnWrite.without(connectTimes, observer);
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
