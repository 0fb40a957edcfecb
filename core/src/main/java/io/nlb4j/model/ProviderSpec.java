package io.nlb4j.model;

import io.nlb4j.membership.MembershipProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A membership provider for a backend service: either named by type with properties, created at start
 * through a {@link io.nlb4j.membership.MembershipProviderFactory} found by {@link java.util.ServiceLoader},
 * or a provider object given by the caller (which cannot be written to a file and is never closed by
 * the load balancer).
 *
 * @param type the provider type, such as {@code file}; {@value #INSTANCE_TYPE} for a given object
 * @param properties the provider's settings
 * @param instance the provider object, when one was given
 */
public record ProviderSpec(String type, Map<String, String> properties, Optional<MembershipProvider> instance) {

    /** The type of a provider given as an object. */
    public static final String INSTANCE_TYPE = "instance";

    /**
     * Creates a provider reference; absent values are read as empty.
     */
    public ProviderSpec {
        properties = Lists.copy(properties);
        instance = instance == null ? Optional.empty() : instance;
    }

    /**
     * A provider named by type.
     *
     * @param type the type name
     * @param properties its settings
     * @return the reference
     */
    public static ProviderSpec of(String type, Map<String, String> properties) {
        return new ProviderSpec(Objects.requireNonNull(type, "type"), properties, Optional.empty());
    }

    /**
     * A provider given as an object.
     *
     * @param provider the provider; the load balancer subscribes to it but never closes it
     * @return the reference
     */
    public static ProviderSpec of(MembershipProvider provider) {
        return new ProviderSpec(INSTANCE_TYPE, Map.of(), Optional.of(Objects.requireNonNull(provider, "provider")));
    }
}
