package io.nlb4j.balancer.internal.forwarding;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * One line per finished client connection, at INFO to the access logger ({@code nlb4j.access} by default), after
 * HAProxy's TCP log:
 * <pre>
 * 2026-12-02T14:50:01.123Z 127.0.0.1:51234 listener=front service=web server=127.0.0.1:8081 bytes_in=120 bytes_out=4096 connect_ms=0.312 duration_ms=15.204 end=client_closed
 * </pre>
 * The time is the accept's; {@code bytes_in} came from the client, {@code bytes_out} went to it; {@code server} and
 * {@code connect_ms} are {@code -} for a connection that reached no server.
 */
final class AccessLog {

    private final Logger log;

    AccessLog(Logger log) {
        this.log = log;
    }

    void finished(String listener, String service, InetSocketAddress client, Endpoint server, long bytesIn,
                  long bytesOut, long connectNanos, long durationNanos, long acceptMillis, Termination end) {
        StringBuilder b = new StringBuilder(160);
        b.append(Instant.ofEpochMilli(acceptMillis)).append(' ');
        if (client != null) {
            b.append(client.getAddress().getHostAddress()).append(':').append(client.getPort());
        } else {
            b.append('-');
        }
        b.append(" listener=").append(listener).append(" service=").append(service)
                .append(" server=").append(server != null ? server.key() : "-")
                .append(" bytes_in=").append(bytesIn).append(" bytes_out=").append(bytesOut)
                .append(" connect_ms=");
        if (server != null && connectNanos >= 0) {
            millis(b, connectNanos);
        } else {
            b.append('-');
        }
        b.append(" duration_ms=");
        millis(b, durationNanos);
        b.append(" end=").append(end.label());
        log.info(b.toString());
    }

    /** Milliseconds with three decimals, without formatting machinery. */
    private static void millis(StringBuilder b, long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        b.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        b.append(frac);
    }
}
