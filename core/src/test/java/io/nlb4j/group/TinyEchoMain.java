package io.nlb4j.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A tiny TCP echo server run as a separate process by the process-launcher tests:
 * {@code java -cp <test classes> io.nlb4j.group.TinyEchoMain <port>}. JDK classes only.
 */
public final class TinyEchoMain {

    private TinyEchoMain() {
    }

    /**
     * Listens on 127.0.0.1 and the given port and echoes every connection until killed; with {@code never} for the
     * port, runs until killed without ever listening (a process that is never ready). Further arguments are
     * ignored (tests use them to tell their processes apart).
     *
     * @param args the port, or {@code never}
     * @throws IOException if the port cannot be bound
     * @throws InterruptedException never
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args[0].equals("never")) {
            System.out.println("never listening");
            new java.util.concurrent.CountDownLatch(1).await();
            return;
        }
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port));
            System.out.println("echo listening on " + server.getLocalSocketAddress());
            while (true) {
                Socket socket = server.accept();
                Thread t = new Thread(() -> echo(socket), "echo");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the peer went away
        }
    }
}
