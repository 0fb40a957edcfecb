package io.nlb4j.samples.cli;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.SocketTransport;
import io.nlb4j.balancer.toxiproxy.ToxiproxyApi;
import io.nlb4j.config.ConfigException;
import io.nlb4j.control.Failures;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.Durations;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Violation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import reactor.core.Disposable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nlb4j run --config FILE}: runs a load balancer until SIGINT or SIGTERM, then drains and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:stopped by SIGINT or SIGTERM after draining",
            "1:the file is missing or invalid, or the load balancer could not start",
            "2:a usage mistake"},
        description = {"Runs a load balancer from a specification file until interrupted.",
                "SIGINT or SIGTERM stops accepting connections, drains open ones and exits 0.",
                "SIGHUP reloads the file into the running load balancer (so does --watch, on each change): what did",
                "not change is untouched, and a reload that fails keeps the running configuration."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("nlb4j");
    /** Beyond the drain timeout: time for closing connections, terminating instances, releasing threads. */
    private static final long STOP_SLACK_MILLIS = 60_000;

    @CommandLine.Mixin
    ConfigFile configFile;

    @Option(names = "--bind-address", paramLabel = "ADDRESS", defaultValue = LoadBalancerOptions.DEFAULT_BIND_ADDRESS,
            converter = BindAddressConverter.class,
            description = "The local address listeners bind to (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long open connections may continue at stop, such as 30s "
                    + "(default: the longest connection draining timeout of the backend services).")
    Duration drainTimeout;

    @Option(names = "--transport", paramLabel = "TRANSPORT", defaultValue = "AUTO",
            description = "The socket transport: AUTO (io_uring, else epoll, else NIO: the first available here),"
                    + " IO_URING, EPOLL or NIO (default: ${DEFAULT-VALUE}).")
    SocketTransport transport;

    @Option(names = "--watch",
            description = "Reload the file whenever it changes, edited in place or replaced by a rename, as SIGHUP"
                    + " does: the changes apply to the running load balancer; a reload that fails logs its problems"
                    + " and keeps the running configuration (default: off).")
    boolean watch;

    @Option(names = "--access-log",
            description = "Log each finished connection, one line to the logger nlb4j.access: client, listener,"
                    + " service, server, bytes each way, connect time, duration and how it ended (default: off).")
    boolean accessLog;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Serve the admin endpoint on this port: /metrics (Prometheus), /api/status (JSON) and a"
                    + " live status page at / (default: off; 0 picks a free port).")
    Integer adminPort;

    @Option(names = "--admin-address", paramLabel = "ADDRESS", defaultValue = LoadBalancerOptions.DEFAULT_ADMIN_ADDRESS,
            converter = BindAddressConverter.class,
            description = "The local address the admin endpoint binds to (default: ${DEFAULT-VALUE}, loopback only).")
    String adminAddress;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Require the bearer token in this file (its first line) of every admin request; requests"
                    + " without it get 401 (default: no token).")
    Path adminTokenFile;

    @Option(names = "--toxiproxy-api", paramLabel = "[ADDRESS:]PORT", converter = ToxiproxyAddressConverter.class,
            description = "Also serve a Toxiproxy-compatible HTTP API there (such as 8474, on 127.0.0.1, or"
                    + " 127.0.0.1:8474): Toxiproxy clients create proxies and toxics, run as nlb4j load balancers"
                    + " and faults (default: off).")
    InetSocketAddress toxiproxyApi;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LoadBalancerSpec lb;
        try {
            lb = SpecFiles.read(configFile.path);
        } catch (ConfigException e) {
            err.println("nlb4j: " + e.getMessage());
            err.flush();
            return Nlb4j.FAILED;
        }
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().bindAddress(bindAddress)
                .transport(transport).accessLog(accessLog);
        if (adminPort != null) {
            try {
                options.admin(adminAddress, adminPort);
            } catch (IllegalArgumentException e) {
                err.println("nlb4j: --admin-port: " + adminPort + " (expected: 0 to 65535)");
                err.flush();
                return Nlb4j.USAGE;
            }
            if (adminTokenFile != null) {
                try {
                    options.adminToken(readToken(adminTokenFile));
                } catch (IllegalArgumentException e) {
                    err.println("nlb4j: --admin-token-file: " + adminTokenFile + ": " + e.getMessage());
                    err.flush();
                    return Nlb4j.FAILED;
                }
            }
        } else if (adminTokenFile != null) {
            err.println("nlb4j: --admin-token-file: " + adminTokenFile + " (expected: with --admin-port)");
            err.flush();
            return Nlb4j.USAGE;
        }
        ToxiproxyApi api = null;
        if (toxiproxyApi != null) {
            try {
                api = ToxiproxyApi.start(toxiproxyApi, LoadBalancerOptions.builder().transport(transport).build());
            } catch (UncheckedIOException e) {
                err.println("nlb4j: --toxiproxy-api: " + e.getMessage());
                err.flush();
                return Nlb4j.FAILED;
            }
            log.info("toxiproxy API listening on {}", api.address());
        }
        try {
            return run(lb, options.build(), err);
        } finally {
            if (api != null) {
                api.close();
            }
        }
    }

    /**
     * The token in a file: its first line, without surrounding blanks.
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    private static String readToken(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file (expected: a file holding the admin endpoint's bearer"
                    + " token)", e);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot be read: " + Failures.sentence(e) + " (expected: a readable"
                    + " file of printable ASCII)", e);
        }
        String first = text.lines().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("empty (expected: the token on its first line)");
        }
        return first;
    }

    private int run(LoadBalancerSpec lb, LoadBalancerOptions options, PrintWriter err) {
        // Signals are handled from before the start: a signal during the start cancels it, which stops what it
        // launched (instances under way are abandoned at once), rather than killing the JVM and orphaning them.
        AtomicBoolean stopRequested = new AtomicBoolean();
        AtomicReference<RunningLoadBalancer> current = new AtomicReference<>();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        CompletableFuture<RunningLoadBalancer> started = new CompletableFuture<>();
        AtomicReference<Disposable> starting = new AtomicReference<>();
        Signals.onTermination(() -> {
            // The drain of the specification running now: a reload may have changed it.
            RunningLoadBalancer now = current.get();
            Duration drain = drainTimeout != null ? drainTimeout
                    : (now != null ? now.spec() : lb).longestConnectionDraining();
            if (stopRequested.getAndSet(true)) {
                log.info("already stopping, draining for up to {}", Durations.format(drain));
                return;
            }
            RunningLoadBalancer r = current.get();
            if (r != null) {
                stop(r, drain);
            } else {
                log.info("stopping during the start: the start is cancelled and what it launched is stopped");
                Disposable s = starting.get();
                if (s != null) {
                    s.dispose();
                }
                started.cancel(false);
                return;
            }
            // Where signals fall back to a shutdown hook, the JVM must not halt before the stop is done.
            try {
                stopped.get(drain.toMillis() + STOP_SLACK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("the load balancer did not stop in time");
            }
        });
        AtomicReference<Reloader> reloader = new AtomicReference<>();
        Signals.onHangUp(() -> {
            Reloader r = reloader.get();
            if (r == null) {
                log.info("not started yet: nothing to reload");
            } else if (!stopRequested.get()) {
                r.reload("SIGHUP");
            }
        });
        starting.set(NetworkLoadBalancer.start(lb, options).subscribe(started::complete,
                started::completeExceptionally));
        if (stopRequested.get()) {
            starting.get().dispose(); // a signal came before the subscription was known
            started.cancel(false);
        }
        RunningLoadBalancer running;
        try {
            running = started.join();
        } catch (CancellationException e) {
            log.info("stopped before it had started");
            return 0;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        running.events().subscribe(e -> log.info("{}", e.description()));
        for (RunningListener l : running.listeners()) {
            log.info("listener {} -> backend service {}: listening on {}", l.spec().port(),
                    l.backendService().spec().name(), l.boundAddress());
        }
        current.set(running);
        Reloader reloads = new Reloader(configFile.path, running);
        if (watch) {
            try {
                reloads.watch();
            } catch (IOException e) {
                log.warn("--watch: {} cannot be watched ({}); reload with SIGHUP", configFile.path,
                        Failures.sentence(e));
            }
        }
        reloader.set(reloads);
        if (stopRequested.get()) {
            stop(running, drainTimeout != null ? drainTimeout : running.spec().longestConnectionDraining());
        }
        running.onStopped().block();
        reloads.close();
        stopped.complete(null);
        log.info("stopped");
        return 0;
    }

    private static void stop(RunningLoadBalancer running, Duration drain) {
        log.info("stopping: no new connections; draining open connections for up to {}", Durations.format(drain));
        running.stop(drain).subscribe(null, e -> log.warn("stopping failed: {}", Failures.sentence(e)));
    }

    /** Takes an IP address or a host name that resolves; a blank or unresolvable one is a usage mistake. */
    static final class BindAddressConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String expected = " (expected: an IP address or host name of this host, such as 0.0.0.0 or 127.0.0.1";
            if (value.isBlank()) {
                throw new CommandLine.TypeConversionException(Violation.quoted(value) + expected + ')');
            }
            try {
                InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new CommandLine.TypeConversionException(Violation.quoted(value) + expected
                        + "; it does not resolve)");
            }
            return value;
        }
    }

    /** Reads {@code PORT} (on 127.0.0.1) or {@code ADDRESS:PORT} ({@code [::1]:PORT} for IPv6). */
    static final class ToxiproxyAddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            String expected = " (expected: [ADDRESS:]PORT, such as 8474 or 127.0.0.1:8474";
            int colon = value.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535 || host.isBlank()) {
                throw new CommandLine.TypeConversionException(Violation.quoted(value) + expected + ')');
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new CommandLine.TypeConversionException(Violation.quoted(value) + expected
                        + "; " + host + " does not resolve)");
            }
        }
    }

    /** Reads {@code 30s}, {@code 5m}, {@code PT30S}; rejects negative durations and those beyond the model's maximum. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.isNegative() || d.compareTo(Durations.MAX_DURATION) > 0) {
                throw new CommandLine.TypeConversionException(Violation.quoted(value)
                        + " (expected: 0s or a positive duration"
                        + " of at most " + Durations.format(Durations.MAX_DURATION) + ')');
            }
            return d;
        }
    }
}
