package io.nlb4j.group;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.ProcessLauncher;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance running as an operating-system process. Blocking: used from worker threads only.
 */
final class ProcessInstance implements InstanceHandle {

    private static final Logger log = LoggerFactory.getLogger("io.nlb4j.instance");
    private static final long READY_POLL_MILLIS = 50;
    private static final long KILL_WAIT_MILLIS = 5000;
    /**
     * Reads the processes' output: a blocking read per stream for each process's lifetime, on daemon threads
     * that end once their stream closes (never on Reactor's bounded pool, which a few processes would exhaust).
     */
    private static final ExecutorService OUTPUT = Executors.newCachedThreadPool(
            DaemonThreads.named("nlb4j-instance-output"));

    private final String instanceId;
    private final Process process;
    private final InetSocketAddress address;
    private final long gracePeriodMillis;

    private ProcessInstance(String instanceId, Process process, InetSocketAddress address, long gracePeriodMillis) {
        this.instanceId = instanceId;
        this.process = process;
        this.address = address;
        this.gracePeriodMillis = gracePeriodMillis;
    }

    /**
     * Starts a process for an instance and waits until its port accepts connections.
     *
     * @param spec the launcher settings
     * @param context the instance
     * @return the running instance
     * @throws IOException if the process cannot be started, exits early or is not ready in time
     */
    static ProcessInstance start(ProcessLauncher spec, InstanceContext context) throws IOException {
        int port = context.port() != 0 ? context.port() : freePort(context.host());
        List<String> command = new ArrayList<>(spec.command().size());
        for (String arg : spec.command()) {
            command.add(substitute(arg, context, port));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        for (Map.Entry<String, String> e : spec.environment().entrySet()) {
            builder.environment().put(e.getKey(), substitute(e.getValue(), context, port));
        }
        spec.workingDirectory().ifPresent(dir -> builder.directory(new File(dir)));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("instance " + context.instanceId() + ": cannot start " + command + ": "
                    + e.getMessage(), e);
        }
        log.info("instance {}: started process {} for {}:{}: {}", context.instanceId(), process.pid(),
                context.host(), port, command);
        pump(context.instanceId(), process.getInputStream(), false);
        pump(context.instanceId(), process.getErrorStream(), true);
        InetSocketAddress address = new InetSocketAddress(context.host(), port);
        ProcessInstance instance = new ProcessInstance(context.instanceId(), process, address,
                spec.stopGracePeriod().toMillis());
        try {
            instance.awaitReady(spec.readyTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            instance.close();
            throw e;
        }
        return instance;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Returns the process's id.
     *
     * @return the pid
     */
    long pid() {
        return process.pid();
    }

    /**
     * Stops the process and its descendants: a graceful termination signal to all of them, then, after the
     * grace period, a kill for any survivor; waits until they have exited. Completes its work even when the
     * calling thread is interrupted (the interrupt status is restored afterwards). Calling it again does
     * nothing.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            List<ProcessHandle> descendants = process.descendants().toList();
            if (process.isAlive()) {
                process.destroy();
                descendants.forEach(ProcessHandle::destroy);
                if (!awaitExit(process.toHandle(), gracePeriodMillis)) {
                    log.warn("instance {}: process {} did not exit within {} ms, killing it", instanceId,
                            process.pid(), gracePeriodMillis);
                    process.destroyForcibly();
                }
            }
            for (ProcessHandle descendant : descendants) {
                if (descendant.isAlive() && !awaitExit(descendant, 0)) {
                    descendant.destroyForcibly();
                }
            }
            boolean exited = awaitExit(process.toHandle(), KILL_WAIT_MILLIS);
            for (ProcessHandle descendant : descendants) {
                exited &= awaitExit(descendant, KILL_WAIT_MILLIS);
            }
            if (exited) {
                log.info("instance {}: process {} stopped", instanceId, process.pid());
            } else {
                log.warn("instance {}: process {} or one of its descendants was still running {} ms after being"
                        + " killed", instanceId, process.pid(), KILL_WAIT_MILLIS);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for a process to exit; an interrupt does not cut the wait short (it is kept for the caller). */
    private static boolean awaitExit(ProcessHandle handle, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean interrupted = false;
        try {
            while (true) {
                if (!handle.isAlive()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.TimeoutException e) {
                    return !handle.isAlive();
                } catch (java.util.concurrent.ExecutionException e) {
                    return !handle.isAlive();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("instance " + instanceId + ": process " + process.pid()
                        + " exited with code " + process.exitValue() + " before accepting connections on " + address);
            }
            try (Socket s = new Socket()) {
                s.connect(address, (int) Math.max(1, Math.min(1000, timeoutMillis)));
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("instance " + instanceId + ": process " + process.pid()
                            + " did not accept connections on " + address + " within " + timeoutMillis + " ms");
                }
            }
            try {
                Thread.sleep(READY_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("instance " + instanceId + ": interrupted while waiting for readiness", e);
            }
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    static String substitute(String text, InstanceContext context, int port) {
        return text.replace("{port}", Integer.toString(port))
                .replace("{host}", context.host())
                .replace("{instanceId}", context.instanceId())
                .replace("{zone}", context.zone())
                .replace("{group}", context.group());
    }

    private static void pump(String instanceId, InputStream stream, boolean error) {
        OUTPUT.execute(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (error) {
                        log.warn("[{}] {}", instanceId, line);
                    } else {
                        log.info("[{}] {}", instanceId, line);
                    }
                }
            } catch (IOException e) {
                log.debug("instance {}: output stream closed: {}", instanceId, e.toString());
            } catch (UncheckedIOException e) {
                log.debug("instance {}: output stream failed: {}", instanceId, e.toString());
            }
        });
    }
}
