package io.nlb4j.balancer.group;

import static io.nlb4j.balancer.group.GroupSpecs.settledAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.ProcessLauncher;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * A group whose template starts real operating-system processes ({@link TinyServerMain}, from this module's test
 * classes): they serve byte-checked traffic through the load balancer, scaling in stops one, and closing the
 * load balancer stops the rest; no process is left behind.
 */
class ProcessInstancesThroughLoadBalancerTest {

    private static final String GROUP = "proc-ag";
    /** A JVM starting on a busy machine can be slow. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Timeline timeline = new Timeline();

    @AfterEach
    void killLeftovers() {
        ourProcesses().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void realProcessesServeThroughTheLoadBalancerAndNoneIsLeftBehind() throws Exception {
        AvailabilityGroup group = GroupSpecs.group(GROUP, launcher(), "az-a", "az-b").capacity(1, 2, 2).build();
        List<ProcessHandle> started;
        RunningLoadBalancer lb = NetworkLoadBalancer.startNow(
                GroupSpecs.loadBalancer("process-lb", group, Duration.ofSeconds(2)), GroupSpecs.options());
        try {
            Disposable following = timeline.follow(lb, GROUP);
            List<InstanceInfo> instances = GroupSpecs.awaitSettledAt(lb, GROUP, 2, STARTUP);
            Map<Integer, ProcessHandle> byPort = ourProcesses().collect(Collectors.toMap(
                    ProcessInstancesThroughLoadBalancerTest::portArgument, p -> p));
            // one process per instance, each listening on the port its instance was registered with
            assertThat(byPort.keySet()).containsExactlyInAnyOrderElementsOf(instances.stream()
                    .map(i -> i.address().orElseThrow().getPort()).collect(Collectors.toList()));
            started = List.copyOf(byPort.values());

            InetSocketAddress address = lb.listener(0).boundAddress();
            for (int i = 0; i < 20; i++) {
                assertEchoed(address, 1 + ThreadLocalRandom.current().nextInt(64 * 1024));
            }
            assertThat(lb.backendService(GroupSpecs.SERVICE).servers()).hasSize(2)
                    .allSatisfy(s -> assertThat(s.totalConnections()).as("connections to %s", s.address())
                            .isPositive());

            // Scale in while clients keep going: one process stops, after its server was drained.
            Traffic traffic = new Traffic(address, timeline, 4, 1, 10, 400);
            try {
                await().atMost(STARTUP).until(() -> traffic.succeeded() >= 50 || traffic.failed() > 0);
                lb.availabilityGroup(GROUP).setDesiredCapacity(1).block(STARTUP);
                await().atMost(STARTUP).until(() -> settledAt(lb, GROUP, 1));
                long before = traffic.succeeded();
                await().atMost(STARTUP).until(() -> traffic.succeeded() >= before + 50 || traffic.failed() > 0);
            } finally {
                traffic.close();
            }
            assertThat(traffic.failures()).isEmpty();
            assertThat(traffic.failed()).isZero();
            assertThat(traffic.mismatched()).isZero();

            InstanceInfo kept = lb.availabilityGroup(GROUP).instances().get(0);
            InstanceInfo gone = instances.stream().filter(i -> !i.id().equals(kept.id())).findFirst().orElseThrow();
            // the terminated instance's process has exited (its handle waits for the exit); the other runs on
            assertThat(byPort.get(gone.address().orElseThrow().getPort()).isAlive()).as("process of %s", gone.id())
                    .isFalse();
            assertThat(byPort.get(kept.address().orElseThrow().getPort()).isAlive()).as("process of %s", kept.id())
                    .isTrue();
            // the group drained the instance for the scale-in, the load balancer removed its server once drained,
            // and only then was its process stopped
            Timeline.Entry<GroupEvent.Draining> draining = timeline.get(GroupEvent.Draining.class, gone.id());
            assertThat(draining.event().reason()).isEqualTo(GroupEvent.DrainReason.SCALE_IN);
            Timeline.Entry<LoadBalancerEvent.ServerRemoved> removed = timeline.get(LoadBalancerEvent.ServerRemoved.class,
                    GroupSpecs.address(gone));
            assertThat(removed.event().outcome()).as("%s", timeline.describe())
                    .isIn(LoadBalancerEvent.RemovalOutcome.DRAINED, LoadBalancerEvent.RemovalOutcome.NO_CONNECTIONS);
            Timeline.Entry<GroupEvent.Terminated> terminated = timeline.get(GroupEvent.Terminated.class, gone.id());
            assertThat(terminated.event().error()).isEmpty();
            assertThat(List.of(draining.seq(), removed.seq(), terminated.seq())).as("%s", timeline.describe())
                    .isSorted().doesNotHaveDuplicates();
            assertThat(lb.backendService(GroupSpecs.SERVICE).servers()).extracting(ServerStats::address)
                    .containsExactly(kept.address().orElseThrow());
            assertEchoed(address, 10_000);
            following.dispose();
        } finally {
            lb.close();
        }
        // closing the load balancer stopped the group, and with it every process
        await().atMost(Duration.ofSeconds(30)).until(() -> ourProcesses().findAny().isEmpty());
        assertThat(started).hasSize(2).noneMatch(ProcessHandle::isAlive);
    }

    private static ProcessLauncher launcher() throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classes = Path.of(TinyServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return ProcessLauncher.builder(java, "-Xmx32m", "-Xss256k", "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC", "-cp", classes, TinyServerMain.class.getName(), "{port}")
                .readyTimeout(STARTUP).stopGracePeriod(Duration.ofSeconds(10)).build();
    }

    /** This JVM's descendants running {@link TinyServerMain}. */
    private static Stream<ProcessHandle> ourProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(TinyServerMain.class.getName())).orElse(false));
    }

    private static int portArgument(ProcessHandle p) {
        String[] args = p.info().arguments().orElseThrow(() -> new AssertionError("no arguments for process " + p));
        return Integer.parseInt(args[args.length - 1]);
    }

    /** Sends random bytes through the load balancer, half-closes, and checks that exactly they come back. */
    private static void assertEchoed(InetSocketAddress address, int size) throws Exception {
        byte[] sent = new byte[size];
        ThreadLocalRandom.current().nextBytes(sent);
        try (Socket s = new Socket()) {
            s.connect(address, 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(sent);
                    s.shutdownOutput();
                } catch (Exception e) {
                    // the read below fails
                }
            }, "echo-writer");
            writer.start();
            byte[] back = in.readAllBytes();
            writer.join(10_000);
            assertThat(back.length).isEqualTo(sent.length);
            assertThat(Arrays.equals(sent, back)).as("echo of %d random bytes", size).isTrue();
        }
    }
}
