package io.nlb4j.balancer.soak;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the test's own echo servers saw: for every connection whose header they read, which server had it and how it
 * ended, and every connection that ended wrongly (a truncation, a corrupt byte, a stall) from their side.
 */
final class ServerLog implements EchoServer.Observer {

    /** One connection as a server saw it; {@code end} is null while it is open. */
    record Entry(long id, String server, InetSocketAddress address, EchoServer.End end, long received,
                 long endNanos, String detail) {
        String describe() {
            return String.format("server %s (%s) saw connection %s end %s after receiving %d bytes%s", server,
                    address == null ? "?" : address.getHostString() + ':' + address.getPort(),
                    id == -1 ? "(no header)" : Long.toHexString(id), end, received,
                    detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    private final Map<EchoServer.End, LongAdder> counts = new EnumMap<>(EchoServer.End.class);
    private final LongAdder bytes = new LongAdder();
    private final ConcurrentLinkedQueue<Entry> anomalies = new ConcurrentLinkedQueue<>();

    ServerLog() {
        for (EchoServer.End e : EchoServer.End.values()) {
            counts.put(e, new LongAdder());
        }
    }

    /** Remembers a server's address under its name. */
    void named(EchoServer server) {
        addresses.put(server.name(), server.address());
    }

    @Override
    public void started(String server, long id, int bodyLength) {
        byId.put(id, new Entry(id, server, addresses.get(server), null, 0, 0, ""));
    }

    @Override
    public void ended(String server, long id, EchoServer.End end, long received, String detail) {
        counts.get(end).increment();
        bytes.add(received);
        Entry e = new Entry(id, server, addresses.get(server), end, received, System.nanoTime(), detail);
        if (id != -1) {
            byId.put(id, e);
        }
        if (isAnomaly(end)) {
            anomalies.add(e);
        }
    }

    /** Ends that are wrong whatever the scenario: a truncation, a corrupt byte or header, a stall. */
    static boolean isAnomaly(EchoServer.End end) {
        return switch (end) {
            case PEER_EOF_SHORT, CORRUPT, BAD_HEADER, STALLED -> true;
            default -> false;
        };
    }

    Entry get(long id) {
        return byId.get(id);
    }

    long count(EchoServer.End end) {
        return counts.get(end).sum();
    }

    long bytes() {
        return bytes.sum();
    }

    List<Entry> anomalies() {
        return List.copyOf(anomalies);
    }
}
