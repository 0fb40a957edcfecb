package io.nlb4j.group;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.ProcessLauncher;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * A JVM that exits while its instances run, run as a process by {@link ShutdownHookTest}:
 * {@code java -cp <test class path> io.nlb4j.group.ExitWithInstancesMain <java> <test classes> <marker>}. It starts
 * a group of one echo server (through a shell that also leaves a child of its own behind it) and one launch that is
 * never ready, prints {@code PIDS} and the pids of all its descendants, then exits without stopping anything.
 */
public final class ExitWithInstancesMain {

    private ExitWithInstancesMain() {
    }

    /**
     * Runs it.
     *
     * @param args the java command, the test classes directory and a marker for the processes' command lines
     */
    public static void main(String[] args) {
        String java = args[0];
        String classes = args[1];
        String marker = args[2];
        ProcessLauncher echo = ProcessLauncher.builder("sh", "-c",
                        "sleep 86399 & exec \"$0\" -Xmx32m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \"$1\" "
                                + TinyEchoMain.class.getName() + " \"$2\" \"$3\"", java, classes, "{port}", marker)
                .readyTimeout(Duration.ofSeconds(60)).stopGracePeriod(Duration.ofSeconds(10)).build();
        AvailabilityGroup spec = AvailabilityGroup.builder("exiting").region("r").vpc("v").zones("az-a")
                .template(InstanceTemplate.builder("t").launcher(echo).port(0)).capacity(Capacity.of(1, 1, 1)).build();
        AvailabilityGroups.startNow(spec, new GroupMembership() {
            @Override
            public void register(InstanceInfo instance) {
            }

            @Override
            public Mono<Void> deregister(InstanceInfo instance) {
                return Mono.empty();
            }
        }, GroupOptions.builder().startTimeout(Duration.ofSeconds(60)).build());

        ProcessLauncher never = ProcessLauncher.builder(java, "-Xmx32m", "-cp", classes, TinyEchoMain.class.getName(),
                "never", marker).readyTimeout(Duration.ofMinutes(10)).build();
        InstanceStarter.standard().start(never, new InstanceContext("n-1", "n", "az-a", "127.0.0.1", 0, Map.of()))
                .subscribe(handle -> { }, error -> System.err.println("the launch that is never ready ended: "
                        + error.getMessage()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // both JVMs (each with the marker) and the shell's sleep
        while (ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count() < 3
                || LiveProcesses.count() < 2) {
            if (System.nanoTime() > deadline) {
                System.out.println("TIMEOUT");
                System.exit(2);
            }
            Thread.onSpinWait();
        }
        System.out.println("PIDS " + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> Long.toString(p.pid())).collect(Collectors.joining(" ")));
        System.out.flush();
        System.exit(0);
    }
}
