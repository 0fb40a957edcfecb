package io.nlb4j.balancer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a live update ({@link RunningLoadBalancer#update}) changed. Listeners are matched by their port (by their name,
 * for listeners on an ephemeral port), backend services by their name; a listener or service that is equal in both
 * specifications is untouched, and its connections never notice.
 *
 * @param listenersAdded listeners bound by the update, as the new specification numbers them
 * @param listenersRemoved listeners closed by the update: they accept nothing more, and their open connections go on
 *        for up to their service's draining timeout
 * @param listenersChanged listeners changed in place, with the fields that changed
 * @param servicesAdded backend services new in the specification
 * @param servicesRemoved backend services no listener uses any more: their servers drain, then they stop
 * @param servicesChanged backend services changed in place, with the fields that changed
 * @param serversAdded servers a static list gained (a provider's or a group's servers follow as their source
 *        publishes them, each with a {@link LoadBalancerEvent.ServerAdded} event)
 * @param serversDrained servers that left: dropped from a static list, replaced by another source, or of a removed
 *        service
 * @param securityGroupsChanged whether the security groups changed (they apply to new connections of every listener)
 */
public record SpecDiff(List<ListenerId> listenersAdded, List<ListenerId> listenersRemoved,
                       List<Changed> listenersChanged, List<String> servicesAdded, List<String> servicesRemoved,
                       List<Changed> servicesChanged, List<Server> serversAdded, List<Server> serversDrained,
                       boolean securityGroupsChanged) {

    /**
     * Copies the lists.
     *
     * @throws NullPointerException if a list is {@code null}
     */
    public SpecDiff {
        listenersAdded = List.copyOf(listenersAdded);
        listenersRemoved = List.copyOf(listenersRemoved);
        listenersChanged = List.copyOf(listenersChanged);
        servicesAdded = List.copyOf(servicesAdded);
        servicesRemoved = List.copyOf(servicesRemoved);
        servicesChanged = List.copyOf(servicesChanged);
        serversAdded = List.copyOf(serversAdded);
        serversDrained = List.copyOf(serversDrained);
    }

    /**
     * A listener or backend service changed in place.
     *
     * @param subject the listener (as {@link ListenerId#toString()} writes it) or the service's name
     * @param fields the fields that changed, as the specification file names them, such as {@code scheduling}
     */
    public record Changed(String subject, List<String> fields) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if a field is {@code null}
         */
        public Changed {
            Objects.requireNonNull(subject, "subject");
            fields = List.copyOf(fields);
        }
    }

    /**
     * A server of a backend service.
     *
     * @param service the service's name
     * @param address the server's address
     */
    public record Server(String service, InetSocketAddress address) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if a field is {@code null}
         */
        public Server {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * Tells whether the update changed nothing.
     *
     * @return whether the two specifications run alike
     */
    public boolean isEmpty() {
        return listenersAdded.isEmpty() && listenersRemoved.isEmpty() && listenersChanged.isEmpty()
                && servicesAdded.isEmpty() && servicesRemoved.isEmpty() && servicesChanged.isEmpty()
                && serversAdded.isEmpty() && serversDrained.isEmpty() && !securityGroupsChanged;
    }

    /**
     * Returns the changes in words, one per line, such as {@code backend service web changed: scheduling}.
     *
     * @return the lines; {@code no change} alone when there is none
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        listenersAdded.forEach(l -> out.add(l + " added"));
        listenersRemoved.forEach(l -> out.add(l + " removed"));
        listenersChanged.forEach(c -> out.add(c.subject() + " changed: " + String.join(", ", c.fields())));
        servicesAdded.forEach(s -> out.add("backend service " + s + " added"));
        servicesRemoved.forEach(s -> out.add("backend service " + s + " removed"));
        servicesChanged.forEach(c -> out.add("backend service " + c.subject() + " changed: "
                + String.join(", ", c.fields())));
        serversAdded.forEach(s -> out.add("backend service " + s.service() + ": server " + key(s.address())
                + " added"));
        serversDrained.forEach(s -> out.add("backend service " + s.service() + ": server " + key(s.address())
                + " draining"));
        if (securityGroupsChanged) {
            out.add("security groups changed");
        }
        if (out.isEmpty()) {
            out.add("no change");
        }
        return out;
    }

    private static String key(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }

    @Override
    public String toString() {
        return String.join("; ", lines());
    }
}
