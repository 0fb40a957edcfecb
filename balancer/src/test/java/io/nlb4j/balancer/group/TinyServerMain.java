package io.nlb4j.balancer.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A tiny TCP echo server run as a separate operating-system process by {@link ProcessInstancesThroughLoadBalancerTest}:
 * {@code java -cp <test classes> io.nlb4j.balancer.group.TinyServerMain <port>}. JDK classes only, so that the
 * test classes directory is its whole class path.
 */
public final class TinyServerMain {

    private TinyServerMain() {
    }

    /**
     * Listens on 127.0.0.1 and the given port and echoes every connection, half-closing after the client's EOF,
     * until killed.
     *
     * @param args the port
     * @throws IOException if the port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port), 256);
            System.out.println("tiny server listening on " + server.getLocalSocketAddress());
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
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // the peer went away
        }
    }
}
