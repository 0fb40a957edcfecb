package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.scheduling.Picker;
import io.nlb4j.model.ProxyProtocol;
import io.nlb4j.model.SessionPersistence;
import java.util.function.LongSupplier;

/**
 * Where one backend service's new connections go: the current picker, an immutable snapshot the runtime replaces
 * whenever membership, weights or health change, the service's session-persistence table, and the PROXY protocol
 * header its servers take.
 */
public interface ServiceRoute {

    /**
     * Creates a route with an empty picker.
     *
     * @param service the service's name
     * @param persistence its session persistence
     * @param clock the control context's clock, in nanoseconds, for persistence expiry
     * @return the route
     */
    static ServiceRoute create(String service, SessionPersistence persistence, LongSupplier clock) {
        return new Route(service, persistence, clock);
    }

    /**
     * Returns the service's name.
     *
     * @return the name
     */
    String service();

    /**
     * Replaces the picker: new connections use it at once.
     *
     * @param picker a picker over the servers that take new connections
     */
    void publish(Picker<Endpoint> picker);

    /**
     * Returns the current picker.
     *
     * @return the picker
     */
    Picker<Endpoint> picker();

    /**
     * Sets the session persistence: a change starts an empty table (or none), for the connections made from now on.
     *
     * @param persistence the service's session persistence
     */
    void persistence(SessionPersistence persistence);

    /**
     * Sets the PROXY protocol header sent to the servers first on each new connection.
     *
     * @param version the version, or {@code NONE}
     */
    void proxyProtocol(ProxyProtocol version);

    /** Forgets expired session-persistence entries. */
    void sweepSessions();

    /**
     * Forgets the session-persistence entries of a server that has left.
     *
     * @param endpoint the server
     */
    void forget(Endpoint endpoint);

    /**
     * Returns the faults in place on the connections to every server of the service.
     *
     * @return the faults
     */
    FaultScope faults();
}
