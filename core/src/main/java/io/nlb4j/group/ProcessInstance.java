package io.nlb4j.group;

import io.nlb4j.model.Durations;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance running as an operating-system process. Blocking: used from worker threads only.
 *
 * <p>Whatever happens after the process has started — it exits, it is not ready in time, the launch is aborted,
 * reading its output cannot start — the process and its descendants are stopped (a termination signal, then a kill
 * after the grace period) and gone before the launch fails. While it runs it is one of the {@link LiveProcesses},
 * which a shutdown hook stops if the JVM exits first.
 */
final class ProcessInstance implements InstanceHandle {

    private static final Logger log = LoggerFactory.getLogger("io.nlb4j.instance");
    private static final long READY_POLL_MILLIS = 50;
    /** The longest single connection attempt of the readiness check, so that an abort is seen promptly. */
    private static final long CONNECT_TIMEOUT_MILLIS = 250;
    private static final long KILL_WAIT_MILLIS = 5000;
    /**
     * Reads the processes' output: a blocking read per stream for each process's lifetime, on daemon threads
     * that end a second after their stream closes (never on Reactor's bounded pool, which a few processes would
     * exhaust), so that none outlives its instance for long.
     */
    private static final ExecutorService OUTPUT = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DaemonThreads.named("nlb4j-instance-output"));

    private final String instanceId;
    private final Process process;
    private final InetSocketAddress address;
    private final String endpoint;
    private final long gracePeriodMillis;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ProcessInstance(String instanceId, Process process, String host, int port, long gracePeriodMillis) {
        this.instanceId = instanceId;
        this.process = process;
        this.address = new InetSocketAddress(host, port);
        this.endpoint = host + ':' + port;
        this.gracePeriodMillis = gracePeriodMillis;
    }

    /**
     * Starts a process for an instance and waits until its port accepts connections.
     *
     * @param spec the launcher settings
     * @param context the instance
     * @param abort stops the launch while it is under way
     * @return the running instance
     * @throws IOException if the process cannot be started, exits early, is not ready in time or the launch is
     *         aborted; the process has been stopped by then
     */
    static ProcessInstance start(ProcessLauncher spec, InstanceContext context, LaunchAbort abort) throws IOException {
        return start(spec, context, abort, OUTPUT);
    }

    /**
     * Starts a process for an instance, its output read on {@code output}'s threads.
     *
     * @param spec the launcher settings
     * @param context the instance
     * @param abort stops the launch while it is under way
     * @param output runs the blocking reads of the process's output, one task per stream
     * @return the running instance
     * @throws IOException as {@link #start(ProcessLauncher, InstanceContext, LaunchAbort)}
     */
    static ProcessInstance start(ProcessLauncher spec, InstanceContext context, LaunchAbort abort, Executor output)
            throws IOException {
        String id = context.instanceId();
        abort.throwIfAborted(id);
        int port = context.port() != 0 ? context.port() : freePort(context.host());
        InstanceContext resolved = port == context.port() ? context : new InstanceContext(context.instanceId(),
                context.group(), context.zone(), context.host(), port, context.labels());
        List<String> command = spec.commandFor(resolved);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(spec.environmentFor(resolved));
        spec.workingDirectory().ifPresent(dir -> builder.directory(new File(dir)));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("instance " + id + ": cannot start " + command + ": " + Errors.sentence(e), e);
        }
        ProcessInstance instance = new ProcessInstance(id, process, context.host(), port,
                spec.stopGracePeriod().toMillis());
        // From here on, every way out but a ready instance stops the process before the launch fails.
        try {
            if (!LiveProcesses.add(instance)) {
                throw new IOException("instance " + id + ": the JVM is shutting down (expected: a running JVM)");
            }
            log.debug("instance {}: process {} started for {}: {}", id, process.pid(), instance.endpoint, command);
            pump(output, id, process.getInputStream(), false);
            pump(output, id, process.getErrorStream(), true);
            instance.awaitReady(spec.readyTimeout().toMillis(), abort);
        } catch (Throwable e) {
            instance.stop(false);
            throw e;
        }
        log.info("instance {}: started process {} for {}, accepting connections: {}", id, process.pid(),
                instance.endpoint, command);
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

    Process process() {
        return process;
    }

    long gracePeriodMillis() {
        return gracePeriodMillis;
    }

    /**
     * Stops the process and its descendants: a graceful termination signal to all of them, then, after the
     * grace period, a kill for any survivor; waits until they have exited. Completes its work even when the
     * calling thread is interrupted (the interrupt status is restored afterwards). Calling it again does
     * nothing.
     */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops the process (see {@link #close()}).
     *
     * @param running whether it was running as an instance (its stop is logged at INFO), or is the remains of a
     *        failed launch (logged at DEBUG: the failure is what gets reported)
     */
    private void stop(boolean running) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            boolean exited = terminate(List.of(process), gracePeriodMillis, KILL_WAIT_MILLIS, (pids, ms) -> {
                if (running) {
                    log.warn("instance {}: process {} did not exit within {} ms, killing {}", instanceId,
                            process.pid(), ms, pids);
                } else {
                    log.debug("instance {}: process {} did not exit within {} ms, killing {}", instanceId,
                            process.pid(), ms, pids);
                }
            });
            if (!exited) {
                log.warn("instance {}: process {} or one of its descendants was still running {} ms after being"
                        + " killed", instanceId, process.pid(), KILL_WAIT_MILLIS);
            } else if (running) {
                log.info("instance {}: process {} stopped", instanceId, process.pid());
            } else {
                log.debug("instance {}: process {} stopped", instanceId, process.pid());
            }
        } finally {
            LiveProcesses.remove(this);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops processes and their descendants: a termination signal to every one of them at once, a wait of up to
     * {@code graceMillis} for all to exit, then a kill for each survivor (and for any child a survivor started
     * meanwhile), and a wait of up to {@code killWaitMillis} for them to be gone. An interrupt does not cut the
     * waits short.
     *
     * @param roots the processes
     * @param graceMillis how long they have to exit after the termination signal
     * @param killWaitMillis how long to wait for killed processes
     * @param onKill told of the pids about to be killed and of the grace period, if any is
     * @return whether every process has exited
     */
    static boolean terminate(List<Process> roots, long graceMillis, long killWaitMillis,
                             BiConsumer<List<Long>, Long> onKill) {
        // Descendants first: once a parent has exited, its children are no longer found through it.
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        for (Process p : roots) {
            all.put(p.pid(), p.toHandle());
            p.descendants().forEach(d -> all.putIfAbsent(d.pid(), d));
        }
        for (Process p : roots) {
            p.destroy();
        }
        for (ProcessHandle h : all.values()) {
            if (!isRoot(h, roots)) {
                h.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        if (awaitAll(all.values(), deadline)) {
            return true;
        }
        for (ProcessHandle h : List.copyOf(all.values())) {
            if (h.isAlive()) {
                h.descendants().forEach(d -> all.putIfAbsent(d.pid(), d));
            }
        }
        List<Long> survivors = all.values().stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .toList();
        onKill.accept(survivors, graceMillis);
        for (Process p : roots) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle h : all.values()) {
            if (!isRoot(h, roots) && h.isAlive()) {
                h.destroyForcibly();
            }
        }
        return awaitAll(all.values(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killWaitMillis));
    }

    private static boolean isRoot(ProcessHandle h, List<Process> roots) {
        for (Process p : roots) {
            if (p.pid() == h.pid()) {
                return true;
            }
        }
        return false;
    }

    private static boolean awaitAll(Iterable<ProcessHandle> handles, long deadlineNanos) {
        boolean all = true;
        for (ProcessHandle h : handles) {
            all &= awaitExit(h, deadlineNanos);
        }
        return all;
    }

    /** Waits for a process to exit; an interrupt does not cut the wait short (it is kept for the caller). */
    private static boolean awaitExit(ProcessHandle handle, long deadlineNanos) {
        boolean interrupted = false;
        try {
            while (true) {
                if (!handle.isAlive()) {
                    return true;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException | ExecutionException e) {
                    return !handle.isAlive();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until the port accepts a connection; fails if the process exits first, the time is up or the launch
     * is aborted (seen within one poll, whatever the ready timeout).
     */
    private void awaitReady(long timeoutMillis, LaunchAbort abort) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            abort.throwIfAborted(instanceId);
            if (!process.isAlive()) {
                throw new IOException("instance " + instanceId + ": process " + process.pid() + " exited with code "
                        + process.exitValue() + " before accepting connections on " + endpoint);
            }
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try (Socket s = new Socket()) {
                s.connect(address, (int) Math.max(1, Math.min(CONNECT_TIMEOUT_MILLIS, leftMillis)));
                return;
            } catch (IOException notYet) {
                if (deadline - System.nanoTime() <= 0) {
                    throw new IOException("instance " + instanceId + ": process " + process.pid()
                            + " did not accept connections on " + endpoint + " within "
                            + Durations.format(Duration.ofMillis(timeoutMillis)));
                }
            }
            try {
                abort.await(READY_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw LaunchAbort.stopped(instanceId, "interrupted while waiting for it to accept connections");
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

    private static void pump(Executor output, String instanceId, InputStream stream, boolean error) {
        output.execute(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (error) {
                        log.warn("[{}] {}", instanceId, line);
                    } else {
                        log.info("[{}] {}", instanceId, line);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                log.debug("instance {}: output stream closed: {}", instanceId, Errors.sentence(e));
            }
        });
    }

    @Override
    public String toString() {
        return "process " + process.pid() + " of instance " + instanceId + " on " + endpoint;
    }
}
