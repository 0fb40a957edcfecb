package io.nlb4j.balancer.group;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The in-process server of one availability-group instance: a blocking echo server on the instance's host and
 * port (port 0: an ephemeral one), one thread per connection. It tells client connections from health probes
 * by their first bytes — a client sends the {@link #HEADER_LENGTH}-byte header made by {@link #header(long)}
 * (a mark and its connection id) first; a TCP probe connects and closes without sending anything — and records,
 * on the test's {@link Timeline}, when it accepted each client connection and when its handle was closed.
 * Everything it receives, header included, is echoed.
 */
final class InstanceServer implements InstanceHandle {

    /** The first byte of a client connection. */
    static final byte CLIENT_MARK = 'C';
    /** The mark and an 8-byte connection id. */
    static final int HEADER_LENGTH = 9;

    /**
     * A client connection this server accepted.
     *
     * @param id the id the client sent
     * @param instanceId the instance that accepted it
     * @param acceptSeq when it was accepted, on the timeline
     */
    record ClientConnection(long id, String instanceId, long acceptSeq) {
    }

    private final String instanceId;
    private final String zone;
    private final Timeline timeline;
    private final ServerSocket server;
    private final InetSocketAddress address;
    private final Queue<ClientConnection> clients = new ConcurrentLinkedQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile long stoppingSeq = -1;
    private volatile long stoppedAcceptingSeq = -1;
    private volatile long closeSeq = -1;

    private InstanceServer(InstanceContext context, Timeline timeline) throws IOException {
        this.instanceId = context.instanceId();
        this.zone = context.zone();
        this.timeline = timeline;
        this.server = new ServerSocket(context.port(), 512, InetAddress.getByName(context.host()));
        this.address = (InetSocketAddress) server.getLocalSocketAddress();
        this.acceptor = new Thread(this::acceptLoop, "instance-" + instanceId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server for an instance; it accepts connections when this returns. */
    static InstanceServer start(InstanceContext context, Timeline timeline) throws IOException {
        return new InstanceServer(context, timeline);
    }

    /** The header a client sends first on a connection with the given id. */
    static byte[] header(long id) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(CLIENT_MARK).putLong(id).array();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** {@code 127.0.0.1:port}, for messages. */
    String key() {
        return address().getHostString() + ':' + address().getPort();
    }

    String instanceId() {
        return instanceId;
    }

    String zone() {
        return zone;
    }

    /** The client connections accepted so far, in the order they were accepted. */
    List<ClientConnection> clientConnections() {
        return List.copyOf(clients);
    }

    /** When its handle was closed (the group terminated it), on the timeline; -1 if it has not been. */
    long closeSeq() {
        return closeSeq;
    }

    /** When {@link #stopAccepting()} was called, before it closed the listening socket; -1 if it has not been. */
    long stoppingSeq() {
        return stoppingSeq;
    }

    /** When {@link #stopAccepting()} had closed the listening socket, on the timeline; -1 if it has not. */
    long stoppedAcceptingSeq() {
        return stoppedAcceptingSeq;
    }

    /**
     * A fault: the server stops accepting connections (its listening socket is closed, so connects are refused)
     * while its open connections go on, as a process that is alive but no longer serves.
     */
    void stopAccepting() throws IOException {
        stoppingSeq = timeline.tick();
        server.close();
        stoppedAcceptingSeq = timeline.tick(); // after the close: a connection started later cannot reach it
    }

    @Override
    public void close() throws Exception {
        closeSeq = timeline.tick();
        server.close();
        for (Socket s : open) {
            s.close();
        }
        acceptor.join(5_000);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            long acceptSeq = timeline.tick();
            open.add(s);
            Thread t = new Thread(() -> serve(s, acceptSeq), "instance-" + instanceId + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, long acceptSeq) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] header = in.readNBytes(HEADER_LENGTH);
            if (header.length == 0) {
                return; // a health probe: connected and closed
            }
            if (header.length == HEADER_LENGTH && header[0] == CLIENT_MARK) {
                clients.add(new ClientConnection(ByteBuffer.wrap(header, 1, 8).getLong(), instanceId, acceptSeq));
            }
            out.write(header);
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the peer or close() ended the connection
        } finally {
            open.remove(s);
        }
    }

    @Override
    public String toString() {
        return instanceId + '@' + key() + '(' + zone + ')';
    }
}
