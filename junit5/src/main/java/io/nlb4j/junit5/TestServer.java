package io.nlb4j.junit5;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server for tests to put behind a load balancer, started on construction on a loopback port of its own (or the
 * one asked for) and controllable while it runs: {@linkplain #unhealthy(boolean) unhealthy} (its HTTP health check
 * answers 503), {@linkplain #slow(Duration) slow} (every answer waits), or {@linkplain #refusing(boolean) refusing}
 * (it stops listening, so that connections to it are refused, then listens on the same port again).
 *
 * <p>Every test server answers an HTTP health check on {@link #HEALTH_PATH} ({@code GET /health HTTP/1.1}, as
 * {@code HealthCheck.http("/health")} sends): 200 while healthy, 503 while unhealthy. A TCP health check only
 * connects, so with one a server is made unhealthy by {@linkplain #refusing(boolean) refusing}.
 *
 * <p>Each connection is served on a thread of its own; {@link #close()} closes the listening socket and every open
 * connection. The servers are {@link EchoServer} and {@link WhoAmIServer}; {@link TestServers} makes them, also as
 * the instances of an availability group.
 */
public abstract class TestServer implements AutoCloseable {

    /** The path of the HTTP health check every test server answers. */
    public static final String HEALTH_PATH = "/health";

    private static final byte[] HEALTH_REQUEST = ("GET " + HEALTH_PATH + ' ').getBytes(StandardCharsets.US_ASCII);

    private final String id;
    private final InetAddress host;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong healthChecks = new AtomicLong();
    private volatile ServerSocket listening;
    /** The thread accepting on {@link #listening}. */
    private Thread acceptor;
    private volatile boolean unhealthy;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean closed;

    /**
     * Starts the server.
     *
     * @param id the server's name: an instance id when it is an availability group's instance
     * @param host the address to listen on (a loopback address for tests)
     * @param port the port, or {@code 0} for one the system chooses
     * @throws UncheckedIOException if the port cannot be bound
     */
    protected TestServer(String id, InetAddress host, int port) {
        this.id = Objects.requireNonNull(id, "id");
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        this.listening = bind(new InetSocketAddress(host, port));
        this.port = listening.getLocalPort();
        startAccepting(listening);
    }

    /**
     * Returns the server's name.
     *
     * @return the id given at start (an instance id for an availability group's instance)
     */
    public String id() {
        return id;
    }

    /**
     * Returns where the server listens; it keeps this address while refusing.
     *
     * @return the address
     */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /**
     * Returns the server's port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the connections accepted so far, health checks included.
     *
     * @return the count
     */
    public long connections() {
        return connections.get();
    }

    /**
     * Returns the HTTP health checks answered so far.
     *
     * @return the count
     */
    public long healthChecks() {
        return healthChecks.get();
    }

    /**
     * Returns the connections open now, health checks included.
     *
     * @return the count
     */
    public int openConnections() {
        return open.size();
    }

    /**
     * Makes the HTTP health check answer 503 (unhealthy) or 200 again; traffic is still served either way.
     *
     * @param unhealthy whether the health check fails
     * @return this server
     */
    public TestServer unhealthy(boolean unhealthy) {
        this.unhealthy = unhealthy;
        return this;
    }

    /**
     * Tells whether the HTTP health check answers 503.
     *
     * @return whether the server is unhealthy
     */
    public boolean isUnhealthy() {
        return unhealthy;
    }

    /**
     * Makes every answer (health checks included) wait this long first; {@link Duration#ZERO} for none.
     *
     * @param delay zero or a positive duration
     * @return this server
     */
    public TestServer slow(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: zero or a positive duration)");
        }
        this.delay = delay;
        return this;
    }

    /**
     * Stops listening, so that new connections are refused (open ones continue), or listens again on the same
     * port.
     *
     * @param refusing whether connections are refused
     * @return this server
     * @throws UncheckedIOException if the port cannot be bound again (another program took it meanwhile)
     * @throws IllegalStateException if the server is closed
     */
    public synchronized TestServer refusing(boolean refusing) {
        if (closed) {
            throw new IllegalStateException("test server " + id + " is closed");
        }
        if (refusing && listening != null) {
            stopListening();
        } else if (!refusing && listening == null) {
            listening = bind(new InetSocketAddress(host, port));
            startAccepting(listening);
        }
        return this;
    }

    /**
     * Tells whether the server refuses connections.
     *
     * @return whether it is not listening
     */
    public boolean isRefusing() {
        return listening == null;
    }

    /** Closes the listening socket and every open connection. */
    @Override
    public synchronized void close() {
        closed = true;
        if (listening != null) {
            stopListening();
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ' ' + id + " on " + host.getHostAddress() + ':' + port
                + (isRefusing() ? " (refusing)" : "") + (unhealthy ? " (unhealthy)" : "");
    }

    /**
     * Serves one connection, after the health check has been ruled out; the stream holds what the client sent.
     *
     * @param socket the connection
     * @param in its input, positioned at the client's first byte
     * @param out its output
     * @throws IOException if the connection fails
     */
    protected abstract void serve(Socket socket, InputStream in, OutputStream out) throws IOException;

    /**
     * Waits for as long as {@link #slow(Duration)} asks; subclasses call it before each answer.
     *
     * @throws IOException if interrupted (the server is closing)
     */
    protected final void pause() throws IOException {
        long nanos = delay.toNanos();
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static ServerSocket bind(InetSocketAddress address) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(address, 1024);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("test server: cannot listen on " + address.getAddress().getHostAddress()
                    + ':' + address.getPort() + " (" + e.getMessage() + ')', e);
        }
    }

    private void startAccepting(ServerSocket server) {
        Thread t = new Thread(() -> accept(server), "nlb4j-test-server-" + id);
        t.setDaemon(true);
        acceptor = t;
        t.start();
    }

    /**
     * Closes the listening socket and waits for its thread to end: until then the kernel may still complete a
     * connection on it, which is no longer refused.
     */
    private void stopListening() {
        closeQuietly(listening);
        listening = null;
        Thread t = acceptor;
        acceptor = null;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed: refusing or closing
            }
            if (closed || listening != server) {
                closeQuietly(s); // accepted as the socket was being closed: refused after all
                return;
            }
            connections.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> handle(s), "nlb4j-test-server-" + id + "-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            BufferedInputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            if (isHealthCheck(in)) {
                healthChecks.incrementAndGet();
                pause();
                boolean ok = !unhealthy;
                String body = ok ? "ok\n" : "unhealthy\n";
                out.write(("HTTP/1.1 " + (ok ? "200 OK" : "503 Service Unavailable") + "\r\nContent-Type: text/plain"
                        + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            serve(s, in, out);
        } catch (SocketException e) {
            // reset or closed by the peer or by close()
        } catch (IOException e) {
            // the connection failed
        } finally {
            open.remove(s);
        }
    }

    /** Whether the connection begins with the health check's request line; reads no further than it must. */
    private static boolean isHealthCheck(BufferedInputStream in) throws IOException {
        in.mark(HEALTH_REQUEST.length);
        try {
            for (byte expected : HEALTH_REQUEST) {
                int b = in.read();
                if (b != expected) {
                    return false;
                }
            }
            return true;
        } finally {
            in.reset();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
