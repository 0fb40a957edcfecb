package io.nlb4j.balancer.soak;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients for the soak test: a fixed number of slots, each a thread running one connection after another through
 * the load balancer until told to stop. Every connection has a plan drawn from the slot's seeded generator: which
 * listener, how many bytes (0 to 512 KiB, mostly small), written in chunks of random sizes, and how it ends —
 * closing after the whole echo has come back, half-closing and reading to the end of stream, resetting
 * ({@code SO_LINGER 0}) part-way, trickling slowly for up to a few seconds, or sending nothing at all. Each slot
 * drives its one connection with a selector, so that it writes and reads at once without a second thread, and
 * checks every byte that comes back against the {@link Payload}. Each connection's outcome is classified and
 * counted; every connection that did not end as planned is kept with its details.
 */
final class LoadGenerator {

    /** How a connection is meant to end. */
    enum Mode {
        /** Send everything, read the whole echo, close. */
        FULL_CLOSE,
        /** Send everything, half-close, read until the end of stream, which must come after the whole echo. */
        HALF_CLOSE,
        /** Send part (possibly nothing, possibly all), then reset. */
        CLIENT_RESET,
        /** Trickle small chunks with pauses (up to about 5 s in all), then end as FULL_CLOSE or HALF_CLOSE. */
        SLOW,
        /** Connect and half-close at once, sending nothing: the end of stream must come with no byte. */
        EMPTY
    }

    /** How a connection ended. */
    enum Outcome {
        /** As planned: every byte came back identical, and the stream ended where it should. */
        OK,
        /** Reset by this client, as planned; every byte received before was right. */
        CLIENT_RESET,
        /** Reset by the other side (or writing failed because it had gone). */
        RESET,
        /** A clean end of stream before the whole echo had come back: a silent truncation. */
        TRUNCATED,
        /** A byte came back different, or more bytes than were sent. */
        CORRUPT,
        /** The listener did not accept the connection. */
        CONNECT_FAILED,
        /** Nothing moved in either direction for {@link #STALL_MILLIS}. */
        STALLED
    }

    record Target(String name, InetSocketAddress address) {
    }

    /**
     * One connection.
     *
     * @param total bytes planned to be sent, header included (0 for EMPTY)
     */
    record Result(long id, Target target, Mode mode, boolean halfClose, long total, long sent, long received,
                  Outcome outcome, long startNanos, long endNanos, int localPort, String detail) {
        String describe() {
            return String.format("connection %s from port %d to %s (%s%s): %s after sending %d of %d and receiving %d"
                            + " bytes in %d ms%s", Long.toHexString(id), localPort, target.name(), mode,
                    mode == Mode.SLOW ? (halfClose ? ", half-close" : ", full close") : "", outcome, sent, total,
                    received, TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos),
                    detail.isEmpty() ? "" : ": " + detail);
        }
    }

    static final long STALL_MILLIS = 30_000;
    private static final long CONNECT_MILLIS = 10_000;
    private static final long SLOW_MAX_MILLIS = 5_000;

    private final List<Target> targets;
    private final int slots;
    private final long seed;
    private final AtomicLong ids;
    private final List<Thread> threads = new ArrayList<>();
    /** The gap between connection starts, over all slots: the rate cap. */
    private final long intervalNanos;
    private final AtomicLong nextStart = new AtomicLong(System.nanoTime());
    private volatile boolean stopping;

    private final LongAdder connections = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Mode, LongAdder> modes = new EnumMap<>(Mode.class);
    /** Every connection that did not end OK (client resets included: they are checked too). */
    private final ConcurrentLinkedQueue<Result> unusual = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();

    /**
     * @param maxRate the most connections started per second, over all slots: with a few thousand a minute per
     *        listener, the sockets the closing sides leave in TIME_WAIT (60 s) stay far below the ephemeral ports
     */
    LoadGenerator(List<Target> targets, int slots, long seed, int maxRate) {
        this.targets = List.copyOf(targets);
        this.slots = slots;
        this.seed = seed;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / maxRate;
        this.ids = new AtomicLong(seed * 0x9E3779B97F4A7C15L);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
        for (Mode m : Mode.values()) {
            modes.put(m, new LongAdder());
        }
    }

    void start() {
        for (int i = 0; i < slots; i++) {
            SplittableRandom random = new SplittableRandom(seed + 0x632BE59BD9B4E019L * (i + 1));
            Thread t = new Thread(() -> runSlot(random), "soak-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Asks the slots to stop after their current connection and waits for them. */
    void stop() throws InterruptedException {
        if (stopping) {
            return;
        }
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS + CONNECT_MILLIS + 10_000);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                crashes.add(new IllegalStateException(t.getName() + " did not stop"));
            }
        }
    }

    long connections() {
        return connections.sum();
    }

    long bytesSent() {
        return bytesSent.sum();
    }

    long bytesReceived() {
        return bytesReceived.sum();
    }

    long count(Outcome o) {
        return outcomes.get(o).sum();
    }

    long count(Mode m) {
        return modes.get(m).sum();
    }

    List<Result> unusual() {
        return List.copyOf(unusual);
    }

    List<Throwable> crashes() {
        return List.copyOf(crashes);
    }

    private void runSlot(SplittableRandom random) {
        try (Selector selector = Selector.open()) {
            ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
            ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
            byte[] check = new byte[64 * 1024];
            while (!stopping) {
                pace();
                if (stopping) {
                    break;
                }
                Plan plan = plan(random);
                Result r = run(selector, plan, out, in, check);
                connections.increment();
                bytesSent.add(r.sent());
                bytesReceived.add(r.received());
                outcomes.get(r.outcome()).increment();
                modes.get(r.mode()).increment();
                if (r.outcome() != Outcome.OK) {
                    unusual.add(r);
                }
            }
        } catch (Throwable t) {
            crashes.add(t);
        }
    }

    /** Waits for this slot's turn under the rate cap (sleeping paces the load; nothing is asserted after it). */
    private void pace() throws InterruptedException {
        long now = System.nanoTime();
        long turn = nextStart.getAndUpdate(t -> Math.max(t, now) + intervalNanos);
        long wait = Math.max(turn, now) - now;
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private record Plan(long id, Target target, Mode mode, boolean halfClose, int bodyLength, int maxChunk,
                        long resetAt, long pauseMillis) {
    }

    private Plan plan(SplittableRandom r) {
        Target target = targets.get(r.nextInt(targets.size()));
        long id = ids.getAndIncrement();
        double m = r.nextDouble();
        Mode mode = m < 0.38 ? Mode.FULL_CLOSE : m < 0.74 ? Mode.HALF_CLOSE : m < 0.86 ? Mode.CLIENT_RESET
                : m < 0.96 ? Mode.SLOW : Mode.EMPTY;
        int body = switch (mode) {
            case EMPTY -> 0;
            case SLOW -> r.nextInt(0, 24 * 1024);
            default -> size(r);
        };
        int maxChunk = 1 + r.nextInt(r.nextBoolean() ? 1024 : 64 * 1024);
        boolean halfClose = mode == Mode.HALF_CLOSE || (mode == Mode.SLOW && r.nextBoolean());
        long total = mode == Mode.EMPTY ? 0 : Payload.HEADER_BYTES + (long) body;
        long resetAt = mode == Mode.CLIENT_RESET ? r.nextLong(total + 1) : -1;
        long pause = 0;
        if (mode == Mode.SLOW) {
            maxChunk = 64 + r.nextInt(2048);
            long chunks = Math.max(1, total / Math.max(1, maxChunk / 2));
            pause = Math.min(10 + r.nextInt(150), SLOW_MAX_MILLIS / chunks);
        }
        return new Plan(id, target, mode, halfClose, body, maxChunk, resetAt, pause);
    }

    /** Body sizes, mostly small: 55% under 2 KiB, 30% up to 32 KiB, 12% up to 192 KiB, 3% up to 512 KiB. */
    private static int size(SplittableRandom r) {
        double u = r.nextDouble();
        if (u < 0.55) {
            return r.nextInt(2 * 1024);
        } else if (u < 0.85) {
            return r.nextInt(2 * 1024, 32 * 1024);
        } else if (u < 0.97) {
            return r.nextInt(32 * 1024, 192 * 1024);
        }
        return r.nextInt(192 * 1024, 512 * 1024 + 1);
    }

    private Result run(Selector selector, Plan plan, ByteBuffer out, ByteBuffer in, byte[] check) {
        long start = System.nanoTime();
        Payload.Stream sending = new Payload.Stream(plan.id(), plan.bodyLength());
        Payload.Stream expected = new Payload.Stream(plan.id(), plan.bodyLength());
        long total = plan.mode() == Mode.EMPTY ? 0 : sending.total();
        long sent = 0;
        long received = 0;
        Outcome outcome;
        String detail = "";
        SocketChannel ch = null;
        out.clear().flip();
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = ch.register(selector, 0);
            if (!ch.connect(plan.target().address())) {
                key.interestOps(SelectionKey.OP_CONNECT);
                long deadline = start + TimeUnit.MILLISECONDS.toNanos(CONNECT_MILLIS);
                while (!ch.finishConnect()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new ConnectException("not connected within " + CONNECT_MILLIS + " ms");
                    }
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException e) {
            close(selector, ch, true);
            return new Result(plan.id(), plan.target(), plan.mode(), plan.halfClose(), total, 0, 0,
                    Outcome.CONNECT_FAILED, start, System.nanoTime(), localPort(ch), e.toString());
        }
        SelectionKey key = ch.keyFor(selector);
        boolean outputDone = false;
        long lastProgress = System.nanoTime();
        long nextWrite = 0;
        boolean reset = false;
        try {
            if (plan.mode() == Mode.EMPTY) {
                ch.shutdownOutput();
                outputDone = true;
            }
            while (true) {
                long now = System.nanoTime();
                // ---- write ----
                if (!outputDone && now - nextWrite >= 0) {
                    if (plan.resetAt() >= 0 && sent >= plan.resetAt()) {
                        reset = true;
                        outcome = Outcome.CLIENT_RESET;
                        break;
                    }
                    if (!out.hasRemaining() && sending.remaining() > 0) {
                        out.clear();
                        long limit = plan.resetAt() >= 0 ? plan.resetAt() - sent : Long.MAX_VALUE;
                        sending.fill(out, (int) Math.min(plan.maxChunk(), Math.max(1, limit)));
                        out.flip();
                    }
                    if (out.hasRemaining()) {
                        int n = ch.write(out);
                        if (n > 0) {
                            sent += n;
                            lastProgress = now;
                            if (!out.hasRemaining() && plan.pauseMillis() > 0) {
                                nextWrite = now + TimeUnit.MILLISECONDS.toNanos(plan.pauseMillis());
                            }
                        }
                    }
                    if (!out.hasRemaining() && sending.remaining() == 0) {
                        if (plan.resetAt() >= 0) {
                            reset = true;
                            outcome = Outcome.CLIENT_RESET;
                            break;
                        }
                        if (plan.halfClose()) {
                            ch.shutdownOutput();
                        }
                        outputDone = true;
                    }
                }
                // ---- read ----
                boolean ended = false;
                outcome = null;
                for (int n; ; ) {
                    in.clear();
                    n = ch.read(in);
                    if (n == 0) {
                        break;
                    }
                    lastProgress = now;
                    if (n < 0) {
                        ended = true;
                        if (received == total && (plan.halfClose() || plan.mode() == Mode.EMPTY)) {
                            outcome = Outcome.OK;
                        } else {
                            outcome = Outcome.TRUNCATED;
                            detail = "clean end of stream after " + received + " of " + total + " bytes"
                                    + (outputDone ? "" : ", while still sending");
                        }
                        break;
                    }
                    in.flip();
                    in.get(check, 0, n);
                    int bad = expected.check(check, 0, n);
                    if (bad >= 0) {
                        ended = true;
                        long at = received + bad;
                        received += n;
                        outcome = Outcome.CORRUPT;
                        detail = at >= total ? "more bytes than sent: " + received + " of " + total
                                : "byte " + at + " differs";
                        break;
                    }
                    received += n;
                    if (received == total && !plan.halfClose() && plan.mode() != Mode.EMPTY
                            && plan.resetAt() < 0 && outputDone) {
                        ended = true;
                        outcome = Outcome.OK;
                        break;
                    }
                }
                if (ended) {
                    break;
                }
                if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                    outcome = Outcome.STALLED;
                    reset = true;
                    detail = "nothing moved for " + STALL_MILLIS + " ms";
                    break;
                }
                // ---- wait ----
                boolean wantWrite = !outputDone && now - nextWrite >= 0;
                key.interestOps(SelectionKey.OP_READ | (wantWrite ? SelectionKey.OP_WRITE : 0));
                long wait = 200;
                if (!outputDone && !wantWrite) {
                    wait = Math.max(1, Math.min(wait, TimeUnit.NANOSECONDS.toMillis(nextWrite - now)));
                }
                selector.select(wait);
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            outcome = Outcome.RESET;
            detail = e.toString();
            reset = true;
        }
        int localPort = localPort(ch);
        close(selector, ch, reset);
        return new Result(plan.id(), plan.target(), plan.mode(), plan.halfClose(), total, sent, received, outcome,
                start, System.nanoTime(), localPort, detail);
    }

    private static int localPort(SocketChannel ch) {
        try {
            return ch != null && ch.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Closes (with a reset if asked), and lets the selector drop the channel so that its socket really closes. */
    private static void close(Selector selector, SocketChannel ch, boolean reset) {
        if (ch == null) {
            return;
        }
        try {
            if (reset && ch.isOpen()) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        try {
            selector.selectNow();
            selector.selectedKeys().clear();
        } catch (IOException ignored) {
            // the next select drops it
        }
    }
}
