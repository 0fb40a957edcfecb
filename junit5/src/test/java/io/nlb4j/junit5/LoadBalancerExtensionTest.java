package io.nlb4j.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.nlb4j.balancer.Fault;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** The extension's lifecycle, per class and per test, its accessors, and its parameters. */
class LoadBalancerExtensionTest {

    static final EchoServer ECHO = TestServers.echo("echo-1");

    @AfterAll
    static void closeEcho() {
        ECHO.close();
    }

    static LoadBalancerExtension echoBalancer() {
        return LoadBalancerExtension.of(spec -> spec.listener(Listener.tcp(0).name("echo")
                .backendService(BackendService.builder("echo").healthCheck(HealthCheck.none())
                        .staticServers(TestServers.staticServer(ECHO)))));
    }

    static String echo(RunningLoadBalancer lb, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(lb.listeners().get(0).boundAddress(), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    private static void assertAllSucceeded(EngineExecutionResults results, int tests) {
        List<Event> failed = results.testEvents().failed().list();
        assertThat(failed).as("failed tests: %s", failed.stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload().orElse(null)).toList())
                .isEmpty();
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
        results.containerEvents().assertStatistics(s -> s.failed(0));
    }

    // ---- per class ----

    static final List<RunningLoadBalancer> SEEN_PER_CLASS = new CopyOnWriteArrayList<>();

    static class PerClass {
        @RegisterExtension
        static final LoadBalancerExtension lb = echoBalancer();

        @Test
        void first(RunningLoadBalancer running) throws IOException {
            SEEN_PER_CLASS.add(running);
            assertThat(running).isSameAs(lb.loadBalancer());
            assertThat(echo(running, "one")).isEqualTo("one");
        }

        @Test
        void second() throws IOException {
            SEEN_PER_CLASS.add(lb.loadBalancer());
            assertThat(lb.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(lb.port()).isEqualTo(lb.port("echo")).isPositive();
            assertThat(echo(lb.loadBalancer(), "two")).isEqualTo("two");
        }
    }

    @Test
    void aStaticExtensionRunsOneLoadBalancerForTheWholeClassAndStopsItAfter() {
        SEEN_PER_CLASS.clear();
        assertAllSucceeded(run(PerClass.class), 2);
        assertThat(SEEN_PER_CLASS).hasSize(2);
        assertThat(SEEN_PER_CLASS.get(0)).isSameAs(SEEN_PER_CLASS.get(1));
        assertThat(SEEN_PER_CLASS.get(0).onStopped().block(Duration.ofSeconds(10))).isNull(); // completed: stopped
        assertThatThrownBy(PerClass.lb::loadBalancer).isInstanceOf(IllegalStateException.class)
                .hasMessage("LoadBalancerExtension: the load balancer is not running: it has been stopped: the tests"
                        + " of LoadBalancerExtensionTest$PerClass have ended");
    }

    // ---- per test ----

    static final List<RunningLoadBalancer> SEEN_PER_TEST = new CopyOnWriteArrayList<>();

    static class PerTest {
        @RegisterExtension
        final LoadBalancerExtension lb = echoBalancer();

        @Test
        void first(EventLog events) throws IOException {
            SEEN_PER_TEST.add(lb.loadBalancer());
            assertThat(events).isSameAs(lb.events());
            assertThat(echo(lb.loadBalancer(), "a")).isEqualTo("a");
        }

        @Test
        void second() throws IOException {
            SEEN_PER_TEST.add(lb.loadBalancer());
            assertThat(echo(lb.loadBalancer(), "b")).isEqualTo("b");
        }
    }

    @Test
    void anInstanceExtensionRunsALoadBalancerPerTest() {
        SEEN_PER_TEST.clear();
        assertAllSucceeded(run(PerTest.class), 2);
        assertThat(SEEN_PER_TEST).hasSize(2);
        assertThat(SEEN_PER_TEST.get(0)).isNotSameAs(SEEN_PER_TEST.get(1));
        for (RunningLoadBalancer lb : SEEN_PER_TEST) {
            assertThat(lb.onStopped().block(Duration.ofSeconds(10))).isNull();
        }
    }

    // ---- failures ----

    static class NoListener {
        @RegisterExtension
        static final LoadBalancerExtension lb = LoadBalancerExtension.of(spec -> { });

        @Test
        void neverRuns() {
        }
    }

    @Test
    void aStartThatFailsFailsTheClassWithTheSpecificationsProblem() {
        EngineExecutionResults results = run(NoListener.class);
        results.testEvents().assertStatistics(s -> s.started(0));
        Throwable failure = results.containerEvents().failed().list().get(0).getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("listeners");
        assertThatThrownBy(NoListener.lb::address).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("its start failed");
    }

    @Test
    void accessorsFailClearlyBeforeTheStart() {
        LoadBalancerExtension lb = echoBalancer();
        String expected = "LoadBalancerExtension: the load balancer is not running: it has not been started yet";
        assertThatThrownBy(lb::loadBalancer).isInstanceOf(IllegalStateException.class).hasMessage(expected);
        assertThatThrownBy(lb::address).isInstanceOf(IllegalStateException.class).hasMessage(expected);
        assertThatThrownBy(lb::port).isInstanceOf(IllegalStateException.class).hasMessage(expected);
        assertThatThrownBy(lb::events).isInstanceOf(IllegalStateException.class).hasMessage(expected);
        assertThatThrownBy(() -> lb.backendService("echo")).isInstanceOf(IllegalStateException.class)
                .hasMessage(expected);
    }

    @Test
    void aSubclassWithoutConfigureIsToldWhatToDo() {
        LoadBalancerExtension lb = new LoadBalancerExtension() { };
        assertThatThrownBy(() -> lb.beforeAll(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("override configure(LoadBalancerSpec.Builder)");
    }

    @Test
    void aNegativeDrainIsRefused() {
        assertThatThrownBy(() -> echoBalancer().drainTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("drainTimeout: PT-1S (expected: zero or a positive duration)");
    }

    // ---- faults for one test ----

    static final List<String> FAULT_CHECKS = new CopyOnWriteArrayList<>();

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FaultsPerTest {
        @RegisterExtension
        static final LoadBalancerExtension lb = echoBalancer();

        @Test
        @Order(1)
        void aFaultActsDuringTheTestThatPutItThere() throws IOException {
            lb.fault(Fault.latency(Duration.ofMillis(400), Duration.ZERO));
            long t0 = System.nanoTime();
            assertThat(echo(lb.loadBalancer(), "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(380));
            FAULT_CHECKS.add("delayed");
        }

        @Test
        @Order(2)
        void andIsGoneForTheNext() throws IOException {
            assertThat(lb.events().ofType(LoadBalancerEvent.FaultRemoved.class)).hasSize(1);
            assertThat(echo(lb.loadBalancer(), "fast")).isEqualTo("fast");
            FAULT_CHECKS.add("removed");
        }
    }

    @Test
    void faultsPutInPlaceThroughTheExtensionLastForTheirTest() {
        FAULT_CHECKS.clear();
        assertAllSucceeded(run(FaultsPerTest.class), 2);
        assertThat(FAULT_CHECKS).containsExactly("delayed", "removed");
    }

    static class UnnamedListener {
        @RegisterExtension
        static final LoadBalancerExtension lb = LoadBalancerExtension.of(spec -> spec.listener(Listener.tcp(0)
                .backendService(BackendService.builder("echo").healthCheck(HealthCheck.none())
                        .staticServers(TestServers.staticServer(ECHO)))));

        @Test
        void asksForAName() {
            assertThatThrownBy(() -> lb.fault(Fault.down())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no name (expected: a named listener");
        }
    }

    @Test
    void aFaultOnAnUnnamedFirstListenerAsksForAName() {
        assertAllSucceeded(run(UnnamedListener.class), 1);
    }

    // ---- the event log through the extension ----

    static final List<LoadBalancerEvent> STOP_EVENTS = new CopyOnWriteArrayList<>();

    static class EventsPerClass {
        @RegisterExtension
        static final LoadBalancerExtension lb = echoBalancer();

        @Test
        void recordsEventsFromTheStart() {
            // Nothing has happened since the start but the start itself; a server added now is seen.
            try (EchoServer extra = TestServers.echo("echo-2")) {
                lb.backendService("echo").addServer(extra.address(), 1).block(Duration.ofSeconds(5));
                STOP_EVENTS.add(lb.events().await(LoadBalancerEvent.ServerAdded.class,
                        e -> e.server().equals(extra.address()), Duration.ofSeconds(5)));
            }
        }
    }

    @Test
    void theEventLogRecordsTheLoadBalancersEvents() {
        STOP_EVENTS.clear();
        assertAllSucceeded(run(EventsPerClass.class), 1);
        assertThat(STOP_EVENTS).singleElement().isInstanceOf(LoadBalancerEvent.ServerAdded.class);
    }
}
