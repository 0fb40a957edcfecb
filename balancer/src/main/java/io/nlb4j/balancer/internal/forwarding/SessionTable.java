package io.nlb4j.balancer.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Source-IP session persistence: client address to the server it last reached, forgotten after the
 * timeout without a new connection. Expiry is read from an injected clock.
 */
final class SessionTable {

    private static final class Entry {
        final ServerState server;
        volatile long lastUsed;

        Entry(ServerState server, long lastUsed) {
            this.server = server;
            this.lastUsed = lastUsed;
        }
    }

    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final LongSupplier ticker;

    SessionTable(long timeoutNanos, LongSupplier ticker) {
        this.timeoutNanos = timeoutNanos;
        this.ticker = ticker;
    }

    /** Returns the persisted server of a client if it is still usable, refreshing the entry. */
    ServerState lookup(InetAddress client) {
        Entry e = entries.get(client);
        if (e == null) {
            return null;
        }
        long now = ticker.getAsLong();
        if (now - e.lastUsed >= timeoutNanos) {
            entries.remove(client, e);
            return null;
        }
        if (!e.server.inService()) {
            return null;
        }
        e.lastUsed = now;
        return e.server;
    }

    /** Records that a client has reached a server. */
    void record(InetAddress client, ServerState server) {
        Entry e = entries.get(client);
        long now = ticker.getAsLong();
        if (e != null && e.server == server) {
            e.lastUsed = now;
        } else {
            entries.put(client, new Entry(server, now));
        }
    }

    /** Forgets expired entries and entries of servers that have left. */
    void sweep() {
        long now = ticker.getAsLong();
        entries.values().removeIf(e -> now - e.lastUsed >= timeoutNanos || e.server.removed());
    }

}
