package io.nlb4j.junit5;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A test server that answers with its {@linkplain #id() id}: the instance id when it is an availability group's
 * instance, so that a test sees which server a connection reached.
 *
 * <p>Its protocol: each line the client sends is answered with the id and a newline ({@link #ask(InetSocketAddress)}
 * sends one). An HTTP request (a first line ending in {@code HTTP/1.x}) is answered with {@code 200 OK}, the id as
 * its body, and the connection closed; the health check on {@link #HEALTH_PATH} is answered as by every test server.
 */
public final class WhoAmIServer extends TestServer {

    /**
     * Starts a who-am-I server on a loopback port the system chooses.
     *
     * @param id the id it answers with
     */
    public WhoAmIServer(String id) {
        this(id, InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Starts a who-am-I server.
     *
     * @param id the id it answers with
     * @param host the address to listen on
     * @param port the port, or {@code 0} for one the system chooses
     */
    public WhoAmIServer(String id, InetAddress host, int port) {
        super(id, host, port);
    }

    /**
     * Asks whoever answers at an address (a load balancer's listener, or a who-am-I server) who it is: one new
     * connection, one line each way.
     *
     * @param address where to connect
     * @return the id that came back
     * @throws UncheckedIOException if the connection fails or closes without an answer
     */
    public static String ask(InetSocketAddress address) {
        return ask(address, Duration.ofSeconds(10));
    }

    /**
     * Asks whoever answers at an address who it is, waiting at most so long for the connection and the answer.
     *
     * @param address where to connect
     * @param timeout how long connecting and reading may each take
     * @return the id that came back
     * @throws UncheckedIOException if the connection fails, times out or closes without an answer
     */
    public static String ask(InetSocketAddress address, Duration timeout) {
        return ask(address, null, timeout);
    }

    /**
     * Asks who answers at an address from a given source address, as a test of source affinity does (any
     * {@code 127.x.y.z} is a source on loopback).
     *
     * @param address where to connect
     * @param from the local address to connect from, or null for the system's choice
     * @param timeout how long connecting and reading may each take
     * @return the id that came back
     * @throws UncheckedIOException if the connection fails, times out or closes without an answer
     */
    public static String ask(InetSocketAddress address, InetAddress from, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket s = new Socket()) {
            if (from != null) {
                s.bind(new InetSocketAddress(from, 0));
            }
            s.connect(address, millis);
            s.setSoTimeout(millis);
            s.getOutputStream().write('\n');
            s.getOutputStream().flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("the connection closed without an answer");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("who-am-I at " + address.getHostString() + ':' + address.getPort() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    protected void serve(Socket socket, InputStream in, OutputStream out) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        byte[] answer = (id() + '\n').getBytes(StandardCharsets.UTF_8);
        for (String line; (line = lines.readLine()) != null; ) {
            pause();
            if (line.matches("[A-Z]+ \\S+ HTTP/1\\.[01]")) {
                while ((line = lines.readLine()) != null && !line.isEmpty()) {
                    // the request's headers
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
                return;
            }
            out.write(answer);
            out.flush();
        }
    }
}
