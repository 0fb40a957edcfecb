package io.nlb4j.group.internal;

import io.nlb4j.group.InstanceContext;
import io.nlb4j.group.InstanceHandle;
import io.nlb4j.group.ProcessLauncher;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance running as an operating-system process. Blocking: used from worker threads only.
 */
public final class ProcessInstance implements InstanceHandle {

    private static final Logger log = LoggerFactory.getLogger("io.nlb4j.instance");
    private static final long READY_POLL_MILLIS = 50;

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
    public static ProcessInstance start(ProcessLauncher spec, InstanceContext context) throws IOException {
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
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean exited;
        try {
            exited = process.waitFor(gracePeriodMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            log.warn("instance {}: process {} did not exit within {} ms, killing it", instanceId, process.pid(),
                    gracePeriodMillis);
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(gracePeriodMillis + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("instance {}: process {} stopped", instanceId, process.pid());
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
        Thread t = new Thread(() -> {
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
        }, "nlb4j-instance-" + instanceId + (error ? "-err" : "-out"));
        t.setDaemon(true);
        t.start();
    }
}
