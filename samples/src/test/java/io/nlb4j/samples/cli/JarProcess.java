package io.nlb4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command-line runner ({@code java -jar samples/target/nlb4j.jar ...}) as an operating-system process,
 * for the integration tests: its standard output and error are collected as they come, every wait is
 * bounded, and {@link #close()} kills it and every process it started, whatever happened.
 */
final class JarProcess implements AutoCloseable {

    /** JVM flags that make the short-lived JVMs of these tests start with less CPU on a small machine. */
    static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private static final Pattern LISTENING = Pattern.compile("listening on /([0-9.]+):(\\d+)");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outPump;
    private final Thread errPump;

    private JarProcess(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), stdout, "out");
        this.errPump = pump(process.getErrorStream(), stderr, "err");
    }

    /** The jar under test, as built by the package phase; failsafe passes its path. */
    static Path jar() {
        String path = System.getProperty("nlb4j.jar");
        assertThat(path).as("system property nlb4j.jar (set by failsafe: run with mvn verify)").isNotBlank();
        Path jar = Path.of(path);
        assertThat(jar).as("the executable jar (built by mvn package)").isRegularFile();
        return jar;
    }

    /** The java launcher of this JVM. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The directory or jar holding this test's classes, such as {@link EchoMain}: a class path for instances. */
    static String testClassPath() {
        try {
            return Path.of(EchoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code java -jar nlb4j.jar args...}.
     *
     * @param args the command line
     * @return the running process
     * @throws IOException if it cannot be started
     */
    static JarProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /**
     * Starts {@code java -jar nlb4j.jar ARGS} with more environment variables.
     *
     * @param environment the variables to add to this process's
     * @param args the command line
     * @return the process
     * @throws IOException if it cannot be started
     */
    static JarProcess start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(QUICK_JVM);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return new JarProcess(builder.start());
    }

    /** The outcome of a command run to completion. */
    record Result(int exitCode, String stdout, String stderr) {

        /** Both streams, for messages and for checks that apply to all output. */
        String output() {
            return stdout + stderr;
        }

        /** The non-blank lines of standard error. */
        List<String> errorLines() {
            return stderr.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }
    }

    /**
     * Runs a command to completion.
     *
     * @param timeout how long it may take
     * @param args the command line
     * @return its exit code and output
     * @throws Exception if it cannot be started or does not exit in time
     */
    static Result run(Duration timeout, String... args) throws Exception {
        try (JarProcess p = start(args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.stdout(), p.stderr());
        }
    }

    Process process() {
        return process;
    }

    String stdout() {
        return stdout.toString();
    }

    String stderr() {
        return stderr.toString();
    }

    /** Both streams, for assertion messages. */
    String output() {
        return "--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }

    /**
     * Waits until standard output has a match for a pattern.
     *
     * @param pattern what to find
     * @param timeout how long to wait
     * @return the first match
     * @throws AssertionError if there is none in time or the process exits first, with the output so far
     */
    Matcher awaitOutput(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(stdout);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                outPump.join(2000);
                m = pattern.matcher(stdout);
                if (m.find()) {
                    return m;
                }
                throw new AssertionError("the process exited with " + process.exitValue() + " before printing /"
                        + pattern + "/\n" + output());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no /" + pattern + "/ within " + timeout.toMillis() + " ms\n" + output());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for the runner's {@code listening on /ADDRESS:PORT} line.
     *
     * @param timeout how long to wait
     * @return the listener's address
     */
    InetSocketAddress awaitListening(Duration timeout) throws InterruptedException {
        Matcher m = awaitOutput(LISTENING, timeout);
        return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
    }

    /**
     * Waits for the process to exit, and for its output to be read to the end.
     *
     * @param timeout how long to wait
     * @return the exit code
     * @throws AssertionError if it is still running after the timeout
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not exit within " + timeout.toMillis() + " ms\n" + output());
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    /**
     * Sends SIGTERM (on Linux and macOS), as a service manager or {@code kill} would to ask it to stop. Through
     * the process handle: {@link Process#destroy()} sends the same signal but also closes the pipes of the
     * process's output on Linux, after which nothing more it prints could be read.
     */
    void terminate() {
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
    }

    /** Sends SIGKILL, as a crash would end it: nothing in the process runs after it, no shutdown hook. */
    void kill() {
        assertThat(process.toHandle().destroyForcibly()).as("SIGKILL sent").isTrue();
    }

    /** Kills the process and every process it started, if still running, and waits (bounded) for them to go. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle d : descendants) {
            try {
                d.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the tests that care; this is only clean-up
            }
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        outPump.join(2000);
        errPump.join(2000);
    }

    private static Thread pump(InputStream in, StringBuffer into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "jar-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ---- traffic ----

    /** Random bytes. */
    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a payload through an echo server's connection (writing on another thread, then half-closing) and
     * reads everything back until the server closes.
     *
     * @param address where to connect
     * @param payload what to send
     * @return what came back
     */
    static byte[] echo(InetSocketAddress address, byte[] payload) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(10_000);
            CompletableFuture<Void> written = new CompletableFuture<>();
            Thread writer = new Thread(() -> { // its own thread: the common pool may have a single one
                try {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    written.complete(null);
                } catch (IOException | RuntimeException e) {
                    written.completeExceptionally(e);
                }
            }, "echo-writer");
            writer.setDaemon(true);
            writer.start();
            byte[] back = s.getInputStream().readAllBytes();
            written.get(10, TimeUnit.SECONDS);
            return back;
        }
    }

    /** Writes a YAML file. */
    static Path writeYaml(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml, StandardCharsets.UTF_8);
    }

    /** A YAML double-quoted string. */
    static String yamlString(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
