package io.nlb4j.balancer;

import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.Violation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership providers a load balancer can create: those of its options, then those found with
 * {@link ServiceLoader} ({@code META-INF/services/io.nlb4j.membership.MembershipProviderFactory}), and the check of a
 * specification's provider blocks that {@code validate} and the start both make.
 */
public final class MembershipProviders {

    private MembershipProviders() {
    }

    /**
     * Finds the factory of a provider type.
     *
     * @param type the type, such as {@code file}
     * @param options the options, whose factories come first
     * @return the factory, or empty if none is installed
     */
    public static Optional<MembershipProviderFactory> find(String type, LoadBalancerOptions options) {
        MembershipProviderFactory f = options.membershipProviders().get(type);
        if (f != null) {
            return Optional.of(f);
        }
        for (MembershipProviderFactory s : ServiceLoader.load(MembershipProviderFactory.class)) {
            if (s.type().equals(type)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Lists the provider types installed: the options' first, then those found, in alphabetical order.
     *
     * @param options the options, whose factories come first
     * @return the types
     */
    public static List<String> installedTypes(LoadBalancerOptions options) {
        Set<String> types = new LinkedHashSet<>(options.membershipProviders().keySet());
        Set<String> found = new TreeSet<>();
        for (MembershipProviderFactory s : ServiceLoader.load(MembershipProviderFactory.class)) {
            found.add(s.type());
        }
        types.addAll(found);
        return List.copyOf(types);
    }

    /**
     * Checks every provider block of a specification: its type is installed, and its properties are what that
     * provider expects.
     *
     * @param spec the specification
     * @param options the options, whose factories come first
     * @return the problems, each starting with the block's path, such as
     *     {@code listeners[0].backendService.servers.provider.properties.path: missing (...)}; empty if none
     */
    public static List<String> check(LoadBalancerSpec spec, LoadBalancerOptions options) {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < spec.listeners().size(); i++) {
            BackendService bs = spec.listeners().get(i).backendService();
            if (!(bs.servers() instanceof ServerSource.Provider p) || seen.contains(bs.name())) {
                continue;
            }
            seen.add(bs.name());
            problems.addAll(check(p, "listeners[" + i + "].backendService.servers.provider", options));
        }
        return problems;
    }

    /**
     * Checks one provider block.
     *
     * @param provider the block
     * @param path its path in the specification
     * @param options the options, whose factories come first
     * @return the problems, each starting with the path
     */
    public static List<String> check(ServerSource.Provider provider, String path, LoadBalancerOptions options) {
        Optional<MembershipProviderFactory> f = find(provider.type(), options);
        if (f.isEmpty()) {
            List<String> types = installedTypes(options);
            return List.of(path + ".type: " + Violation.quoted(provider.type()) + " (expected: an installed provider"
                    + " type, " + (types.isEmpty() ? "none is installed" : "one of " + types) + ')');
        }
        return f.get().check(provider.properties()).stream().map(p -> path + ".properties." + p).toList();
    }
}
