package io.nlb4j.balancer.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Client threads sending byte-checked echo traffic through a load balancer until stopped.
 *
 * <p>Short-lived clients loop: connect, send the {@link InstanceServer#header(long) header} and 1-8 KiB of
 * random bytes, half-close, read everything back, compare it byte for byte, expect EOF, close, pause.
 * Long-lived clients hold each connection for a while, doing a checked round trip of up to 2 KiB every few
 * tens of milliseconds, then half-close and close cleanly — so that a server leaving the group has open
 * connections that must be drained, not cut.
 *
 * <p>Each connection is recorded with the timeline number taken just before connecting and the number taken
 * after its last checked round trip.
 */
final class Traffic implements AutoCloseable {

    /** How long a blocking read may wait before the connection counts as failed instead of hanging. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_RECORDED_FAILURES = 20;

    /** One client connection. */
    static final class Conn {
        final long id;
        final boolean longLived;
        /** Taken just before connecting: the load balancer cannot have picked a server for it before. */
        final long startSeq;
        /** Taken after its last verified round trip; -1 if none succeeded. */
        volatile long lastOkSeq = -1;
        /** Why it failed or mismatched; null if it did not. */
        volatile String failure;

        Conn(long id, boolean longLived, long startSeq) {
            this.id = id;
            this.longLived = longLived;
            this.startSeq = startSeq;
        }
    }

    private final InetSocketAddress target;
    private final Timeline timeline;
    private final long pauseMillis;
    private final long holdMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Long, Conn> conns = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder mismatched = new LongAdder();
    private final LongAdder longLivedRoundTrips = new LongAdder();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /**
     * Starts the clients.
     *
     * @param target the listener's address
     * @param timeline where connections are numbered
     * @param shortLived how many short-lived client threads
     * @param longLived how many long-lived client threads
     * @param pauseMillis the average pause between two connections of a short-lived client, and between two
     *        round trips of a long-lived one
     * @param holdMillis how long a long-lived client holds each connection
     */
    Traffic(InetSocketAddress target, Timeline timeline, int shortLived, int longLived, long pauseMillis,
            long holdMillis) {
        this.target = target;
        this.timeline = timeline;
        this.pauseMillis = pauseMillis;
        this.holdMillis = holdMillis;
        for (int i = 0; i < shortLived + longLived; i++) {
            boolean isLong = i >= shortLived;
            Random random = new Random(i * 7919L + System.nanoTime());
            Thread t = new Thread(() -> loop(isLong, random), (isLong ? "long-client-" : "short-client-") + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    long succeeded() {
        return succeeded.sum();
    }

    long failed() {
        return failed.sum();
    }

    long mismatched() {
        return mismatched.sum();
    }

    long longLivedRoundTrips() {
        return longLivedRoundTrips.sum();
    }

    /** The first failures and mismatches, described. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Every connection opened so far. */
    List<Conn> connections() {
        return List.copyOf(conns.values());
    }

    /** The connections that failed or mismatched. */
    List<Conn> failedConnections() {
        return conns.values().stream().filter(c -> c.failure != null).collect(Collectors.toList());
    }

    Conn conn(long id) {
        Conn c = conns.get(id);
        if (c == null) {
            throw new AssertionError("a server recorded client connection " + id + ", which no client opened");
        }
        return c;
    }

    /** Stops the clients: each finishes (and checks) the connection it is on, then exits. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError("client thread " + t.getName() + " did not stop within 20 s");
            }
        }
    }

    private void loop(boolean isLong, Random random) {
        while (running.get()) {
            if (isLong) {
                longLived(random);
            } else {
                shortLived(random);
            }
            pause(random);
        }
    }

    private void shortLived(Random random) {
        Conn c = open(false);
        byte[] sent = new byte[InstanceServer.HEADER_LENGTH + 1 + random.nextInt(8192)];
        random.nextBytes(sent);
        System.arraycopy(InstanceServer.header(c.id), 0, sent, 0, InstanceServer.HEADER_LENGTH);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(sent);
            s.shutdownOutput();
            byte[] back = in.readNBytes(sent.length);
            if (back.length < sent.length) {
                fail(c, "EOF after " + back.length + " of " + sent.length + " bytes");
                return;
            }
            if (!Arrays.equals(sent, back)) {
                mismatch(c, "echo differs at byte " + Arrays.mismatch(sent, back) + " of " + sent.length);
                return;
            }
            if (in.read() != -1) {
                mismatch(c, "bytes after the echo of " + sent.length + " bytes");
                return;
            }
            c.lastOkSeq = timeline.tick();
            succeeded.increment();
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    private void longLived(Random random) {
        Conn c = open(true);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
        try (Socket s = connect()) {
            if (!roundTrip(s, c, InstanceServer.header(c.id))) {
                return;
            }
            while (running.get() && System.nanoTime() - end < 0) {
                pause(random);
                byte[] chunk = new byte[1 + random.nextInt(2048)];
                random.nextBytes(chunk);
                if (!roundTrip(s, c, chunk)) {
                    return;
                }
                longLivedRoundTrips.increment();
            }
            s.shutdownOutput();
            if (s.getInputStream().read() != -1) {
                mismatch(c, "bytes after the last echo");
                return;
            }
            succeeded.increment();
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    /** Writes bytes, reads as many back and compares them; false (recorded) if that failed. */
    private boolean roundTrip(Socket s, Conn c, byte[] sent) throws IOException {
        s.getOutputStream().write(sent);
        byte[] back = s.getInputStream().readNBytes(sent.length);
        if (back.length < sent.length) {
            fail(c, "EOF after " + back.length + " of " + sent.length + " bytes of a round trip");
            return false;
        }
        if (!Arrays.equals(sent, back)) {
            mismatch(c, "round-trip echo differs at byte " + Arrays.mismatch(sent, back));
            return false;
        }
        c.lastOkSeq = timeline.tick();
        return true;
    }

    private Conn open(boolean isLong) {
        long id = ids.incrementAndGet();
        Conn c = new Conn(id, isLong, timeline.tick());
        conns.put(id, c);
        return c;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            s.connect(target, 5_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void fail(Conn c, String why) {
        failed.increment();
        record(c, "failed: " + why);
    }

    private void mismatch(Conn c, String why) {
        mismatched.increment();
        record(c, "mismatch: " + why);
    }

    private void record(Conn c, String what) {
        c.failure = what;
        if (failures.size() < MAX_RECORDED_FAILURES) {
            failures.add("connection " + c.id + (c.longLived ? " (long-lived) " : " ") + what);
        }
    }

    private void pause(Random random) {
        try {
            Thread.sleep(pauseMillis / 2 + random.nextInt((int) Math.max(1, pauseMillis)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
