package io.nlb4j.healthcheck;

import io.nlb4j.control.ControlContext;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.ProxyProtocol;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Health checking as a decorator of membership, with Armeria's {@code HealthCheckedEndpointGroup} as the model:
 * told the members a source publishes ({@link #update(Collection)}), it probes each one and tells a listener each
 * member's health — {@link HealthStatus#PENDING} until the first decided outcome, then healthy or unhealthy as the
 * rise/fall thresholds say. Without active checks ({@link HealthCheck.None}) every member is healthy at once.
 *
 * <p>It lives in a control context: {@link #update(Collection)}, {@link #status(InetSocketAddress)} and
 * {@link #close()} are called there, and so is the listener (probe results, which arrive on event loops, hop
 * into the context first).
 */
public final class HealthCheckedMembers implements AutoCloseable {

    /** Told of every member's health changes, in the control context. */
    @FunctionalInterface
    public interface Listener {
        /**
         * A member's health changed.
         *
         * @param member the member's traffic address
         * @param status its health now
         * @param reason the result of the probe that decided it: {@code ok}, {@code timeout}, {@code refused},
         *        {@code status 503}, ...; {@code no active checks} without them
         */
        void changed(InetSocketAddress member, HealthStatus status, String reason);
    }

    private final ProxyProtocol proxyProtocol;
    private final HealthChecker checker;
    private final HealthCheck.Active spec;
    private final ControlContext ctx;
    private final Listener listener;
    private final Map<InetSocketAddress, Member> members = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Creates the decorator.
     *
     * @param checker probes on the load balancer's event loops
     * @param spec the health check
     * @param ctx the control context
     * @param listener told of health changes
     */
    public HealthCheckedMembers(HealthChecker checker, HealthCheck spec, ControlContext ctx, Listener listener) {
        this(checker, spec, ProxyProtocol.NONE, ctx, listener);
    }

    /**
     * Checks a service's members whose servers take a PROXY protocol header: the probes send one when the health
     * check says so ({@code proxyProtocol}).
     *
     * @param checker probes on the load balancer's event loops
     * @param spec the health check
     * @param proxyProtocol the version the backend service sends its servers
     * @param ctx the control context
     * @param listener told of health changes
     */
    public HealthCheckedMembers(HealthChecker checker, HealthCheck spec, ProxyProtocol proxyProtocol,
                                ControlContext ctx, Listener listener) {
        this.proxyProtocol = Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.spec = spec instanceof HealthCheck.Active a ? a : null;
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sets the members to check: new ones are probed at once (or are healthy at once without active checks), and
     * those no longer listed stop being probed.
     *
     * @param current every member now
     */
    public void update(Collection<InetSocketAddress> current) {
        update(current, Map.of());
    }

    /**
     * Sets the members to check, as {@link #update(Collection)}, with the health new members are known to have
     * already (a health check that replaces another): each keeps it until this check decides otherwise, and the
     * listener hears only of changes from it.
     *
     * @param current every member now
     * @param known the health of some of them, as a previous check found it
     */
    public void update(Collection<InetSocketAddress> current, Map<InetSocketAddress, HealthStatus> known) {
        ctx.checkInContext();
        if (closed) {
            return;
        }
        Set<InetSocketAddress> wanted = new HashSet<>(current);
        members.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
        for (InetSocketAddress address : current) {
            if (!members.containsKey(address)) {
                Member m = new Member(address, known.getOrDefault(address, HealthStatus.PENDING));
                members.put(address, m);
                m.start();
            }
        }
    }

    /**
     * Returns a member's health.
     *
     * @param member the member
     * @return its health; {@link HealthStatus#PENDING} for an unknown member
     */
    public HealthStatus status(InetSocketAddress member) {
        Member m = members.get(member);
        return m == null ? HealthStatus.PENDING : m.status;
    }

    /**
     * Returns the result of a member's last probe, if it has had one.
     *
     * @param member the member
     * @return {@code ok}, {@code timeout}, {@code refused}, ...
     */
    public Optional<String> lastProbe(InetSocketAddress member) {
        Member m = members.get(member);
        return m == null ? Optional.empty() : Optional.ofNullable(m.lastProbe);
    }

    /** Stops every probe. */
    @Override
    public void close() {
        closed = true;
        members.values().forEach(Member::stop);
        members.clear();
    }

    /** One checked member; its fields change in the control context only. */
    private final class Member implements HealthChecker.Listener {
        final InetSocketAddress address;
        HealthStatus status;
        String lastProbe;
        HealthChecker.Watch watch;
        boolean stopped;

        Member(InetSocketAddress address, HealthStatus initial) {
            this.address = address;
            this.status = initial;
        }

        void start() {
            if (spec == null) {
                if (status != HealthStatus.HEALTHY) {
                    status = HealthStatus.HEALTHY;
                    listener.changed(address, status, "no active checks");
                }
            } else {
                watch = checker.watch(address, spec, proxyProtocol, this);
            }
        }

        void stop() {
            stopped = true;
            if (watch != null) {
                watch.close();
            }
        }

        @Override
        public void onTransition(HealthTransition t) {
            ctx.tryExecute(() -> {
                if (!stopped && status != t.to()) {
                    status = t.to();
                    listener.changed(address, status, t.reason());
                }
            });
        }

        @Override
        public void onProbe(ProbeResult result) {
            ctx.tryExecute(() -> lastProbe = result.reason());
        }
    }
}
