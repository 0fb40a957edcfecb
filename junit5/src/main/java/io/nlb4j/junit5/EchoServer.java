package io.nlb4j.junit5;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * A test server that sends every byte back as it arrives, and half-closes when the client does: a client that
 * sends its data and shuts its output down reads all of it back, then the end of the stream.
 */
public final class EchoServer extends TestServer {

    /**
     * Starts an echo server on a loopback port the system chooses.
     *
     * @param id its name
     */
    public EchoServer(String id) {
        this(id, InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Starts an echo server.
     *
     * @param id its name
     * @param host the address to listen on
     * @param port the port, or {@code 0} for one the system chooses
     */
    public EchoServer(String id, InetAddress host, int port) {
        super(id, host, port);
    }

    @Override
    protected void serve(Socket socket, InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            pause();
            out.write(buffer, 0, n);
            out.flush();
        }
        socket.shutdownOutput();
    }
}
