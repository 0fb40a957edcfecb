package io.nlb4j.samples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny blocking TCP echo server that uses the JDK only, so that it runs as a separate process with
 * {@code java -cp target/test-classes io.nlb4j.samples.cli.EchoMain PORT [HOST]} (an availability group's
 * process instance) as well as inside a test (a static server). A client's half-close is answered by
 * closing once everything has been echoed. Counts the connections that carried data, which health checks
 * (connect and close) do not; as a process it prints one line per such connection.
 */
public final class EchoMain implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger dataConnections = new AtomicInteger();
    private final PrintStream log;

    private EchoMain(ServerSocket server, PrintStream log) {
        this.server = server;
        this.log = log;
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args the port (0 for an ephemeral one) and optionally the host to bind, default 127.0.0.1
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EchoMain echo = start(host, port, System.out);
        System.out.println("echo server listening on " + host + ':' + echo.port());
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM ends the JVM
    }

    /**
     * Starts a server inside this JVM.
     *
     * @param host the address to bind
     * @param port the port, 0 for an ephemeral one
     * @return the server
     * @throws IOException if it cannot bind
     */
    public static EchoMain start(String host, int port) throws IOException {
        return start(host, port, null);
    }

    private static EchoMain start(String host, int port, PrintStream log) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        EchoMain echo = new EchoMain(server, log);
        Thread acceptor = new Thread(echo::acceptLoop, "echo-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return echo;
    }

    /**
     * Returns the bound port.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Returns how many connections carried at least one byte.
     *
     * @return the number of data connections
     */
    public int dataConnections() {
        return dataConnections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "echo-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        long total = 0;
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (total == 0 && n > 0) {
                    dataConnections.incrementAndGet();
                }
                out.write(buf, 0, n);
                out.flush();
                total += n;
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the peer reset or went away: nothing to echo any more
        }
        if (log != null && total > 0) {
            log.println("echo connection done: " + total + " bytes");
            log.flush();
        }
    }
}
