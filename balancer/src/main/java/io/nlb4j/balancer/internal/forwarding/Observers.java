package io.nlb4j.balancer.internal.forwarding;

import java.util.Arrays;
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
