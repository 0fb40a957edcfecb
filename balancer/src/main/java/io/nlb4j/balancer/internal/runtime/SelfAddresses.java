package io.nlb4j.balancer.internal.runtime;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The addresses at which this load balancer itself listens. A server at one of them would be the load balancer
 * forwarding to itself: each connection, and each health probe, would come back as a new connection, without end.
 * Such a server is refused wherever it would join: at the start, by {@code addServer}, from a source.
 */
final class SelfAddresses {

    private volatile InetAddress bindAddress;
    private volatile Set<InetAddress> localAddresses = Set.of();
    /** Each listener's port: the configured one until the listener is bound, then the bound one. */
    private final List<int[]> ports = new CopyOnWriteArrayList<>();

    /**
     * Learns the address the listeners bind and, when that is the wildcard address, this host's interface
     * addresses. May block briefly (it lists the interfaces): call it off the control context, before the
     * listeners bind.
     */
    void resolved(InetAddress bind) {
        Set<InetAddress> local = new HashSet<>();
        if (bind.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    local.addAll(Collections.list(nif.getInetAddresses()));
                }
            } catch (SocketException e) {
                // Without the interface list, loopback and the wildcard address are still recognised.
            }
        }
        this.localAddresses = Set.copyOf(local);
        this.bindAddress = bind;
    }

    /** Another set of listeners on the same host and bind address, to check a live update's servers against. */
    SelfAddresses sameHost() {
        SelfAddresses other = new SelfAddresses();
        other.localAddresses = localAddresses;
        other.bindAddress = bindAddress;
        return other;
    }

    /** Replaces every listener (a live update), each by its port, in specification order. */
    void listeners(List<Integer> ports) {
        List<int[]> slots = new ArrayList<>();
        ports.forEach(p -> slots.add(new int[] {p}));
        this.ports.clear();
        this.ports.addAll(slots);
    }

    /** Registers a listener by its configured port; returns its slot, updated by {@link #bound}. */
    int listener(int configuredPort) {
        ports.add(new int[] {configuredPort});
        return ports.size() - 1;
    }

    void bound(int slot, int port) {
        ports.get(slot)[0] = port;
    }

    /**
     * The listener a server address would reach, if it is one of this load balancer's own.
     *
     * @return the listener's slot (its index), or empty
     */
    Optional<Integer> listenerAt(InetSocketAddress server) {
        InetAddress bind = bindAddress;
        if (server.isUnresolved() || bind == null) {
            return Optional.empty();
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i)[0];
            if (port != 0 && port == server.getPort() && reaches(bind, server.getAddress())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private boolean reaches(InetAddress bind, InetAddress address) {
        if (address.equals(bind) || address.isAnyLocalAddress()) {
            return true; // connecting to the wildcard address reaches this host, whatever address its listener binds
        }
        return bind.isAnyLocalAddress() && (address.isAnyLocalAddress() || address.isLoopbackAddress()
                || localAddresses.contains(address));
    }

}
