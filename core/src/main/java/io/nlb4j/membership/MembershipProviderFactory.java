package io.nlb4j.membership;

import java.util.ArrayList;
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

    /**
     * The properties a provider does not know, each as a problem for {@link #check(Map)}.
     *
     * @param properties the settings
     * @param known the properties the provider takes, in the order to list them
     * @return a problem per unknown property, such as {@code pth: unknown (expected: path)}
     */
    static List<String> unknownProperties(Map<String, String> properties, List<String> known) {
        String expected = known.size() == 1 ? known.get(0) : "one of " + known;
        List<String> problems = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!known.contains(key)) {
                problems.add(key + ": unknown (expected: " + expected + ')');
            }
        }
        return problems;
    }
}
