package io.nlb4j.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.StaticServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import reactor.core.Disposable;

/** Shared pieces of the data-plane integration tests: specs, options, client sockets, events. */
final class Fixtures {

    /** How long a blocking client read may wait before the test fails instead of hanging. */
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private Fixtures() {
    }

    /** Options for tests: loopback only, two event loops, a short start timeout. */
    static LoadBalancerOptions options() {
        return optionsBuilder().build();
    }

    /** Options whose control plane runs on a virtual-time scheduler: the test drives every delay and deadline. */
    static LoadBalancerOptions options(reactor.core.scheduler.Scheduler controlScheduler) {
        return optionsBuilder().controlScheduler(controlScheduler).build();
    }

    static LoadBalancerOptions.Builder optionsBuilder() {
        return LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(2)
                .startTimeout(Duration.ofSeconds(10));
    }

    /** The socket transports a test runs on; one not available on this machine skips the test, saying why. */
    enum TransportKind {
        IO_URING(SocketTransport.IO_URING), EPOLL(SocketTransport.EPOLL), NIO(SocketTransport.NIO);

        final SocketTransport transport;

        TransportKind(SocketTransport transport) {
            this.transport = transport;
        }
    }

    static LoadBalancerOptions options(TransportKind kind) {
        Assumptions.assumeTrue(kind.transport.isAvailable(),
                () -> kind + " is not available here: " + kind.transport.unavailability().orElse(""));
        return optionsBuilder().transport(kind.transport).build();
    }

    /**
     * A backend service over the given test servers (weight 1 each), with neither active nor passive health
     * checking (so that a test's own failures never eject a server), and 1 s draining.
     */
    static BackendService.Builder service(String name, TestBackend... backends) {
        List<StaticServer> servers = new ArrayList<>();
        for (TestBackend b : backends) {
            servers.add(StaticServer.of("127.0.0.1", b.port()));
        }
        return service(name, servers);
    }

    static BackendService.Builder service(String name, List<StaticServer> servers) {
        return BackendService.builder(name)
                .healthCheck(HealthCheck.none(OutlierDetection.off()))
                .connectionDraining(Duration.ofSeconds(1))
                .staticServers(servers);
    }

    /** A load balancer specification with one listener. */
    static LoadBalancerSpec spec(String name, Listener.Builder listener) {
        return specBuilder(name).listener(listener).build();
    }

    static LoadBalancerSpec.Builder specBuilder(String name) {
        return LoadBalancerSpec.builder(name).region("local").vpc("lo").zones("z1");
    }

    /** Connects a client to a listener, with a read timeout so that a broken test fails instead of hanging. */
    static Socket connect(RunningListener listener) throws IOException {
        return connect(listener, null);
    }

    /** Connects a client from a given local loopback address (any of 127.0.0.0/8 on Linux). */
    static Socket connect(RunningListener listener, InetAddress from) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        // Options first: a refused connection may be reset before connect() returns to set them.
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        s.connect(listener.boundAddress(), 5_000);
        return s;
    }

    /** Reads one line (without its newline), as sent by {@link TestBackend#NAMED_ECHO}. */
    static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("EOF before the end of the line; read \"" + line + '"');
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Connects, reads the name line of a {@link TestBackend#NAMED_ECHO} server, and closes. */
    static String nameOfNextConnection(RunningListener listener) throws IOException {
        try (Socket s = connect(listener)) {
            return readLine(s);
        }
    }

    /** Writes bytes and reads the same number back. */
    static byte[] roundTrip(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        byte[] back = new byte[data.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        return back;
    }

    /** Asserts that an echo round trip through the socket works. */
    static void assertEchoes(Socket s, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThat(roundTrip(s, data)).as("echo of \"%s\"", text).isEqualTo(data);
    }

    /**
     * Asserts that a client connection ends without delivering a single byte: the read sees EOF or a reset.
     *
     * @return "eof" or "reset"
     */
    /**
     * Connects a client that the load balancer refuses at once (access denied, over its limit, no server) and
     * checks that it gets no byte: the refusal is a reset, which may reach the client while its connect is still
     * returning (then the connect fails with it) or after (then the first read does).
     *
     * @param listener the listener
     * @param from the local loopback address to connect from, or {@code null} for any
     * @return {@code "reset at connect"}, {@code "reset"} or {@code "eof"}
     */
    static String assertRefused(RunningListener listener, InetAddress from) throws IOException {
        Socket s;
        try {
            s = connect(listener, from);
        } catch (SocketException e) {
            return "reset at connect";
        }
        try (s) {
            return assertClosedWithoutData(s);
        }
    }

    static String assertClosedWithoutData(Socket s) throws IOException {
        try {
            int b = s.getInputStream().read();
            if (b >= 0) {
                fail("expected the connection to be closed without data, but read byte %d", b);
            }
            return "eof";
        } catch (SocketException e) {
            return "reset";
        }
    }

    /**
     * Waits until a byte counter stops growing: sampled every 100 ms, unchanged for 5 samples in a row.
     *
     * @return the value it stopped at
     */
    static long awaitStable(AtomicLong counter) {
        long[] last = {-1};
        int[] unchanged = {0};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = counter.get();
            unchanged[0] = now > 0 && now == last[0] ? unchanged[0] + 1 : 0;
            last[0] = now;
            return unchanged[0] >= 5;
        });
        return counter.get();
    }

    /**
     * The most the kernel may buffer in a load balancer's two sockets of one direction: its receive buffer on
     * one side and its send buffer on the other, which autotuning grows up to the third values of
     * {@code net.ipv4.tcp_rmem} and {@code tcp_wmem} (Linux); the Linux defaults where those cannot be read.
     */
    static long proxySocketBufferBound() {
        return sysctlMax("/proc/sys/net/ipv4/tcp_rmem", 6L << 20) + sysctlMax("/proc/sys/net/ipv4/tcp_wmem", 4L << 20);
    }

    private static long sysctlMax(String file, long fallback) {
        try {
            // Files.readString trusts the size /proc reports (0) and can return a truncated value: read lines.
            String[] values = Files.readAllLines(Paths.get(file)).get(0).trim().split("\\s+");
            return Long.parseLong(values[values.length - 1]);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** The names of the threads of a load balancer: event loops {@code nlb4j-<name>-…} and control. */
    static List<String> threadsOf(String lbName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("nlb4j-" + lbName + '-') || n.startsWith("nlb4j-control-" + lbName + '-')
                        || n.startsWith("nlb4j-admin-" + lbName + '-'))
                .collect(Collectors.toList());
    }

    /** Counts this process's open socket file descriptors (Linux), or -1 where /proc is not available. */
    static long openSockets() {
        Path fds = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The TCP ports this process is listening on (Linux: its socket inodes matched against /proc/net/tcp and
     * tcp6), or {@code null} where /proc is not available.
     */
    static Set<Integer> listeningPorts() {
        Path fds = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return null;
        }
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> list = Files.list(fds)) {
            list.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            });
            Set<Integer> ports = new HashSet<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path t = Paths.get(table);
                if (!Files.exists(t)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(t);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                        ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                    }
                }
            }
            return ports;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether this machine lets a client bind 127.0.0.2 (Linux routes all of 127.0.0.0/8 to loopback). */
    static boolean canBindLoopbackAlias() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static InetAddress loopback(int lastOctet) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Counts each name in a list. */
    static Map<String, Long> counts(List<String> names) {
        return names.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }

    /** Server stats of a backend service by port. */
    static ServerStats statsOf(RunningBackendService service, TestBackend backend) {
        return service.servers().stream().filter(s -> s.address().getPort() == backend.port()).findFirst()
                .orElseThrow(() -> new AssertionError("no server " + backend.port() + " in " + service.servers()));
    }

    /** Records the events of a running load balancer from the moment it is created. */
    static final class Events implements AutoCloseable {
        private final List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        private final Disposable subscription;

        Events(RunningLoadBalancer lb) {
            subscription = lb.events().subscribe(events::add);
        }

        List<LoadBalancerEvent> all() {
            return List.copyOf(events);
        }

        <E extends LoadBalancerEvent> List<E> of(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
        }

        List<Class<?>> types() {
            return events.stream().<Class<?>>map(Object::getClass).collect(Collectors.toList());
        }

        @Override
        public void close() {
            subscription.dispose();
        }
    }

    /** Instances that are echo servers of their own, started in this JVM. */
    static InstanceLauncher echoInstances() {
        return InstanceLauncher.inProcess(ctx -> {
            TestBackend b = TestBackend.echo(ctx.instanceId());
            return new InstanceHandle() {
                @Override
                public InetSocketAddress address() {
                    return b.address();
                }

                @Override
                public void close() throws IOException {
                    b.close();
                }
            };
        });
    }
}
