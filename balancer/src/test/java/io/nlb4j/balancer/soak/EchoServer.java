package io.nlb4j.balancer.soak;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * A blocking echo server for the soak test, in the test's JVM or in an instance process ({@link SoakInstanceMain}):
 * each connection is echoed byte for byte, and what arrives is checked against the {@link Payload} its header
 * announces, so that a byte lost, changed or cut off on the way to the server is seen here, whatever the client
 * sees. After the client's end of input, the server half-closes too, then closes.
 *
 * <p>Connections are reset, never closed cleanly, unless they end normally: {@code SO_LINGER 0} is set when a
 * connection is accepted and cleared only once its input has ended, so that a {@link #kill()} here or the death of
 * the process (SIGKILL: the kernel closes the sockets) resets every connection in flight. A killed backend
 * therefore shows up as a reset, and a clean end of stream that comes too early is always someone's truncation.
 * JDK classes only.
 */
final class EchoServer implements Closeable {

    /** How a connection ended, as the server saw it. */
    enum End {
        /** No byte before the end of input: a health probe, or a client that sent nothing. */
        EMPTY,
        /** Every announced byte arrived, checked, then a clean end of input. */
        COMPLETE,
        /** The peer reset the connection (or writing to it failed). */
        PEER_RESET,
        /** A clean end of input before every announced byte had arrived: a silent truncation upstream. */
        PEER_EOF_SHORT,
        /** A byte differed from the payload, or more bytes came than announced. */
        CORRUPT,
        /** The header was not a soak header. */
        BAD_HEADER,
        /** Killed by {@link #kill()}. */
        KILLED,
        /** Nothing arrived for the read timeout. */
        STALLED
    }

    /** Told about every connection; called on the connection's thread. */
    interface Observer {
        /** The header has been read. */
        void started(String server, long id, int bodyLength);

        /**
         * The connection has ended.
         *
         * @param id the connection id, or -1 if no header was read
         * @param received bytes received, header included
         */
        void ended(String server, long id, End end, long received, String detail);
    }

    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final String name;
    private final ServerSocket socket;
    private final Observer observer;
    private final ExecutorService handlers;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean killed;
    private volatile boolean closed;

    private EchoServer(String name, ServerSocket socket, Observer observer, ExecutorService handlers) {
        this.name = name;
        this.socket = socket;
        this.observer = observer;
        this.handlers = handlers;
        this.acceptor = new Thread(this::acceptLoop, "soak-accept-" + name);
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a server.
     *
     * @param name its name, for the observer
     * @param bind where to listen; port 0 for an ephemeral one
     * @param observer told about each connection
     * @param handlers runs one task per connection, for its lifetime
     */
    static EchoServer start(String name, InetSocketAddress bind, Observer observer, ExecutorService handlers)
            throws IOException {
        ServerSocket ss = new ServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(bind, 512);
        } catch (IOException e) {
            ss.close();
            throw e;
        }
        EchoServer server = new EchoServer(name, ss, observer, handlers);
        server.acceptor.start();
        return server;
    }

    String name() {
        return name;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    int openConnections() {
        return open.size();
    }

    boolean killed() {
        return killed;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return; // closed or killed
            }
            open.add(s);
            if (closed) {
                abort(s);
                return;
            }
            try {
                handlers.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                abort(s);
            }
        }
    }

    private void serve(Socket s) {
        long id = -1;
        long received = 0;
        End end;
        String detail = "";
        byte[] buf = new byte[16 * 1024];
        byte[] header = new byte[Payload.HEADER_BYTES];
        Payload.Stream expected = null;
        boolean corrupt = false;
        try {
            s.setSoLinger(true, 0);
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (n == 0) {
                    continue;
                }
                int from = 0;
                if (expected == null && !corrupt) {
                    int take = (int) Math.min(n, Payload.HEADER_BYTES - received);
                    System.arraycopy(buf, 0, header, (int) received, take);
                    if (received + take == Payload.HEADER_BYTES) {
                        Payload.Header h = Payload.parse(header);
                        if (h == null) {
                            corrupt = true;
                            detail = "bad header";
                        } else {
                            id = h.id();
                            expected = new Payload.Stream(h.id(), h.bodyLength());
                            expected.check(header, 0, header.length);
                            observer.started(name, id, h.bodyLength());
                            from = take;
                        }
                    }
                }
                if (expected != null && !corrupt && n > from) {
                    int bad = expected.check(buf, from, n - from);
                    if (bad >= 0) {
                        corrupt = true;
                        long at = received + from + bad;
                        detail = at >= expected.total() ? "more bytes than announced (" + expected.total() + ")"
                                : "byte " + at + " of " + expected.total() + " differs";
                    }
                }
                received += n;
                out.write(buf, 0, n);
            }
            // The end of input: everything read has been echoed. End normally: clean FIN, then close.
            s.setSoLinger(false, 0);
            if (killed) {
                end = End.KILLED;
            } else if (corrupt) {
                end = id == -1 ? End.BAD_HEADER : End.CORRUPT;
            } else if (received == 0) {
                end = End.EMPTY;
            } else if (expected == null || expected.remaining() > 0) {
                end = End.PEER_EOF_SHORT;
                detail = "clean end of input after " + received + " of "
                        + (expected == null ? "a header's " + Payload.HEADER_BYTES : expected.total()) + " bytes";
            } else {
                end = End.COMPLETE;
            }
            s.shutdownOutput();
            s.close();
        } catch (SocketTimeoutException e) {
            end = End.STALLED;
            detail = "no byte for " + READ_TIMEOUT_MILLIS + " ms after " + received;
            abort(s);
        } catch (IOException e) {
            if (killed) {
                end = End.KILLED;
            } else if (corrupt) {
                end = id == -1 ? End.BAD_HEADER : End.CORRUPT;
            } else {
                end = End.PEER_RESET;
                detail = e.toString();
            }
            abort(s);
        } finally {
            open.remove(s);
        }
        observer.ended(name, id, end, received, detail);
    }

    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Dies at once: stops listening and resets every open connection. */
    void kill() {
        killed = true;
        close();
        for (Socket s : open) {
            abort(s);
        }
    }

    /** Stops listening; open connections go on until they end. Waits for the acceptor thread. */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
