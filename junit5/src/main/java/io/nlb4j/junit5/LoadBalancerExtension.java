package io.nlb4j.junit5;

import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.FaultHandle;
import io.nlb4j.balancer.FaultTarget;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.SecurityGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A load balancer for the tests of a class, started and stopped for them. Registered on a {@code static} field it
 * starts once before the class's tests and stops after them; on an instance field it starts before each test and
 * stops after it.
 *
 * <pre>{@code
 * static final EchoServer echo = TestServers.echo("echo-1");
 *
 * @RegisterExtension
 * static final LoadBalancerExtension lb = LoadBalancerExtension.of(spec -> spec
 *         .listener(Listener.tcp(0).backendService(BackendService.builder("echo")
 *                 .healthCheck(HealthCheck.none())
 *                 .staticServers(TestServers.staticServer(echo)))));
 *
 * @Test
 * void echoes() throws IOException {
 *     try (Socket s = new Socket()) {
 *         s.connect(lb.address());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The specification builder given to {@link #configure(LoadBalancerSpec.Builder)} is named {@code test-lb} and
 * already placed ({@link #REGION}, {@link #VPC}, {@link #ZONE}: an availability group behind it is placed the same)
 * with a security group that allows every client ({@code clearSecurityGroups()} removes it); the test adds
 * listeners. Listeners bind to 127.0.0.1
 * ({@link #options(Consumer)} changes any option). The stop drains open connections for
 * {@value #DEFAULT_DRAIN_MILLIS} ms ({@link #drainTimeout(Duration)}). A test or lifecycle method may take a
 * {@link RunningLoadBalancer} or the {@link EventLog} as a parameter. Faults put in place through
 * {@link #fault(FaultTarget, Fault)} last for the test that put them there.
 *
 * <p>The accessors throw {@link IllegalStateException} when the load balancer is not running: before its start
 * (for an instance field, in {@code @BeforeAll}), after its stop, or when the start failed.
 */
public class LoadBalancerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    /** The default drain at stop, in milliseconds. */
    public static final long DEFAULT_DRAIN_MILLIS = 500;
    /** The region the load balancer is placed in; an availability group behind it goes there too. */
    public static final String REGION = "local";
    /** The load balancer's VPC; an availability group behind it goes there too. */
    public static final String VPC = "test";
    /** The load balancer's zone; an availability group behind it is placed in it. */
    public static final String ZONE = "zone-a";

    private final Consumer<LoadBalancerSpec.Builder> configure;
    private Consumer<LoadBalancerOptions.Builder> options = o -> { };
    private Duration drainTimeout = Duration.ofMillis(DEFAULT_DRAIN_MILLIS);
    private volatile RunningLoadBalancer running;
    private volatile EventLog events;
    private volatile String stoppedBecause = "it has not been started yet";
    private boolean perClass;
    private final List<FaultHandle> faults = new CopyOnWriteArrayList<>();

    /** For a subclass that overrides {@link #configure(LoadBalancerSpec.Builder)}. */
    protected LoadBalancerExtension() {
        this.configure = null;
    }

    private LoadBalancerExtension(Consumer<LoadBalancerSpec.Builder> configure) {
        this.configure = Objects.requireNonNull(configure, "configure");
    }

    /**
     * Creates an extension whose load balancer the function describes.
     *
     * @param configure adds the listeners (and anything else) to a specification builder that is already named,
     *     placed and open to every client
     * @return the extension
     */
    public static LoadBalancerExtension of(Consumer<LoadBalancerSpec.Builder> configure) {
        return new LoadBalancerExtension(configure);
    }

    /**
     * Describes the load balancer; the default calls the function given to {@link #of(Consumer)}. A subclass
     * overrides it instead.
     *
     * @param lb a builder named {@code test-lb}, placed, with an allow-all security group
     */
    protected void configure(LoadBalancerSpec.Builder lb) {
        if (configure == null) {
            throw new IllegalStateException("LoadBalancerExtension: override configure(LoadBalancerSpec.Builder) or"
                    + " create the extension with LoadBalancerExtension.of(spec -> ...)");
        }
        configure.accept(lb);
    }

    /**
     * Changes the load balancer's options, from these defaults: listeners bound to 127.0.0.1, two event loops.
     *
     * @param options changes a builder of the options
     * @return this extension
     */
    public LoadBalancerExtension options(Consumer<LoadBalancerOptions.Builder> options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Sets how long the stop lets open connections continue. Default {@value #DEFAULT_DRAIN_MILLIS} ms.
     *
     * @param timeout zero or a positive duration
     * @return this extension
     */
    public LoadBalancerExtension drainTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: zero or a positive duration)");
        }
        this.drainTimeout = timeout;
        return this;
    }

    // ---- accessors ----

    /**
     * Returns the running load balancer.
     *
     * @return the load balancer
     * @throws IllegalStateException if it is not running
     */
    public RunningLoadBalancer loadBalancer() {
        RunningLoadBalancer lb = running;
        if (lb == null) {
            throw new IllegalStateException("LoadBalancerExtension: the load balancer is not running: "
                    + stoppedBecause);
        }
        return lb;
    }

    /**
     * Returns the address the first listener is bound to.
     *
     * @return its address (127.0.0.1 and the port it got)
     * @throws IllegalStateException if the load balancer is not running
     */
    public InetSocketAddress address() {
        return loadBalancer().listeners().get(0).boundAddress();
    }

    /**
     * Returns the address a listener is bound to.
     *
     * @param listenerName the listener's name
     * @return its address
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if it has no listener of that name, naming those it has
     */
    public InetSocketAddress address(String listenerName) {
        return listener(listenerName).boundAddress();
    }

    /**
     * Returns the port the first listener is bound to.
     *
     * @return the port
     * @throws IllegalStateException if the load balancer is not running
     */
    public int port() {
        return address().getPort();
    }

    /**
     * Returns the port a listener is bound to.
     *
     * @param listenerName the listener's name
     * @return the port
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if it has no listener of that name
     */
    public int port(String listenerName) {
        return address(listenerName).getPort();
    }

    /**
     * Returns a running listener.
     *
     * @param name the listener's name
     * @return the listener
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if it has no listener of that name, naming those it has
     */
    public RunningListener listener(String name) {
        return loadBalancer().listener(name);
    }

    /**
     * Returns a running backend service.
     *
     * @param name the service's name
     * @return the service
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if it has no service of that name
     */
    public RunningBackendService backendService(String name) {
        return loadBalancer().backendService(name);
    }

    /**
     * Puts a fault in place for the current test: it is removed after the test (for a static extension, whose load
     * balancer the next test shares), or earlier by the handle.
     *
     * @param target where the fault acts
     * @param fault what it does
     * @return the handle that removes it
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if the target names nothing of the load balancer
     */
    public FaultHandle fault(FaultTarget target, Fault fault) {
        FaultHandle h = loadBalancer().addFault(target, fault);
        faults.add(h);
        return h;
    }

    /**
     * Puts a fault in place on every connection of the first listener, for the current test.
     *
     * @param fault what it does
     * @return the handle that removes it
     * @throws IllegalStateException if the load balancer is not running
     * @throws IllegalArgumentException if the first listener has no name (name it, or use
     *     {@link #fault(FaultTarget, Fault)})
     */
    public FaultHandle fault(Fault fault) {
        RunningListener first = loadBalancer().listeners().get(0);
        String name = first.spec().name().orElseThrow(() -> new IllegalArgumentException("listener " + first.id()
                + " has no name (expected: a named listener, such as Listener.tcp(0).name(\"front\"), to put a"
                + " fault on)"));
        return fault(FaultTarget.listener(name), fault);
    }

    /**
     * Returns the events of the load balancer since its start completed.
     *
     * @return the log
     * @throws IllegalStateException if the load balancer is not running
     */
    public EventLog events() {
        loadBalancer();
        return events;
    }

    // ---- lifecycle ----

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        removeFaults();
        if (!perClass) {
            stop("the test it ran for has ended (an extension on an instance field runs a load balancer per test)");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            stop("the tests of " + context.getDisplayName() + " have ended");
        }
    }

    private void removeFaults() {
        for (FaultHandle h : faults) {
            h.remove();
        }
        faults.clear();
    }

    private void start(ExtensionContext context) {
        LoadBalancerSpec.Builder spec = LoadBalancerSpec.builder("test-lb").region(REGION).vpc(VPC).zones(ZONE)
                .securityGroup(SecurityGroup.allowAll());
        configure(spec);
        LoadBalancerOptions.Builder o = LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(2);
        options.accept(o);
        stoppedBecause = "its start failed (see the test's failure)";
        RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec.build(), o.build());
        events = EventLog.of(lb);
        running = lb;
    }

    private void stop(String why) {
        RunningLoadBalancer lb = running;
        running = null;
        if (lb != null) {
            stoppedBecause = "it has been stopped: " + why;
            try {
                lb.stop(drainTimeout).block(drainTimeout.plusSeconds(RunningLoadBalancer.CLOSE_SLACK_SECONDS));
            } finally {
                lb.dispose();
                events.close();
            }
        }
    }

    // ---- parameters ----

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RunningLoadBalancer.class || type == EventLog.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return parameter.getParameter().getType() == EventLog.class ? events() : loadBalancer();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }
}
