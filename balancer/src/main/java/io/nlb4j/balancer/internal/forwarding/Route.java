package io.nlb4j.balancer.internal.forwarding;

import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.nlb4j.balancer.scheduling.Picker;
import io.nlb4j.balancer.scheduling.SchedulingAlgorithm;
import io.nlb4j.model.ProxyProtocol;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SessionPersistence;
import java.net.InetAddress;
import java.util.List;
import java.util.function.LongSupplier;

/** The route behind {@link ServiceRoute#create}. */
final class Route implements ServiceRoute {

    private final String service;
    private final LongSupplier clock;
    /** The session-persistence table, or null when persistence is off; replaced when a live update changes it. */
    private volatile SessionTable sessions;
    private SessionPersistence persistence;
    /** The PROXY protocol version sent to the servers, or {@code null} for none. */
    volatile HAProxyProtocolVersion sendProxy;
    final Faults faults = new Faults();
    private volatile Picker<Endpoint> picker = SchedulingAlgorithm.of(Scheduling.WEIGHTED_ROUND_ROBIN)
            .picker(List.of());

    Route(String service, SessionPersistence persistence, LongSupplier clock) {
        this.service = service;
        this.clock = clock;
        persistence(persistence);
    }

    @Override
    public void persistence(SessionPersistence persistence) {
        if (persistence.equals(this.persistence)) {
            return;
        }
        this.persistence = persistence;
        this.sessions = persistence.enabled() ? new SessionTable(persistence.timeout().toNanos(), clock) : null;
    }

    @Override
    public void proxyProtocol(ProxyProtocol version) {
        this.sendProxy = switch (version) {
            case NONE -> null;
            case V1 -> HAProxyProtocolVersion.V1;
            case V2 -> HAProxyProtocolVersion.V2;
        };
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public void publish(Picker<Endpoint> picker) {
        this.picker = picker;
    }

    @Override
    public Picker<Endpoint> picker() {
        return picker;
    }

    @Override
    public void sweepSessions() {
        SessionTable sessions = this.sessions;
        if (sessions != null) {
            sessions.sweep();
        }
    }

    @Override
    public void forget(Endpoint endpoint) {
        SessionTable sessions = this.sessions;
        if (sessions != null) {
            sessions.forget(endpoint);
        }
    }

    /** Picks a server for a new connection, honoring session persistence on the first attempt; null if none. */
    Endpoint pick(InetAddress client, int sourceHash, int attempt) {
        SessionTable sessions = this.sessions;
        if (sessions != null && attempt == 0) {
            Endpoint persisted = sessions.lookup(client);
            if (persisted != null) {
                return persisted;
            }
        }
        return picker.pick(sourceHash, attempt);
    }

    void connected(InetAddress client, Endpoint server) {
        SessionTable sessions = this.sessions;
        if (sessions != null) {
            sessions.record(client, server);
        }
    }

    void loadChanged(Endpoint server) {
        picker.loadChanged(server);
    }

    @Override
    public FaultScope faults() {
        return faults;
    }
}
