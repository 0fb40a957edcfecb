package io.nlb4j.balancer;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link Fault} acts: on every connection of a listener, on the connections to every server of a backend
 * service, or on the connections to one server of a service (kept for its address while it leaves and comes back).
 *
 * @param listener the listener's name, for a listener's faults
 * @param service the backend service's name, for a service's or a server's faults
 * @param server the server's address, for one server's faults
 */
public record FaultTarget(Optional<String> listener, Optional<String> service, Optional<InetSocketAddress> server) {

    /** Checks the target names exactly one listener, service, or service and server. */
    public FaultTarget {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(server, "server");
        if (listener.isPresent() == service.isPresent() || server.isPresent() && service.isEmpty()) {
            throw new IllegalArgumentException("a fault target is a listener, a backend service, or a server of a"
                    + " backend service");
        }
    }

    /**
     * Every connection of a listener.
     *
     * @param name the listener's name
     * @return the target
     */
    public static FaultTarget listener(String name) {
        return new FaultTarget(Optional.of(Objects.requireNonNull(name, "name")), Optional.empty(), Optional.empty());
    }

    /**
     * The connections to every server of a backend service.
     *
     * @param name the service's name
     * @return the target
     */
    public static FaultTarget service(String name) {
        return new FaultTarget(Optional.empty(), Optional.of(Objects.requireNonNull(name, "name")), Optional.empty());
    }

    /**
     * The connections to one server of a backend service.
     *
     * @param service the service's name
     * @param server the server's address
     * @return the target
     */
    public static FaultTarget server(String service, InetSocketAddress server) {
        return new FaultTarget(Optional.empty(), Optional.of(Objects.requireNonNull(service, "service")),
                Optional.of(Objects.requireNonNull(server, "server")));
    }

    @Override
    public String toString() {
        if (listener.isPresent()) {
            return "listener \"" + listener.get() + '"';
        }
        return server.map(a -> "server " + a.getHostString() + ':' + a.getPort() + " of ").orElse("")
                + "backend service \"" + service.get() + '"';
    }
}
