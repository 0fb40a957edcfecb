package io.nlb4j.healthcheck;

import io.nlb4j.membership.HealthStatus;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.ProxyProtocol;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes servers actively on Netty event loops, without blocking, and runs each server's rise/fall state
 * machine ({@link HealthStatus}).
 *
 * <p>A watched server's first probe runs at once; later probes are due every {@code interval}, each
 * moved by a random jitter of up to {@value #JITTER_PERCENT}% of the interval either way so that many
 * servers' probes do not fire together. Each server is pinned to one event loop, where its probes run and
 * its listener is called.
 */
public final class HealthChecker {

    /** The largest jitter applied to an interval, in percent of it. */
    public static final int JITTER_PERCENT = 10;

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    /** What a watcher is told. Called on the server's event loop: never block in it. */
    public interface Listener {
        /**
         * The server's health changed.
         *
         * @param transition the change
         */
        void onTransition(HealthTransition transition);

        /**
         * A probe finished; called after {@link #onTransition} when the probe changed the server's health.
         * The default does nothing.
         *
         * @param result the outcome
         */
        default void onProbe(ProbeResult result) {
        }
    }

    /** A watched server; closing it stops its probes. */
    public interface Watch extends AutoCloseable {
        /**
         * Returns the server's current health.
         *
         * @return the status
         */
        HealthStatus status();

        /** Stops probing the server. */
        @Override
        void close();
    }

    private final EventLoopGroup group;
    private final Supplier<? extends Channel> channels;

    /**
     * Creates a checker that runs on a caller's event loops. The checker never shuts the group down.
     *
     * @param group the event loops to probe from
     * @param channels creates unregistered client socket channels of the group's transport
     */
    public HealthChecker(EventLoopGroup group, Supplier<? extends Channel> channels) {
        this.group = Objects.requireNonNull(group, "group");
        this.channels = Objects.requireNonNull(channels, "channels");
    }

    /**
     * Starts probing a server.
     *
     * @param server the server's traffic address (the probe port defaults to its port)
     * @param spec the active health check
     * @param listener told of transitions and probe results
     * @return the watch; close it to stop probing
     */
    public Watch watch(InetSocketAddress server, HealthCheck.Active spec, Listener listener) {
        return watch(server, spec, ProxyProtocol.NONE, listener);
    }

    /**
     * Starts probing a server that takes a PROXY protocol header: each probe sends one first when the health check
     * says so ({@link HealthCheck.Active#proxyProtocol()}).
     *
     * @param server the server's traffic address (the probe port defaults to its port)
     * @param spec the active health check
     * @param proxyProtocol the version the server takes
     * @param listener told of transitions and probe results
     * @return the watch; close it to stop probing
     */
    public Watch watch(InetSocketAddress server, HealthCheck.Active spec, ProxyProtocol proxyProtocol,
                       Listener listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Target t = new Target(server, spec, spec.proxyProtocol() ? proxyProtocol : ProxyProtocol.NONE, listener,
                group.next());
        t.loop.execute(() -> t.probe(System.nanoTime()));
        return t;
    }

    private final class Target implements Watch, Runnable {
        private final InetSocketAddress server;
        private final ProbeRun.Plan plan;
        private final Listener listener;
        private final EventLoop loop;
        private final long intervalNanos;
        private final RiseFall riseFall;
        private volatile HealthStatus status = HealthStatus.PENDING;
        private volatile boolean closed;
        private long nextDue;
        private ScheduledFuture<?> next;

        Target(InetSocketAddress server, HealthCheck.Active spec, ProxyProtocol proxyProtocol, Listener listener,
               EventLoop loop) {
            this.server = server;
            this.plan = new ProbeRun.Plan(spec, server, proxyProtocol);
            this.listener = listener;
            this.loop = loop;
            this.intervalNanos = spec.interval().toNanos();
            this.riseFall = new RiseFall(spec.healthyThreshold(), spec.unhealthyThreshold());
        }

        void probe(long due) {
            if (closed) {
                return;
            }
            nextDue = due;
            new ProbeRun(plan, loop, due, this::completed).start(channels);
        }

        private void completed(ProbeRun run) {
            if (closed) {
                return;
            }
            HealthStatus before = riseFall.status();
            HealthStatus after = riseFall.record(run.success);
            if (after != null) {
                status = after;
                HealthTransition t = new HealthTransition(server, before, after, run.reason);
                log.info("health check: server {} is {} (was {}): {}", server.getHostString() + ':' + server.getPort(),
                        after, before, run.reason);
                try {
                    listener.onTransition(t);
                } catch (RuntimeException e) {
                    log.warn("health listener failed: {}", e.toString(), e);
                }
            }
            try {
                listener.onProbe(new ProbeResult(server, run.success, run.reason, run.scheduledNanos(),
                        run.startedNanos(), run.durationNanos));
            } catch (RuntimeException e) {
                log.warn("health listener failed: {}", e.toString(), e);
            }
            long jitterRange = intervalNanos * JITTER_PERCENT / 100;
            long jitter = jitterRange == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitterRange, jitterRange + 1);
            long due = nextDue + intervalNanos + jitter;
            long now = System.nanoTime();
            if (due - now < 0) {
                due = now; // fell behind (a probe cannot take longer than its timeout, which is below the interval)
            }
            nextDue = due;
            next = loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
        }

        /** The next probe is due. */
        @Override
        public void run() {
            probe(nextDue);
        }

        @Override
        public HealthStatus status() {
            return status;
        }

        @Override
        public void close() {
            closed = true;
            loop.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                }
            });
        }
    }
}
