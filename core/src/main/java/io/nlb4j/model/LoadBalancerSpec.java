package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole network load balancer: where it lives, who may connect, and its listeners with their backend
 * services. Build one with {@link #builder(String)} or read one from a file with
 * {@link io.nlb4j.config.SpecFiles}; either way it is validated with {@link #validate()}.
 *
 * @param name the load balancer's name
 * @param placement its region, VPC and availability zones
 * @param securityGroups the security groups applied at accept; none means every source is accepted
 * @param listeners the listeners, at least one, with distinct non-zero ports
 */
public record LoadBalancerSpec(String name, Placement placement, List<SecurityGroup> securityGroups,
                               List<Listener> listeners) {

    /**
     * Creates a specification without validating it; absent lists are read as empty.
     */
    public LoadBalancerSpec {
        securityGroups = Lists.copy(securityGroups);
        listeners = Lists.copy(listeners);
    }

    /**
     * Starts building a load balancer.
     *
     * @param name the load balancer's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Checks the whole specification.
     *
     * @return every violation, each with its path; empty if the specification is valid
     */
    public List<Violation> violations() {
        return SpecValidator.violations(v -> v.loadBalancer(this));
    }

    /**
     * Checks the whole specification and throws if anything is wrong.
     *
     * @return this specification
     * @throws SpecValidationException listing every violation
     */
    public LoadBalancerSpec validate() {
        SpecValidator.throwIfInvalid("load balancer \"" + name + '"', v -> v.loadBalancer(this));
        return this;
    }

    /**
     * Returns the listener on a port.
     *
     * @param port the configured port
     * @return the listener, if there is one
     */
    public Optional<Listener> listener(int port) {
        return listeners.stream().filter(l -> l != null && l.port() != null && l.port() == port).findFirst();
    }

    /**
     * Returns the longest connection draining timeout of the backend services: how long a graceful stop of
     * the whole load balancer lets open connections continue by default.
     *
     * @return the longest draining timeout, {@link Duration#ZERO} if there is none
     */
    public Duration longestConnectionDraining() {
        return listeners.stream().filter(l -> l != null && l.backendService() != null)
                .map(l -> l.backendService().connectionDraining())
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Builds a {@link LoadBalancerSpec}. */
    public static final class Builder extends PlacedBuilder<Builder> {
        private final String name;
        private final List<SecurityGroup> securityGroups = new ArrayList<>();
        private final List<Listener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Adds a security group.
         *
         * @param group the group
         * @return this builder
         */
        public Builder securityGroup(SecurityGroup group) {
            securityGroups.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a listener from a builder; it is validated with the load balancer.
         *
         * @param listener the listener builder
         * @return this builder
         */
        public Builder listener(Listener.Builder listener) {
            listeners.add(listener.unvalidated());
            return this;
        }

        /**
         * Builds and validates the load balancer.
         *
         * @return the specification
         * @throws SpecValidationException listing every violation, each with its path
         */
        public LoadBalancerSpec build() {
            return new LoadBalancerSpec(name, builtPlacement(),
                    securityGroups, listeners).validate();
        }
    }
}
