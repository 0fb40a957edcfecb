package io.nlb4j.balancer.properties;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test server that passes every kind of health check a runnable generated specification has, and echoes
 * anything else: an HTTP request gets {@code 200 OK} with the body {@value #HTTP_BODY}; {@value #PING_TEXT} gets
 * {@value #PONG_TEXT}; a TCP check only connects. A <em>greeter</em> writes {@value #PONG_TEXT} as soon as a client
 * connects, for send/expect checks that send nothing. One thread per connection, loopback only.
 */
final class UniversalServer implements AutoCloseable {

    static final String HTTP_BODY = "ok";
    static final String PING = "PING\r\n";
    static final String PONG = "+PONG\r\n";
    private static final String PING_TEXT = "PING";
    private static final String PONG_TEXT = "+PONG";

    private final ServerSocket socket;
    private final boolean greeter;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private UniversalServer(ServerSocket socket, boolean greeter) {
        this.socket = socket;
        this.greeter = greeter;
        Thread acceptor = new Thread(this::acceptLoop, "props-universal-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on 127.0.0.1 with an ephemeral port. */
    static UniversalServer start() throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    static UniversalServer start(InetSocketAddress at) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(at, 200);
        return new UniversalServer(s, false);
    }

    /** Starts a greeter on 127.0.0.1 with an ephemeral port. */
    static UniversalServer greeter() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        return new UniversalServer(s, true);
    }

    int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            open.add(s);
            Thread t = new Thread(() -> {
                try (Socket c = s) {
                    serve(c);
                } catch (IOException e) {
                    // closed or reset by the peer
                } finally {
                    open.remove(s);
                }
            }, "props-universal-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[16 * 1024];
        if (greeter) {
            out.write(PONG.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        int n = 0;
        for (int r; n < 4 && (r = in.read(buf, n, buf.length - n)) >= 0; ) { // enough to tell a request apart
            n += r;
            if (!"GET ".startsWith(new String(buf, 0, Math.min(n, 4), StandardCharsets.ISO_8859_1))
                    && !"HEAD".startsWith(new String(buf, 0, Math.min(n, 4), StandardCharsets.ISO_8859_1))) {
                break;
            }
        }
        if (n == 0) {
            return;
        }
        String first = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        if (first.startsWith("GET ") || first.startsWith("HEAD ")) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + HTTP_BODY.length()
                    + "\r\nConnection: close\r\n\r\n" + HTTP_BODY).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            return;
        }
        if (first.startsWith(PING_TEXT)) {
            out.write(PONG.getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(buf, 0, n);
        }
        out.flush();
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        s.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
