package io.nlb4j.balancer.properties;

import static io.nlb4j.balancer.properties.Checks.require;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.SpecValidationException;
import io.nlb4j.model.StaticServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import reactor.core.publisher.Mono;

/**
 * Random sequences of calls on a running load balancer — {@code addServer}, {@code removeServer} and
 * {@code setWeight} with valid and invalid addresses (null, unresolved, closed ports, the load balancer's own
 * listeners in several spellings) and weights (in and out of range), {@code awaitServing}, listeners by name and
 * port, services and groups by name, clients opened and closed, {@code stop} with odd durations, {@code dispose},
 * and calls after the stop. Each call either succeeds or fails with an {@link IllegalArgumentException},
 * {@link IllegalStateException} or {@link NullPointerException} whose message is not empty and names the parameter
 * or the object; what succeeded is seen in {@code servers()}; after the stop, changes are refused as stopped; and
 * after {@code close()} nothing is left running.
 */
class ApiSequencePropertyTest {

    static final int TRIES = 40;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    private static final AtomicLong UNIQUE = new AtomicLong();
    /** What a message names: the parameter or the object. */
    private static final Pattern NAMES_SOMETHING = Pattern.compile(
            "address|weight|server|drainTimeout|listener|backend service|availability group|name|load balancer"
                    + "|configuredPort|port");

    private static UniversalServer server;
    private static UniversalServer extraA;
    private static UniversalServer extraB;
    private static int closedPort;
    private static LoadBalancerOptions options;

    @BeforeAll
    static void startServers() throws IOException {
        server = UniversalServer.start();
        extraA = UniversalServer.start();
        extraB = UniversalServer.start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once it is closed
        }
        options = LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1)
                .startTimeout(Duration.ofSeconds(10)).membershipProvider(new OneServerProviders(server.port())).build();
    }

    @AfterAll
    static void stopServers() throws IOException {
        server.close();
        extraA.close();
        extraB.close();
    }

    /** One generated scenario: the shape of the load balancer and the calls made on it. */
    record Scenario(boolean checked, int unhealthyThreshold, Duration draining, boolean groupFed, boolean thirdListener,
                    List<Call> calls) {
        @Override
        public String toString() {
            return "load balancer: service s " + (checked ? "TCP-checked (unhealthy after " + unhealthyThreshold + ")"
                    : "unchecked") + ", draining " + draining + ", second service " + (groupFed ? "from a group"
                    : "from a provider") + (thirdListener ? ", a third listener on s" : "") + "\ncalls:\n  "
                    + calls.stream().map(Call::toString).collect(Collectors.joining("\n  "));
        }
    }

    /** An address as a call names it, resolved once the load balancer runs. */
    enum Where {
        NULL, UNRESOLVED, SERVER, EXTRA_A, EXTRA_B, CLOSED_PORT, PORT_ZERO, LISTENER_A, LISTENER_B,
        LISTENER_A_ANY_V4, LISTENER_A_ANY_V6, LISTENER_A_MAPPED, LOOPBACK_ALIAS, IPV6_LOOPBACK
    }

    /** Weights as calls give them. */
    static final int[] WEIGHTS = {Integer.MIN_VALUE, -1, 0, StaticServer.MIN_WEIGHT, 2, 50, StaticServer.MAX_WEIGHT,
        StaticServer.MAX_WEIGHT + 1, Integer.MAX_VALUE};

    /** Durations as stop is given them. */
    static final Duration[] STOPS = {null, Duration.ofNanos(-1), Duration.ofSeconds(-1), Duration.ZERO,
        Duration.ofNanos(1), Duration.ofMillis(1), Duration.ofMillis(100), Duration.ofSeconds(1),
        Duration.ofDays(365), Duration.ofDays(1_000_000), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)};

    enum Op {
        ADD, REMOVE, SET_WEIGHT, AWAIT, LISTENER_PORT, LISTENER_NAME, SERVICE, GROUP, OPEN_CLIENT, CLOSE_CLIENTS,
        SERVERS, STOP, DISPOSE
    }

    record Call(Op op, String service, Where where, int weight, int port, String name, Duration duration) {
        @Override
        public String toString() {
            return switch (op) {
                case ADD -> service + ".addServer(" + where + ", " + weight + ')';
                case REMOVE -> service + ".removeServer(" + where + ')';
                case SET_WEIGHT -> service + ".setWeight(" + where + ", " + weight + ')';
                case AWAIT -> service + ".awaitServing(" + where + ')';
                case LISTENER_PORT -> "listener(" + port + ')';
                case LISTENER_NAME -> "listener(" + shown(name) + ')';
                case SERVICE -> "backendService(" + shown(name) + ')';
                case GROUP -> "availabilityGroup(" + shown(name) + ')';
                case OPEN_CLIENT -> "open a client to listener " + port;
                case CLOSE_CLIENTS -> "close the clients";
                case SERVERS -> service + ".servers()";
                case STOP -> "stop(" + duration + ')';
                case DISPOSE -> "dispose()";
            };
        }
    }

    private static String shown(String name) {
        return name == null ? "null" : '"' + Docs.visible(name, 40) + '"';
    }

    static Scenario generate(Random r) {
        int n = 3 + r.nextInt(10);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(call(r));
        }
        Duration[] drains = {Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofDays(365)};
        return new Scenario(r.nextBoolean(), 1 + r.nextInt(2), drains[r.nextInt(drains.length)], r.nextBoolean(),
                r.nextInt(4) == 0, calls);
    }

    private static Call call(Random r) {
        Op op = r.nextInt(4) == 0 ? Op.values()[r.nextInt(Op.values().length)]
                : new Op[] {Op.ADD, Op.ADD, Op.REMOVE, Op.SET_WEIGHT, Op.AWAIT, Op.OPEN_CLIENT, Op.OPEN_CLIENT,
                    Op.STOP}[r.nextInt(8)];
        String service = r.nextInt(5) == 0 ? "g" : "s";
        Where where = r.nextBoolean() ? new Where[] {Where.SERVER, Where.EXTRA_A, Where.EXTRA_B}[r.nextInt(3)]
                : Where.values()[r.nextInt(Where.values().length)];
        int weight = r.nextInt(3) == 0 ? WEIGHTS[r.nextInt(WEIGHTS.length)] : 1 + r.nextInt(StaticServer.MAX_WEIGHT);
        int[] ports = {0, -1, 1, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE};
        int port = r.nextInt(ports.length);
        String[] names = {"a", "b", "s", "g", "ag", "", null, "missing", "A", "x".repeat(100_000)};
        String name = names[r.nextInt(names.length)];
        Duration d = STOPS[r.nextInt(STOPS.length)];
        if (op == Op.OPEN_CLIENT) {
            port = r.nextInt(2);
        } else {
            port = ports[port];
        }
        return new Call(op, service, where, weight, port, name, d);
    }

    /** How often each kind of call had each outcome, over all tries. */
    private static final Map<String, Integer> OUTCOMES = new ConcurrentSkipListMap<>();

    @Test
    void everyCallSucceedsOrFailsNamingWhatWasWrong(TestReporter reporter) {
        OUTCOMES.clear();
        Property.forAll("API call sequences succeed or fail naming the parameter", ApiSequencePropertyTest::generate)
                .tries(TRIES)
                .shrinkWith(s -> {
                    List<Scenario> out = new ArrayList<>();
                    for (int i = 0; i < s.calls().size(); i++) {
                        List<Call> fewer = new ArrayList<>(s.calls());
                        fewer.remove(i);
                        out.add(new Scenario(s.checked(), s.unhealthyThreshold(), s.draining(), s.groupFed(),
                                s.thirdListener(), fewer));
                    }
                    if (s.thirdListener()) {
                        out.add(new Scenario(s.checked(), s.unhealthyThreshold(), s.draining(), s.groupFed(), false,
                                s.calls()));
                    }
                    if (s.checked()) {
                        out.add(new Scenario(false, s.unhealthyThreshold(), s.draining(), s.groupFed(),
                                s.thirdListener(), s.calls()));
                    }
                    return out.stream();
                })
                .check(reporter, ApiSequencePropertyTest::play);
        Property.note(reporter, "API call outcomes: " + OUTCOMES);
    }

    private static LoadBalancerSpec spec(Scenario s) {
        HealthCheck.Builder<?> check = s.checked()
                ? HealthCheck.tcp().interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(100)).healthyThreshold(1)
                .unhealthyThreshold(s.unhealthyThreshold()).outlierDetection(OutlierDetection.off())
                : HealthCheck.None.builder().outlierDetection(OutlierDetection.off());
        BackendService.Builder main = BackendService.builder("s").healthCheck(check).connectionDraining(s.draining())
                .staticServers(StaticServer.of("127.0.0.1", server.port()));
        BackendService.Builder other = BackendService.builder("g").healthCheck(HealthCheck.none());
        if (s.groupFed()) {
            other.availabilityGroup(AvailabilityGroup.builder("ag").region("r").vpc("v").zones("z")
                    .template(InstanceTemplate.builder("t").port(0)
                            .launcher(InstanceLauncher.inProcess(EchoInstanceFactory.class)))
                    .capacity(1, 1, 2));
        } else {
            other.provider(SpecGen.TEST_PROVIDER, null);
        }
        LoadBalancerSpec.Builder b = LoadBalancerSpec.builder("api-" + UNIQUE.incrementAndGet()).region("r").vpc("v")
                .zones("z")
                .listener(Listener.tcp(0).name("a").backendService(main))
                .listener(Listener.tcp(0).backendService(other));
        if (s.thirdListener()) {
            b.listener(Listener.tcp(0).backendService(main));
        }
        return b.build();
    }

    /** The state a scenario plays in. */
    private static final class World {
        final RunningLoadBalancer lb;
        final List<Socket> clients = new ArrayList<>();
        /** The servers of service s as the calls that completed say: a model to check the next calls against. */
        final Set<InetSocketAddress> present = new HashSet<>();
        /** Servers whose state the model does not know (a removal still draining). */
        final Set<InetSocketAddress> uncertain = new HashSet<>();
        boolean stopAsked;

        World(RunningLoadBalancer lb) {
            this.lb = lb;
            present.add(server.address());
        }

        boolean isLive(Where w) {
            return w == Where.SERVER || w == Where.EXTRA_A || w == Where.EXTRA_B;
        }

        InetSocketAddress address(Where w) {
            InetSocketAddress a = lb.listeners().get(0).boundAddress();
            InetSocketAddress b = lb.listeners().get(1).boundAddress();
            try {
                return switch (w) {
                    case NULL -> null;
                    case UNRESOLVED -> InetSocketAddress.createUnresolved("no-such-host.invalid", 80);
                    case SERVER -> server.address();
                    case EXTRA_A -> extraA.address();
                    case EXTRA_B -> extraB.address();
                    case CLOSED_PORT -> new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
                    case PORT_ZERO -> new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                    case LISTENER_A -> a;
                    case LISTENER_B -> b;
                    case LISTENER_A_ANY_V4 -> new InetSocketAddress(InetAddress.getByName("0.0.0.0"), a.getPort());
                    case LISTENER_A_ANY_V6 -> new InetSocketAddress(InetAddress.getByName("::"), a.getPort());
                    case LISTENER_A_MAPPED -> new InetSocketAddress(InetAddress.getByName("::ffff:127.0.0.1"),
                            a.getPort());
                    case LOOPBACK_ALIAS -> new InetSocketAddress(InetAddress.getByName("127.0.0.2"), server.port());
                    case IPV6_LOOPBACK -> new InetSocketAddress(InetAddress.getByName("::1"), server.port());
                };
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean isSelf(Where w) {
            return w == Where.LISTENER_A || w == Where.LISTENER_B || w == Where.LISTENER_A_ANY_V4
                    || w == Where.LISTENER_A_ANY_V6 || w == Where.LISTENER_A_MAPPED;
        }

        boolean isStopped() {
            try {
                lb.onStopped().block(Duration.ofMillis(1));
                return true;
            } catch (IllegalStateException timeout) {
                return false;
            }
        }

        void closeClients() {
            for (Socket c : clients) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing
                }
            }
            clients.clear();
        }
    }

    private static String play(Scenario s) throws Exception {
        LoadBalancerSpec spec = spec(s);
        int instances = EchoInstanceFactory.LIVE.get();
        int providers = OneServerProviders.OPEN.get();
        RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec, options);
        World w = new World(lb);
        List<InetSocketAddress> bound = lb.listeners().stream().map(RunningListener::boundAddress).toList();
        StringBuilder outcomes = new StringBuilder();
        try {
            for (int i = 0; i < s.calls().size(); i++) {
                Call c = s.calls().get(i);
                String outcome;
                try {
                    outcome = perform(w, c);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n  at call " + (i + 1) + ": " + c + "\n  outcomes so far: "
                            + outcomes, e);
                }
                outcomes.append(outcomes.length() == 0 ? "" : ", ").append(outcome);
                OUTCOMES.merge(c.op().name().toLowerCase(java.util.Locale.ROOT) + ' ' + outcome, 1, Integer::sum);
            }
        } finally {
            w.closeClients();
            lb.close();
        }
        require(w.isStopped(), "not stopped after close", spec.name());
        List<?> events = lb.events().collectList().block(Duration.ofSeconds(2));
        require(events != null, "events do not complete after the stop", spec.name());
        Checks.noThreadsLeft(spec);
        Checks.nothingListening(bound);
        Checks.backTo(EchoInstanceFactory.LIVE, instances, "in-process instances");
        Checks.backTo(OneServerProviders.OPEN, providers, "membership providers");
        return s.calls().stream().anyMatch(c -> c.op() == Op.STOP || c.op() == Op.DISPOSE) ? "stopped during the calls"
                : "stopped by close()";
    }

    /** Performs one call and checks its outcome; returns a word for it. */
    private static String perform(World w, Call c) {
        RunningLoadBalancer lb = w.lb;
        boolean stoppedBefore = w.isStopped();
        boolean mayWait = w.stopAsked;
        switch (c.op()) {
            case LISTENER_PORT:
                return outcome(c, () -> lb.listener(c.port()), false, mayWait);
            case LISTENER_NAME:
                return outcome(c, () -> lb.listener(c.name()), false, mayWait);
            case SERVICE:
                return outcome(c, () -> lb.backendService(c.name()), false, mayWait);
            case GROUP:
                return outcome(c, () -> lb.availabilityGroup(c.name()), false, mayWait);
            case OPEN_CLIENT: {
                InetSocketAddress to = lb.listeners().get(c.port()).boundAddress();
                try {
                    Socket client = new Socket();
                    client.connect(to, 2000);
                    client.setSoTimeout(2000);
                    w.clients.add(client);
                    client.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                    int b = client.getInputStream().read();
                    return b >= 0 ? "client echoed" : "client closed";
                } catch (IOException e) {
                    return "client refused";
                }
            }
            case CLOSE_CLIENTS:
                w.closeClients();
                return "clients closed";
            case SERVERS: {
                List<ServerStats> servers = lb.backendService(c.service()).servers();
                require(servers.stream().map(ServerStats::address).distinct().count() == servers.size(),
                        "a server listed twice", servers.toString());
                return "servers listed";
            }
            case STOP:
                w.stopAsked |= c.duration() != null && !c.duration().isNegative();
                return outcome(c, () -> lb.stop(c.duration()), true, true);
            case DISPOSE:
                lb.dispose();
                w.stopAsked = true;
                return "disposed";
            default:
                break;
        }
        RunningBackendService service = lb.backendService(c.service());
        InetSocketAddress address = w.address(c.where());
        boolean staticService = c.service().equals("s");
        boolean validWeight = c.weight() >= StaticServer.MIN_WEIGHT && c.weight() <= StaticServer.MAX_WEIGHT;
        String outcome;
        switch (c.op()) {
            case ADD -> outcome = outcome(c, () -> service.addServer(address, c.weight()), true, mayWait);
            case REMOVE -> outcome = outcome(c, () -> service.removeServer(address), true, mayWait);
            case SET_WEIGHT -> outcome = outcome(c, () -> service.setWeight(address, c.weight()), true, mayWait);
            default -> outcome = outcome(c, () -> service.awaitServing(address), true, mayWait);
        }
        // what the outcome must be, where the documentation says
        if (c.op() == Op.ADD && address != null && staticService && validWeight && !w.stopAsked
                && w.isSelf(c.where())) {
            require(outcome.equals("IllegalArgumentException"), "a server at the load balancer's own listener accepted",
                    "addServer(" + address + ") with listeners at " + lb.listeners().stream()
                            .map(RunningListener::boundAddress).toList() + " gave " + outcome);
        }
        if (c.op() != Op.AWAIT && address != null && validWeight && !staticService && !w.stopAsked
                && !(c.op() == Op.ADD && badArgument(address))) {
            require(outcome.equals("IllegalStateException"), "a change of a source-owned service not refused",
                    c + " gave " + outcome);
        }
        if (stoppedBefore && c.op() != Op.AWAIT && address != null && validWeight
                && !(c.op() == Op.ADD && badArgument(address))) {
            require(outcome.startsWith("IllegalStateException"), "a change after the stop not refused",
                    c + " gave " + outcome);
        }
        boolean known = address != null && !w.uncertain.contains(address);
        if (staticService && !w.stopAsked && known && validWeight && w.isLive(c.where()) && c.op() == Op.ADD) {
            require(outcome.equals("ok"), "a valid addServer refused", c + " (" + address + ", a live server) gave "
                    + outcome + "; servers " + service.servers());
        }
        if (staticService && !w.stopAsked && known && w.present.contains(address) && c.op() == Op.REMOVE) {
            require(outcome.equals("ok") || outcome.equals("pending"), "a valid removeServer refused",
                    c + " (" + address + ", a server of the service) gave " + outcome);
        }
        if (staticService && !w.stopAsked && known && validWeight && w.present.contains(address)
                && c.op() == Op.SET_WEIGHT) {
            require(outcome.equals("ok"), "a valid setWeight refused",
                    c + " (" + address + ", a server in service) gave " + outcome + "; servers " + service.servers());
        }
        if (staticService && address != null) {
            if (c.op() == Op.ADD && outcome.equals("ok")) {
                w.present.add(address);
            } else if (c.op() == Op.REMOVE && outcome.equals("ok")) {
                w.present.remove(address);
            } else if (c.op() == Op.REMOVE && outcome.equals("pending") || c.op() == Op.ADD && !outcome.equals("ok")
                    && !outcome.equals("IllegalArgumentException")) {
                w.uncertain.add(address); // draining, or added but not serving: the model no longer knows
            }
        }
        if (outcome.equals("ok") && staticService && !w.stopAsked) {
            List<ServerStats> servers = service.servers();
            ServerStats st = servers.stream().filter(x -> x.address().equals(address)).findFirst().orElse(null);
            if (c.op() == Op.ADD) {
                require(st != null && st.state() == ServerStats.State.IN_SERVICE && st.weight() == c.weight(),
                        "an added server is not in service", address + " in " + servers);
            } else if (c.op() == Op.REMOVE) {
                require(st == null, "a removed server is still listed", address + " in " + servers);
            } else if (c.op() == Op.SET_WEIGHT) {
                require(st != null && st.weight() == c.weight(), "a new weight is not seen", address + " in " + servers);
            }
        }
        return outcome;
    }

    /**
     * Runs a call: it returns, or its Mono completes within {@link #CALL_TIMEOUT}, or it fails with an allowed
     * exception whose message names something (a {@link NullPointerException}: the null parameter's name first). A
     * Mono still pending after the timeout is allowed only where the documentation lets one wait: a server that does
     * not serve ({@code awaitServing}), a removal or a stop draining open clients, a call while stopping.
     */
    private static String outcome(Call c, java.util.concurrent.Callable<Object> call, boolean async, boolean mayWait) {
        Object result;
        try {
            result = call.call();
            if (async) {
                Mono<?> mono = (Mono<?>) result;
                require(mono != null, "a null Mono", c.toString());
                try {
                    mono.block(CALL_TIMEOUT);
                } catch (IllegalStateException e) {
                    if (String.valueOf(e.getMessage()).startsWith("Timeout on blocking read")) {
                        require(mayWait || c.op() == Op.AWAIT || c.op() == Op.STOP || c.op() == Op.REMOVE,
                                "a call that never completes", c + " did not complete within " + CALL_TIMEOUT);
                        return "pending";
                    }
                    throw e;
                }
            }
            return "ok";
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            String m = e.getMessage();
            require(m != null && !m.isBlank(), "an exception without a message", c + " threw " + e);
            require(m.length() <= SpecValidationException.MAX_MESSAGE_LENGTH, "a message too long",
                    c + " threw a message of " + m.length() + " characters: " + Docs.visible(m, 300));
            if (e instanceof NullPointerException) {
                String parameter = switch (c.op()) {
                    case LISTENER_NAME, SERVICE, GROUP -> c.name() == null ? "name" : null;
                    case ADD, REMOVE, SET_WEIGHT, AWAIT -> c.where() == Where.NULL ? "address" : null;
                    case STOP -> c.duration() == null ? "drainTimeout" : null;
                    default -> null;
                };
                require(parameter != null && m.startsWith(parameter), "a null pointer not naming the parameter",
                        c + " threw " + e);
            } else {
                require(NAMES_SOMETHING.matcher(m).find(), "a message that names nothing", c + " threw " + e);
            }
            return e.getClass().getSimpleName();
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("an exception of another type: " + c + " threw " + t, t);
        }
    }

    /** An address addServer refuses as an argument, before it looks at the service: unresolved, or port 0. */
    private static boolean badArgument(InetSocketAddress address) {
        return address.isUnresolved() || address.getPort() == 0;
    }
}
