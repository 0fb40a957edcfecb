package io.nlb4j.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nlb4j.membership.MembershipProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a backend service's servers come from: exactly one of a static server list, one availability
 * group, or a membership provider.
 *
 * @param staticServers the static servers; empty unless this is a static list
 * @param availabilityGroup the associated availability group, if this is one
 * @param provider the membership provider, if this is one
 */
public record ServerGroup(@JsonProperty("static") List<StaticServer> staticServers, Optional<AvailabilityGroup> availabilityGroup,
                          Optional<ProviderSpec> provider) {

    /** Which source a server group uses. */
    public enum Kind {
        /** A static list of servers. */
        STATIC,
        /** An availability group. */
        AVAILABILITY_GROUP,
        /** A membership provider. */
        PROVIDER
    }

    /**
     * Creates a server group; absent values are read as empty.
     */
    public ServerGroup {
        staticServers = Lists.copy(staticServers);
        availabilityGroup = availabilityGroup == null ? Optional.empty() : availabilityGroup;
        provider = provider == null ? Optional.empty() : provider;
    }

    /**
     * A static list of servers.
     *
     * @param servers the servers
     * @return the server group
     */
    public static ServerGroup staticServers(StaticServer... servers) {
        return new ServerGroup(Arrays.asList(servers), Optional.empty(), Optional.empty());
    }

    /**
     * A static list of servers.
     *
     * @param servers the servers
     * @return the server group
     */
    public static ServerGroup staticServers(List<StaticServer> servers) {
        return new ServerGroup(servers, Optional.empty(), Optional.empty());
    }

    /**
     * An availability group: its in-service instances are the servers.
     *
     * @param group the group
     * @return the server group
     */
    public static ServerGroup availabilityGroup(AvailabilityGroup group) {
        return new ServerGroup(List.of(), Optional.of(group), Optional.empty());
    }

    /**
     * A membership provider given as an object.
     *
     * @param provider the provider
     * @return the server group
     */
    public static ServerGroup provider(MembershipProvider provider) {
        return new ServerGroup(List.of(), Optional.empty(), Optional.of(ProviderSpec.of(provider)));
    }

    /**
     * A membership provider named by type.
     *
     * @param provider the provider reference
     * @return the server group
     */
    public static ServerGroup provider(ProviderSpec provider) {
        return new ServerGroup(List.of(), Optional.empty(), Optional.of(provider));
    }

    /**
     * Returns which source this group uses; for an invalid group with several, the first of static,
     * availability group, provider.
     *
     * @return the kind
     */
    public Kind kind() {
        if (!staticServers.isEmpty()) {
            return Kind.STATIC;
        }
        return availabilityGroup.isPresent() ? Kind.AVAILABILITY_GROUP
                : provider.isPresent() ? Kind.PROVIDER : Kind.STATIC;
    }
}
