package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.ProcessLauncher;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Runs real operating-system processes through {@link ProcessLauncher}. */
class ProcessGroupTest {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final List<ProcessInstance> started = new CopyOnWriteArrayList<>();
    private final List<ProcessHandle> leftovers = new CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (ProcessInstance p : started) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        leftovers.forEach(ProcessHandle::destroyForcibly);
    }

    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String testClasses() throws Exception {
        return Path.of(TinyEchoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** {@link TinyEchoMain} as a process; {@code port} is {@code {port}}, or {@code never} for one never ready. */
    static ProcessLauncher.Builder echoLauncher(String port, String... extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-Xmx32m", "-Xss256k",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", testClasses(), TinyEchoMain.class.getName(),
                port));
        command.addAll(List.of(extra));
        return ProcessLauncher.builder(command).readyTimeout(STARTUP).stopGracePeriod(Duration.ofSeconds(10));
    }

    private static ProcessLauncher echoLauncher() throws Exception {
        return echoLauncher("{port}").build();
    }

    /** The standard starter, keeping the process instances it starts. */
    private InstanceStarter recording() {
        return (launcher, context) -> InstanceStarter.standard().start(launcher, context)
                .doOnNext(h -> started.add((ProcessInstance) h));
    }

    @Test
    void aGroupOfTwoRealProcessesServesAndLeavesNothingBehind() throws Exception {
        AvailabilityGroup spec = AvailabilityGroup.builder("echo").region("r").vpc("v").zones("az-a", "az-b")
                .template(InstanceTemplate.builder("echo").launcher(echoLauncher()).port(0))
                .capacity(2, 2, 2).build();
        List<String> log = new CopyOnWriteArrayList<>();
        GroupMembership membership = new GroupMembership() {
            @Override
            public void register(InstanceInfo instance) {
                log.add("register:" + instance.id());
            }

            @Override
            public Mono<Void> deregister(InstanceInfo instance) {
                log.add("deregister:" + instance.id());
                return Mono.empty();
            }
        };
        GroupOptions options = GroupOptions.builder().starter(recording()).startTimeout(STARTUP).build();
        RunningAvailabilityGroup group = AvailabilityGroups.startNow(spec, membership, options);
        assertThat(group.instances()).hasSize(2).allMatch(i -> i.state() == InstanceState.IN_SERVICE);

        assertThat(group.instances()).extracting(InstanceInfo::zone).containsExactly("az-a", "az-b");
        assertThat(started).hasSize(2);
        for (InstanceInfo instance : group.instances()) {
            assertThat(instance.address()).isPresent();
            assertThat(instance.address().get().getPort()).isPositive();
            byte[] hello = ("hello " + instance.id()).getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket(instance.address().get().getAddress(), instance.address().get().getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(hello);
                out.flush();
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                assertThat(in.readAllBytes()).isEqualTo(hello);
            }
        }
        List<Long> pids = started.stream().map(ProcessInstance::pid).toList();
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid).toList()).containsAll(pids);

        StepVerifier.create(group.stop()).expectComplete().verify(Duration.ofSeconds(30));

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
                .doesNotContainAnyElementsOf(pids);
        // the control context the group made for itself is disposed with it, and its thread ends
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("nlb4j-group-echo")));
        for (String id : List.of("echo-1", "echo-2")) {
            assertThat(log).contains("register:" + id, "deregister:" + id);
        }
    }

    @Test
    void aProcessThatExitsBeforeAcceptingConnectionsFailsTheLaunch() {
        ProcessLauncher launcher = ProcessLauncher.builder("sh", "-c", "exit 3")
                .readyTimeout(Duration.ofSeconds(10)).build();
        StepVerifier.create(InstanceStarter.standard().start(launcher,
                        new InstanceContext("x-1", "x", "az-a", "127.0.0.1", 0, Map.of())))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("instance x-1")
                        .hasMessageContaining("exited with code 3"))
                .verify(Duration.ofSeconds(15));
    }

    /**
     * Cancelling a launch while its process starts stops the process. The process is never ready (and its ready
     * timeout far beyond the test's bounds), so the launch can only end by the cancellation, however slow the
     * machine: the test used to let an echo server become ready first when the machine was loaded, and then the
     * launch had delivered its instance before the cancellation, which no longer stopped anything.
     */
    @Test
    void theProcessGetsItsArgumentsAndEnvironmentWithPlaceholdersReplacedAndDoubledBracesSingle() throws Exception {
        InstanceContext context = new InstanceContext("web-7", "web", "az-b", "127.0.0.1", 0, Map.of());
        ProcessLauncher launcher = echoLauncher("{port}", "--label={{json}}-{instanceId}@{zone}/{group}")
                .environment(Map.of("NLB4J_MARK", "{{{instanceId}}}")).build();
        ProcessInstance p = (ProcessInstance) InstanceStarter.standard().start(launcher, context)
                .block(STARTUP.plusSeconds(10));
        started.add(p);
        ProcessHandle.Info info = ProcessHandle.of(p.pid()).orElseThrow().info();
        assertThat(info.arguments()).hasValueSatisfying(args -> assertThat(args)
                .endsWith(Integer.toString(p.address().getPort()), "--label={json}-web-7@az-b/web"));
        assertThat(java.nio.file.Files.readString(Path.of("/proc/" + p.pid() + "/environ")).split("\0"))
                .contains("NLB4J_MARK={web-7}");
        p.close();
    }

    @Test
    void cancellingALaunchStopsTheProcess() throws Exception {
        String marker = "cancel-" + java.util.UUID.randomUUID();
        ProcessLauncher launcher = echoLauncher("never", marker).readyTimeout(Duration.ofMinutes(10))
                .stopGracePeriod(Duration.ofSeconds(2)).build();
        List<InstanceHandle> delivered = new CopyOnWriteArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        Disposable launch = InstanceStarter.standard().start(launcher,
                        new InstanceContext("c-1", "c", "az-a", "127.0.0.1", 0, Map.of()))
                .subscribe(delivered::add, failed::add);
        ProcessHandle child = await().atMost(STARTUP).pollInterval(Duration.ofMillis(5))
                .until(() -> marked(marker).stream().findFirst(), Optional::isPresent)
                .orElseThrow();
        leftovers.add(child);

        launch.dispose();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> !child.isAlive());
        await().atMost(Duration.ofSeconds(10)).until(() -> LiveProcesses.count() == 0);
        assertThat(marked(marker)).isEmpty();
        assertThat(delivered).isEmpty(); // nothing reaches a cancelled subscriber
        assertThat(failed).isEmpty();
    }

    /** The live descendants of this JVM whose command line holds {@code marker}. */
    static List<ProcessHandle> marked(String marker) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).toList();
    }
}
