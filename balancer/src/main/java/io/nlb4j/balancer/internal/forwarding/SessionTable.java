package io.nlb4j.balancer.internal.forwarding;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Source-IP session persistence: client address to the server it last reached, forgotten after the timeout
 * without a new connection. Expiry is read from the control context's clock.
 */
final class SessionTable {

    private static final class Entry {
        final Endpoint server;
        volatile long lastUsed;

        Entry(Endpoint server, long lastUsed) {
            this.server = server;
            this.lastUsed = lastUsed;
        }
    }

    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final LongSupplier clock;

    SessionTable(long timeoutNanos, LongSupplier clock) {
        this.timeoutNanos = timeoutNanos;
        this.clock = clock;
    }

    /** Returns the persisted server of a client if it still serves, refreshing the entry. */
    Endpoint lookup(InetAddress client) {
        Entry e = entries.get(client);
        if (e == null) {
            return null;
        }
        long now = clock.getAsLong();
        if (now - e.lastUsed >= timeoutNanos) {
            entries.remove(client, e);
            return null;
        }
        if (!e.server.serving() || e.server.draining()) {
            return null;
        }
        e.lastUsed = now;
        return e.server;
    }

    /** Records that a client has reached a server. */
    void record(InetAddress client, Endpoint server) {
        Entry e = entries.get(client);
        long now = clock.getAsLong();
        if (e != null && e.server == server) {
            e.lastUsed = now;
        } else {
            entries.put(client, new Entry(server, now));
        }
    }

    /** Forgets expired entries. */
    void sweep() {
        long now = clock.getAsLong();
        entries.values().removeIf(e -> now - e.lastUsed >= timeoutNanos);
    }

    /** Forgets the entries of a server that has left. */
    void forget(Endpoint server) {
        entries.values().removeIf(e -> e.server == server);
    }

    int size() {
        return entries.size();
    }
}
