package io.nlb4j.healthcheck;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A blocking test server on 127.0.0.1:0 whose reply to every connection can be changed at any time. */
final class ProbeServer implements AutoCloseable {

    /** What the server does with a connection. */
    enum Mode {
        /** Reads the request head, replies with {@link #reply}, closes. */
        REPLY,
        /** Reads and never answers. */
        SILENT,
        /** Closes at once. */
        CLOSE
    }

    private final ServerSocket socket;
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.REPLY);
    final AtomicReference<String> reply = new AtomicReference<>("");
    final AtomicInteger connections = new AtomicInteger();

    ProbeServer() throws IOException {
        socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "probe-server");
        t.setDaemon(true);
        t.start();
    }

    static String http(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "probe-server-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            Mode m = mode.get();
            if (m == Mode.CLOSE) {
                return;
            }
            InputStream in = s.getInputStream();
            s.setSoTimeout(5000);
            if (m == Mode.SILENT) {
                while (in.read() >= 0) {
                    // swallow
                }
                return;
            }
            String r = reply.get();
            if (r.startsWith("HTTP/")) {
                readHead(in);
            } else {
                in.read(new byte[256]);
            }
            s.getOutputStream().write(r.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
        } catch (IOException ignored) {
            // the probe went away
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
