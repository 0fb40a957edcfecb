package io.nlb4j.balancer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking test server on 127.0.0.1 with an ephemeral port, one thread per connection. Its behaviour
 * per connection is a {@link Behaviour}; it counts accepted connections and keeps the open ones.
 */
public final class TestBackend implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(TestBackend server, Socket socket) throws IOException;
    }

    /** Echoes every byte; on the client's EOF, shuts its output. */
    public static final Behaviour ECHO = (server, s) -> {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        s.shutdownOutput();
    };

    /** Sends its name and a newline, then echoes. */
    public static final Behaviour NAMED_ECHO = (server, s) -> {
        s.getOutputStream().write((server.name + "\n").getBytes(StandardCharsets.UTF_8));
        ECHO.serve(server, s);
    };

    private final String name;
    private final ServerSocket socket;
    private final Behaviour behaviour;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private TestBackend(String name, Behaviour behaviour) throws IOException {
        this.name = name;
        this.behaviour = behaviour;
        this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "test-backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TestBackend start(String name, Behaviour behaviour) throws IOException {
        return new TestBackend(name, behaviour);
    }

    public static TestBackend echo(String name) throws IOException {
        return new TestBackend(name, ECHO);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> {
                try (Socket c = s) {
                    behaviour.serve(this, c);
                } catch (SocketException ignored) {
                    // closed or reset by the peer
                } catch (IOException e) {
                    // a test server has nothing to report
                } finally {
                    open.remove(s);
                }
            }, "test-backend-" + name + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return socket.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    public int accepted() {
        return accepted.get();
    }

    public int open() {
        return open.size();
    }

    /** Closes the listening socket only: new connections are refused, open ones go on. */
    public void stopAccepting() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
