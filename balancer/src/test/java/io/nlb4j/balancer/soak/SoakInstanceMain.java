package io.nlb4j.balancer.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance of the soak test's availability group, run as an operating-system process:
 * {@code java -cp <test classes> io.nlb4j.balancer.soak.SoakInstanceMain <port> <instanceId> <report file>}. It runs
 * an {@link EchoServer} on 127.0.0.1 and the port until it is stopped (SIGTERM) or killed (SIGKILL), and appends to
 * the report file one line per connection that ended wrongly as seen from here (a truncation, a corrupt byte, a stall),
 * and, when stopped gracefully, a summary line. JDK classes only, so that the test classes directory is its whole
 * class path.
 */
public final class SoakInstanceMain {

    private SoakInstanceMain() {
    }

    /**
     * Serves until stopped.
     *
     * @param args the port, the instance id and the report file
     * @throws Exception if the port cannot be bound
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String instance = args[1];
        Path report = Path.of(args[2]);
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(report, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        Map<EchoServer.End, AtomicLong> counts = new EnumMap<>(EchoServer.End.class);
        for (EchoServer.End e : EchoServer.End.values()) {
            counts.put(e, new AtomicLong());
        }
        AtomicLong bytes = new AtomicLong();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        EchoServer.Observer observer = new EchoServer.Observer() {
            @Override
            public void started(String server, long id, int bodyLength) {
            }

            @Override
            public void ended(String server, long id, EchoServer.End end, long received, String detail) {
                counts.get(end).incrementAndGet();
                bytes.addAndGet(received);
                switch (end) {
                    case PEER_EOF_SHORT, CORRUPT, BAD_HEADER, STALLED -> {
                        synchronized (out) {
                            out.println("ANOMALY " + instance + ' ' + Long.toHexString(id) + ' ' + end + ' ' + received
                                    + ' ' + detail);
                        }
                    }
                    default -> {
                    }
                }
            }
        };
        EchoServer server;
        try {
            server = EchoServer.start(instance, new InetSocketAddress("127.0.0.1", port), observer, handlers);
        } catch (IOException e) {
            throw new UncheckedIOException("instance " + instance + ": cannot listen on port " + port, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder line = new StringBuilder("SUMMARY ").append(instance).append(" bytes=").append(bytes.get());
            counts.forEach((end, n) -> line.append(' ').append(end).append('=').append(n.get()));
            synchronized (out) {
                out.println(line);
            }
        }, "summary"));
        System.out.println("soak instance " + instance + " listening on " + server.address());
        new CountDownLatch(1).await();
    }
}
