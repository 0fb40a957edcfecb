package io.nlb4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a backend service's servers come from: a static list ({@link Static}), the in-service instances of
 * one availability group ({@link Group}), or a membership provider named by type ({@link Provider}).
 */
public sealed interface ServerSource permits ServerSource.Static, ServerSource.Group, ServerSource.Provider {

    /** Which source a backend service uses. */
    enum Kind {
        /** A static list of servers, changed only by hand. */
        STATIC,
        /** An availability group. */
        AVAILABILITY_GROUP,
        /** A membership provider. */
        PROVIDER
    }

    /**
     * Returns which source this is.
     *
     * @return the kind
     */
    Kind kind();

    /**
     * A static list of servers.
     *
     * @param servers the servers; none is allowed (servers can be added while the load balancer runs)
     * @return the source
     */
    static Static staticServers(StaticServer... servers) {
        return staticServers(Arrays.asList(Objects.requireNonNull(servers, "servers")));
    }

    /**
     * A static list of servers.
     *
     * @param servers the servers
     * @return the source
     */
    static Static staticServers(List<StaticServer> servers) {
        return new Static(List.copyOf(Lists.nonNull(servers, "servers")));
    }

    /**
     * An availability group: its in-service instances are the servers.
     *
     * @param group the group
     * @return the source
     */
    static Group availabilityGroup(AvailabilityGroup group) {
        return new Group(Objects.requireNonNull(group, "group"));
    }

    /**
     * A membership provider named by type, created when the load balancer starts through a
     * {@code MembershipProviderFactory} registered in the load balancer's options or found by
     * {@link java.util.ServiceLoader}.
     *
     * @param type the provider type, such as {@code file}; {@code null} is reported as missing
     * @param properties the provider's settings; {@code null} for none
     * @return the source
     * @throws SpecValidationException if the type is missing or blank or a property is null
     */
    static Provider provider(String type, Map<String, String> properties) {
        List<Violation> violations = SpecValidator.violations(v -> v.provider("", type, properties));
        if (!violations.isEmpty()) {
            throw new SpecValidationException("membership provider", violations);
        }
        return new Provider(type, properties == null ? Map.of() : properties);
    }

    /** A static list of servers. */
    final class Static implements ServerSource {
        private final List<StaticServer> servers;

        Static(List<StaticServer> servers) {
            this.servers = List.copyOf(servers);
        }

        /**
         * Returns the servers.
         *
         * @return the servers, in the order given
         */
        public List<StaticServer> servers() {
            return servers;
        }

        @Override
        public Kind kind() {
            return Kind.STATIC;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Static s && servers.equals(s.servers);
        }

        @Override
        public int hashCode() {
            return servers.hashCode();
        }

        @Override
        public String toString() {
            return "static" + servers;
        }
    }

    /** The in-service instances of an availability group, all with the same weight. */
    final class Group implements ServerSource {
        private final AvailabilityGroup group;

        Group(AvailabilityGroup group) {
            this.group = group;
        }

        /**
         * Returns the group.
         *
         * @return the group
         */
        public AvailabilityGroup group() {
            return group;
        }

        @Override
        public Kind kind() {
            return Kind.AVAILABILITY_GROUP;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Group g && group.equals(g.group);
        }

        @Override
        public int hashCode() {
            return group.hashCode();
        }

        @Override
        public String toString() {
            return "availabilityGroup(" + group.name() + ')';
        }
    }

    /** A membership provider named by type, with its settings. */
    final class Provider implements ServerSource {
        private final String type;
        private final Map<String, String> properties;

        Provider(String type, Map<String, String> properties) {
            this.type = type;
            this.properties = Map.copyOf(properties);
        }

        /**
         * Returns the provider type.
         *
         * @return the type, such as {@code file} or {@code zookeeper}
         */
        public String type() {
            return type;
        }

        /**
         * Returns the provider's settings.
         *
         * @return the properties
         */
        public Map<String, String> properties() {
            return properties;
        }

        @Override
        public Kind kind() {
            return Kind.PROVIDER;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Provider p && type.equals(p.type) && properties.equals(p.properties);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, properties);
        }

        @Override
        public String toString() {
            return "provider(" + type + ", " + properties + ')';
        }
    }
}
