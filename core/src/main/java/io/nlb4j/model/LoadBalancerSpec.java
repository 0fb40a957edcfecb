package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole network load balancer: where it lives, who may connect, and its listeners with their backend
 * services. Build one with {@link #builder(String)}, change one with {@link #toBuilder()}, or read one from
 * a file with {@code io.nlb4j.config.SpecFiles}; every way validates it with the same rules, so a
 * {@code LoadBalancerSpec} is always valid.
 */
public final class LoadBalancerSpec {

    private final String name;
    private final Placement placement;
    private final List<SecurityGroup> securityGroups;
    private final List<Listener> listeners;
    private final Cluster cluster;

    private LoadBalancerSpec(Builder b) {
        this.cluster = b.cluster == null ? null : b.cluster.make();
        this.name = b.name;
        this.placement = b.makePlacement();
        this.securityGroups = Lists.build(b.securityGroups, SecurityGroup.Builder::make);
        this.listeners = Lists.build(b.listeners, Listener.Builder::make);
    }

    /**
     * Starts building a load balancer.
     *
     * @param name the load balancer's name; {@code null} (not set, as a file may leave it out) is reported when the
     *        load balancer is built
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Returns a builder holding this specification's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(name).placement(placement);
        securityGroups.forEach(b::securityGroup);
        listeners.forEach(b::listener);
        if (cluster != null) {
            b.cluster(cluster);
        }
        return b;
    }

    /**
     * Returns the nodes this load balancer runs on, when it runs on several.
     *
     * @return the cluster, or empty for a load balancer that is one node
     */
    public Optional<Cluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    /**
     * Returns the load balancer's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the load balancer's region, VPC and availability zones.
     *
     * @return the placement
     */
    public Placement placement() {
        return placement;
    }

    /**
     * Returns the security groups applied at accept.
     *
     * @return the groups; none means every source is accepted
     */
    public List<SecurityGroup> securityGroups() {
        return securityGroups;
    }

    /**
     * Returns the listeners.
     *
     * @return the listeners, at least one, with distinct non-zero ports and distinct names
     */
    public List<Listener> listeners() {
        return listeners;
    }

    /**
     * Returns the longest connection draining timeout of the backend services: how long a graceful stop of
     * the whole load balancer lets open connections continue by default.
     *
     * @return the longest draining timeout
     */
    public Duration longestConnectionDraining() {
        return listeners.stream().map(l -> l.backendService().connectionDraining())
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadBalancerSpec s && name.equals(s.name) && placement.equals(s.placement)
                && securityGroups.equals(s.securityGroups) && listeners.equals(s.listeners)
                && Objects.equals(cluster, s.cluster);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, placement, securityGroups, listeners, cluster);
    }

    @Override
    public String toString() {
        return "LoadBalancerSpec(" + name + ", " + placement + ", " + listeners + ')';
    }

    /** Builds a {@link LoadBalancerSpec}. */
    public static final class Builder extends PlacedBuilder<Builder> {
        String name;
        final List<SecurityGroup.Builder> securityGroups = new ArrayList<>();
        final List<Listener.Builder> listeners = new ArrayList<>();
        Cluster.Builder cluster;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Renames the load balancer.
         *
         * @param name the name; {@code null} (not set) is reported when the load balancer is built
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Adds a security group.
         *
         * @param group the group
         * @return this builder
         */
        public Builder securityGroup(SecurityGroup group) {
            securityGroups.add(Objects.requireNonNull(group, "group").toBuilder());
            return this;
        }

        /**
         * Adds a security group from a builder; it is validated with the load balancer.
         *
         * @param group the group builder; {@code null} is reported as a missing group
         * @return this builder
         */
        public Builder securityGroup(SecurityGroup.Builder group) {
            securityGroups.add(group == null ? null : group.copy());
            return this;
        }

        /**
         * Removes every security group added so far.
         *
         * @return this builder
         */
        public Builder clearSecurityGroups() {
            securityGroups.clear();
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener").toBuilder());
            return this;
        }

        /**
         * Adds a listener from a builder; it is validated with the load balancer.
         *
         * @param listener the listener builder; {@code null} is reported as a missing listener
         * @return this builder
         */
        public Builder listener(Listener.Builder listener) {
            listeners.add(listener == null ? null : listener.copy());
            return this;
        }

        /**
         * Removes every listener added so far.
         *
         * @return this builder
         */
        public Builder clearListeners() {
            listeners.clear();
            return this;
        }

        /**
         * Runs the load balancer on several nodes that share a ZooKeeper ensemble.
         *
         * @param cluster the cluster; without one (the default) the load balancer is one node
         * @return this builder
         */
        public Builder cluster(Cluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster").toBuilder();
            return this;
        }

        /**
         * Runs the load balancer on several nodes, from a builder; it is validated with the load balancer.
         *
         * @param cluster the cluster builder
         * @return this builder
         */
        public Builder cluster(Cluster.Builder cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster").copy();
            return this;
        }

        /**
         * Checks what has been set so far, without building.
         *
         * @return every violation, each with its path; empty if {@link #build()} would succeed
         */
        public List<Violation> violations() {
            return SpecValidator.violations(v -> v.loadBalancer(this));
        }

        /**
         * Builds and validates the load balancer.
         *
         * @return the specification
         * @throws SpecValidationException listing every violation, each with its path
         */
        public LoadBalancerSpec build() {
            SpecValidator.throwIfInvalid(SpecValidator.named("load balancer", name), v -> v.loadBalancer(this));
            return new LoadBalancerSpec(this);
        }
    }
}
