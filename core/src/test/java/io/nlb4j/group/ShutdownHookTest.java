package io.nlb4j.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A JVM that exits while instances run, or are still launching, leaves no process behind. */
class ShutdownHookTest {

    private final List<Long> pids = new ArrayList<>();
    private Process jvm;

    @AfterEach
    void killLeftovers() {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (jvm != null) {
            jvm.destroyForcibly();
        }
    }

    @Test
    void theJvmExitingStopsItsInstanceProcessesAndTheirChildren() throws Exception {
        String marker = "exit-" + UUID.randomUUID();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        jvm = new ProcessBuilder(ProcessGroupTest.java(), "-cp", classPath, ExitWithInstancesMain.class.getName(),
                ProcessGroupTest.java(), ProcessGroupTest.testClasses(), marker)
                .redirectError(ProcessBuilder.Redirect.to(new File(System.getProperty("java.io.tmpdir"),
                        "nlb4j-exit-with-instances.log")))
                .start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(),
                StandardCharsets.UTF_8))) {
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("PIDS ") && !line.equals("TIMEOUT"));
        }
        assertThat(line).as("the child JVM's report").isNotNull().startsWith("PIDS ");
        Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).forEach(pids::add);
        // the echo server's JVM, the sleep its shell left, and the JVM still launching
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
        assertThat(jvm.exitValue()).isZero();

        for (long pid : pids) {
            await("process " + pid + " gone").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
        }
    }
}
