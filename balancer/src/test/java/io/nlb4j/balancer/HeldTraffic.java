package io.nlb4j.balancer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Long-lived connections through a listener to echo servers, each exchanging random chunks in rounds and checking
 * every echoed byte, until stopped (or for at most two minutes). A connection that fails or gets a wrong byte back is
 * recorded and ends.
 */
final class HeldTraffic implements AutoCloseable {

    private static final int CHUNK = 8 * 1024;
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final String name;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLongArray rounds;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean stopped;

    private HeldTraffic(String name, int connections) {
        this.name = name;
        this.rounds = new AtomicLongArray(connections);
    }

    /** Opens the connections (each has made one round when this returns) and starts their rounds. */
    static HeldTraffic open(String name, InetSocketAddress target, int connections, long seed) throws IOException {
        HeldTraffic t = new HeldTraffic(name, connections);
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                s.setSoTimeout(Fixtures.READ_TIMEOUT_MILLIS);
                s.setTcpNoDelay(true);
                s.connect(target, 5_000);
                t.sockets.add(s);
                Random random = new Random(seed + i);
                t.round(i, s, random);
                int index = i;
                Thread thread = new Thread(() -> t.loop(index, s, random), "held-" + name + '-' + i);
                thread.setDaemon(true);
                t.threads.add(thread);
            }
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        t.threads.forEach(Thread::start);
        return t;
    }

    private void loop(int index, Socket s, Random random) {
        long deadline = System.nanoTime() + MAX_NANOS;
        try {
            while (!stopped && System.nanoTime() < deadline) {
                round(index, s, random);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                failures.add(name + " connection " + index + " after " + rounds.get(index) + " rounds: " + e);
            }
        }
    }

    private void round(int index, Socket s, Random random) throws IOException {
        byte[] out = new byte[1 + random.nextInt(CHUNK)];
        random.nextBytes(out);
        OutputStream o = s.getOutputStream();
        o.write(out);
        o.flush();
        byte[] in = new byte[out.length];
        InputStream i = s.getInputStream();
        int read = 0;
        while (read < in.length) {
            int n = i.read(in, read, in.length - read);
            if (n < 0) {
                throw new IOException("closed by the load balancer after " + read + " of " + in.length + " bytes");
            }
            read += n;
        }
        if (!Arrays.equals(out, in)) {
            throw new IllegalStateException("corrupt echo in round " + rounds.get(index));
        }
        rounds.incrementAndGet(index);
        bytes.addAndGet(out.length);
    }

    /** The bytes sent and echoed back intact, over every connection. */
    long bytesChecked() {
        return bytes.get();
    }

    /** The round trips completed, over every connection. */
    long totalRounds() {
        long n = 0;
        for (long r : rounds()) {
            n += r;
        }
        return n;
    }

    /** The rounds each connection has completed. */
    long[] rounds() {
        long[] out = new long[rounds.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rounds.get(i);
        }
        return out;
    }

    /** Whether every connection has completed more rounds than it had in {@code before}. */
    boolean allAdvancedSince(long[] before) {
        for (int i = 0; i < before.length; i++) {
            if (rounds.get(i) <= before[i]) {
                return false;
            }
        }
        return true;
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the rounds (each connection finishes the one under way), then closes the connections. */
    @Override
    public void close() {
        stopped = true;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
