package io.nlb4j.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The nodes a load balancer runs on, when it runs on several: they share a ZooKeeper ensemble, under
 * {@link #basePath()}, where each availability group has one owner (the node that runs it) and its instances are
 * registered for every node to route to. Each node names itself with {@link #node()}, unique among them. Without a
 * cluster, a load balancer is one node and runs its groups itself.
 */
public final class Cluster {

    /** The path the nodes share by default; the load balancer's name is added below it. */
    public static final String DEFAULT_BASE_PATH = "/nlb4j";

    /** A node's ZooKeeper session timeout by default, in seconds. */
    public static final long DEFAULT_SESSION_TIMEOUT_SECONDS = 30;

    /** The shortest session timeout, in seconds: ZooKeeper allows no less than two of its ticks. */
    public static final long MIN_SESSION_TIMEOUT_SECONDS = 2;

    /** The largest health quorum. */
    public static final int MAX_HEALTH_QUORUM = 100;

    /** The longest session timeout, in seconds. */
    public static final long MAX_SESSION_TIMEOUT_SECONDS = 600;

    private final String connect;
    private final String basePath;
    private final String node;
    private final Duration sessionTimeout;
    private final Integer healthQuorum;

    private Cluster(Builder b) {
        this.sessionTimeout = b.sessionTimeout == null ? Duration.ofSeconds(DEFAULT_SESSION_TIMEOUT_SECONDS)
                : b.sessionTimeout;
        this.connect = b.connect;
        this.basePath = b.basePath == null ? DEFAULT_BASE_PATH : b.basePath;
        this.node = b.node;
        this.healthQuorum = b.healthQuorum;
    }

    /**
     * Starts building a cluster.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this cluster's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder().zookeeper(connect).basePath(basePath).sessionTimeout(sessionTimeout);
        b.node = node;
        b.healthQuorum = healthQuorum;
        return b;
    }

    /**
     * Returns how many nodes must find a server unhealthy for it to be avoided, if the nodes vote: each node then
     * shares what its own health checks find, and a server is avoided on every node once this many nodes (or
     * more) find it unhealthy, and only then. Without it, each node goes by its own checks alone.
     *
     * @return the quorum, or empty when each node decides alone (the default)
     */
    public Optional<Integer> healthQuorum() {
        return Optional.ofNullable(healthQuorum);
    }

    /**
     * Returns the ZooKeeper ensemble.
     *
     * @return its connect string, {@code HOST:PORT,...}
     */
    public String connect() {
        return connect;
    }

    /**
     * Returns the path the nodes share; a load balancer's own state is under {@code basePath/NAME}.
     *
     * @return the path, {@value #DEFAULT_BASE_PATH} by default
     */
    public String basePath() {
        return basePath;
    }

    /**
     * Returns a node's ZooKeeper session timeout: a node that has not been heard from for this long is taken for
     * dead, and the groups it owned are taken over; and a node that cannot reach ZooKeeper for this long gives its
     * groups up. Longer survives longer ZooKeeper outages; shorter takes over sooner.
     *
     * @return the timeout, {@value #DEFAULT_SESSION_TIMEOUT_SECONDS}s by default (ZooKeeper may grant less: at most
     *         20 of its ticks)
     */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /**
     * Returns this node's name, if the specification gives it; a node without one takes its host name and process
     * id.
     *
     * @return the name
     */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cluster c && connect.equals(c.connect) && basePath.equals(c.basePath)
                && Objects.equals(node, c.node) && sessionTimeout.equals(c.sessionTimeout)
                && Objects.equals(healthQuorum, c.healthQuorum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connect, basePath, node, sessionTimeout, healthQuorum);
    }

    @Override
    public String toString() {
        return "Cluster(zookeeper " + connect + basePath + (node == null ? "" : ", node " + node) + ')';
    }

    /** Builds a {@link Cluster}. */
    public static final class Builder {
        String connect;
        String basePath;
        String node;
        Duration sessionTimeout;
        Integer healthQuorum;

        private Builder() {
        }

        /**
         * Lets the nodes vote on health: a server is avoided once this many nodes find it unhealthy. Default: each
         * node goes by its own checks.
         *
         * @param quorum 1 to {@value #MAX_HEALTH_QUORUM}
         * @return this builder
         */
        public Builder healthQuorum(int quorum) {
            this.healthQuorum = quorum;
            return this;
        }

        /**
         * Sets a node's ZooKeeper session timeout. Default {@value #DEFAULT_SESSION_TIMEOUT_SECONDS}s.
         *
         * @param timeout {@value #MIN_SESSION_TIMEOUT_SECONDS}s to {@value #MAX_SESSION_TIMEOUT_SECONDS}s
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the ZooKeeper ensemble. Required.
         *
         * @param connect {@code HOST:PORT,...}, such as {@code zk1:2181,zk2:2181}
         * @return this builder
         */
        public Builder zookeeper(String connect) {
            this.connect = Objects.requireNonNull(connect, "connect");
            return this;
        }

        /**
         * Sets the path the nodes share. Default {@value #DEFAULT_BASE_PATH}.
         *
         * @param basePath a ZooKeeper path such as {@code /nlb4j}
         * @return this builder
         */
        public Builder basePath(String basePath) {
            this.basePath = Objects.requireNonNull(basePath, "basePath");
            return this;
        }

        /**
         * Names this node. Default: its host name and process id.
         *
         * @param node a name (letters, digits, {@code . _ -}), unique among the nodes
         * @return this builder
         */
        public Builder node(String node) {
            this.node = Objects.requireNonNull(node, "node");
            return this;
        }

        /**
         * Builds and validates the cluster.
         *
         * @return the cluster
         * @throws SpecValidationException listing every violation
         */
        public Cluster build() {
            SpecValidator.throwIfInvalid("cluster", v -> v.cluster("", this));
            return make();
        }

        Cluster make() {
            return new Cluster(this);
        }

        Builder copy() {
            Builder b = new Builder();
            b.connect = connect;
            b.basePath = basePath;
            b.node = node;
            b.sessionTimeout = sessionTimeout;
            b.healthQuorum = healthQuorum;
            return b;
        }
    }
}
