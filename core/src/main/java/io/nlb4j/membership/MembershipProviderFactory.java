package io.nlb4j.membership;

import java.util.List;
import java.util.Map;

/**
 * Creates {@link MembershipProvider}s named by type in a specification
 * ({@code servers: {provider: {type: file, properties: {path: members.txt}}}}). Implementations are found
 * with {@link java.util.ServiceLoader}.
 */
public interface MembershipProviderFactory {

    /**
     * Returns the type name this factory answers to, such as {@code file} or {@code zookeeper}.
     *
     * @return the type name
     */
    String type();

    /**
     * Creates a provider.
     *
     * @param properties the provider's settings from the specification
     * @return the provider; the load balancer closes it when it stops
     * @throws IllegalArgumentException naming the property, its value and what was expected, if the
     *         settings are wrong
     */
    MembershipProvider create(Map<String, String> properties);

    /**
     * Checks a provider's settings without creating it, as {@code validate} does.
     *
     * @param properties the settings
     * @return the problems, each naming the property, its value and what was expected; empty if there is none
     */
    default List<String> check(Map<String, String> properties) {
        return List.of();
    }
}
