package io.nlb4j.membership.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nlb4j.cluster.GroupOwnership;
import io.nlb4j.group.AvailabilityGroups;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.GroupMembership;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Capacity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs an availability group on exactly one of several nodes: each node starts an owner for the same group, and the
 * one that holds the group's Curator {@link LeaderLatch} runs its controller; the others wait. The running group's
 * in-service instances are registered in Curator's service-discovery layout,
 * {@code basePath/instances/GROUP/INSTANCE_ID@NODE} (ephemeral), where every node's load balancer reads them with the {@code zookeeper} provider
 * ({@code basePath: BASE/instances, service: GROUP}); its capacity is kept in {@code basePath/groups/GROUP/capacity}.
 *
 * <p>When the owning node dies, its session ends: its latch node and its instances' registrations go, another node
 * takes the latch within the session timeout, and starts the group at the capacity last written there (a desired
 * capacity set at run time survives), launching instances for the ones that vanished. A node that loses the latch
 * (its session expired) stops its group first, so that no instance runs twice for one slot. While the connection is
 * lost (suspended), the owner holds its group ({@link RunningAvailabilityGroup#hold()}): its instances go on serving,
 * but it launches, scales and terminates nothing, since it cannot know it is still the only owner; it releases the
 * group when the connection returns within the session. Build the client with
 * Curator's {@code SessionConnectionStateErrorPolicy} to keep ownership through a connection loss shorter than the
 * session (with the default policy, a suspended connection gives the latch up).
 *
 * <p>Instances leave the registry when they start to drain; the group terminates them after {@code drain}, the
 * readers' connection-draining time. The client is not closed.
 */
public final class ZooKeeperGroupOwner implements GroupOwnership {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperGroupOwner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AvailabilityGroup spec;
    private final CuratorFramework client;
    private final String node;
    private final String capacityPath;
    private final GroupOptions options;
    private final Duration drain;
    private final String instancesPath;
    private final LeaderLatch latch;
    /** This node's current term as owner, counted; registrations of an ended term are not made. */
    private volatile long term;
    private volatile boolean inTerm;
    private final ExecutorService lifecycle;
    private final Scheduler registry;
    private volatile RunningAvailabilityGroup running;
    private Disposable capacityWatch;
    private volatile boolean closed;
    private final ConnectionStateListener connection;
    private final CuratorCache latchWatch;
    private final Sinks.Many<Optional<String>> owners = Sinks.many().replay().latest();
    private Optional<String> lastOwner;

    private ZooKeeperGroupOwner(AvailabilityGroup spec, CuratorFramework client, String basePath, String node,
                                GroupOptions options, Duration drain) throws Exception {
        this.spec = spec;
        this.client = client;
        this.node = node;
        this.options = options;
        this.drain = drain;
        String groupPath = basePath + "/groups/" + spec.name();
        this.capacityPath = groupPath + "/capacity";
        this.lifecycle = Executors.newSingleThreadExecutor(r -> daemon(r, "nlb4j-owner-" + spec.name()));
        this.registry = Schedulers.newSingle("nlb4j-owner-registry-" + spec.name(), true);
        this.instancesPath = basePath + "/instances";
        this.latch = new LeaderLatch(client, groupPath + "/owner", node);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                lifecycle.execute(ZooKeeperGroupOwner.this::own);
            }

            @Override
            public void notLeader() {
                lifecycle.execute(ZooKeeperGroupOwner.this::disown);
            }
        });
        this.connection = (c, state) -> {
            RunningAvailabilityGroup g = running;
            if (g == null) {
                return;
            }
            if (state == ConnectionState.SUSPENDED) {
                log.warn("availability group {}: node {} cannot reach ZooKeeper; the group is held (its instances"
                        + " go on serving) until it can", spec.name(), node);
                g.hold().subscribe(null, e -> log.debug("holding: {}", e.toString()));
            } else if (state == ConnectionState.RECONNECTED) {
                log.info("availability group {}: node {} reaches ZooKeeper again; the group is released",
                        spec.name(), node);
                g.release().subscribe(null, e -> log.debug("releasing: {}", e.toString()));
            }
        };
        client.getConnectionStateListenable().addListener(connection);
        // The latch's nodes, watched: each change may change the owner, which every node reports.
        this.latchWatch = CuratorCache.build(client, groupPath + "/owner");
        latchWatch.listenable().addListener((type, before, after) -> registry.schedule(this::ownerChanged));
        latch.start();
        latchWatch.start();
    }

    /** Looks the owner up again, and publishes it if it changed. On the registry thread. */
    private void ownerChanged() {
        if (closed) {
            return;
        }
        Optional<String> now = owner();
        if (!now.equals(lastOwner)) {
            lastOwner = now;
            owners.tryEmitNext(now);
        }
    }

    @Override
    public Flux<Optional<String>> owners() {
        return owners.asFlux();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts taking part in the choice of the group's owner.
     *
     * @param spec the group, the same on every node
     * @param client a started Curator client (not closed by the owner)
     * @param basePath the cluster's path, such as {@code /nlb4j/web-lb}
     * @param node this node's name, unique among the nodes
     * @param options how the group runs here when this node owns it
     * @param drain how long an instance drains between leaving the registry and its termination
     * @return the owner; closing it stops the group if it runs here and leaves the choice
     * @throws Exception if the registry cannot be started
     */
    public static ZooKeeperGroupOwner start(AvailabilityGroup spec, CuratorFramework client, String basePath,
                                            String node, GroupOptions options, Duration drain) throws Exception {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(drain, "drain");
        return new ZooKeeperGroupOwner(spec, client, basePath, node, options, drain);
    }

    /** Becomes the owner: starts the group at the capacity last recorded, and records each change. */
    private void own() {
        if (closed || running != null || !latch.hasLeadership()) {
            return;
        }
        Capacity capacity = recordedCapacity().orElse(spec.capacity());
        AvailabilityGroup group = spec.toBuilder().capacity(capacity).build();
        log.info("availability group {}: owned by node {} (this node); starting at capacity {}", spec.name(), node,
                capacity);
        try {
            long t = ++term;
            inTerm = true;
            RunningAvailabilityGroup g = AvailabilityGroups.start(group, new Registering(t), options)
                    .block(options.startTimeout().plusSeconds(5));
            running = g;
            record(g.capacity());
            capacityWatch = g.events().filter(e -> e instanceof GroupEvent.CapacityChanged)
                    .subscribe(e -> lifecycle.execute(() -> record(((GroupEvent.CapacityChanged) e).current())));
        } catch (Exception e) {
            log.warn("availability group {}: node {} owns it but cannot start it: {}", spec.name(), node,
                    e.getMessage());
        }
        if (!latch.hasLeadership() || closed) {
            disown();
        }
    }

    /** No longer the owner (the session ended, or closing): stops the group, terminating its instances. */
    private void disown() {
        if (inTerm) {
            inTerm = false;
            term++;
            // The registrations go first, before the instances drain: ephemeral nodes of this node's session, made
            // by this class alone (not by a discovery that would make them again with the next session).
            Mono.fromRunnable(this::withdrawAll).subscribeOn(registry).block(Duration.ofSeconds(30));
        }
        RunningAvailabilityGroup g = running;
        if (g == null) {
            return;
        }
        running = null;
        if (capacityWatch != null) {
            capacityWatch.dispose();
        }
        log.info("availability group {}: node {} no longer owns it; stopping its instances", spec.name(), node);
        try {
            g.stop().block(drain.plusSeconds(30));
        } catch (RuntimeException e) {
            log.warn("availability group {}: stopping on node {}: {}", spec.name(), node, e.getMessage());
        }
    }

    /** Deletes the registrations this node made (those of its session; after an expiry there are none). */
    private void withdrawAll() {
        String dir = instancesPath + '/' + spec.name();
        try {
            for (String child : client.getChildren().forPath(dir)) {
                if (child.endsWith('@' + node)) {
                    client.delete().quietly().forPath(dir + '/' + child);
                }
            }
        } catch (KeeperException.NoNodeException e) {
            // nothing registered
        } catch (Exception e) {
            log.warn("availability group {}: cannot withdraw node {}'s registrations: {}", spec.name(), node,
                    e.toString());
        }
    }

    private Optional<Capacity> recordedCapacity() {
        try {
            JsonNode n = JSON.readTree(client.getData().forPath(capacityPath));
            return Optional.of(Capacity.of(n.get("min").asInt(), n.get("desired").asInt(), n.get("max").asInt()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            log.warn("availability group {}: the capacity recorded at {} cannot be read ({}); starting at {}",
                    spec.name(), capacityPath, e.toString(), spec.capacity());
            return Optional.empty();
        }
    }

    private void record(Capacity c) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(JSON.createObjectNode().put("min", c.min())
                    .put("desired", c.desired()).put("max", c.max()));
            client.create().orSetData().creatingParentsIfNeeded().forPath(capacityPath, bytes);
        } catch (Exception e) {
            log.warn("availability group {}: cannot record capacity {} at {}: {}", spec.name(), c, capacityPath,
                    e.toString());
        }
    }

    /**
     * Tells whether this node owns the group and runs it now.
     *
     * @return whether the group runs here
     */
    public boolean owns() {
        return running != null;
    }

    /**
     * Returns the group while it runs here.
     *
     * @return the running group, or empty on a node that does not own it
     */
    @Override
    public Optional<RunningAvailabilityGroup> group() {
        return Optional.ofNullable(running);
    }

    /**
     * Returns the node that holds the group's latch, as ZooKeeper says now.
     *
     * @return its name, or empty if none does (or ZooKeeper cannot say)
     */
    @Override
    public Optional<String> owner() {
        try {
            Participant p = latch.getLeader();
            return p.isLeader() ? Optional.of(p.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Stops the group if it runs here, and leaves the choice of owner (another node takes the group). */
    @Override
    public void close() {
        closed = true;
        try {
            lifecycle.submit(this::disown).get(drain.toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("availability group {}: stopping on node {}: {}", spec.name(), node, e.toString());
        } finally {
            client.getConnectionStateListenable().removeListener(connection);
            latchWatch.close();
            owners.tryEmitComplete();
            try {
                latch.close();
            } catch (Exception e) {
                log.debug("availability group {}: leaving the choice: {}", spec.name(), e.toString());
            }
            lifecycle.shutdownNow();
            registry.dispose();
        }
    }

    @Override
    public String toString() {
        return "owner of availability group " + spec.name() + " on node " + node;
    }

    /**
     * The group's instances registered in ZooKeeper, off the group's control context: each an ephemeral node
     * {@code INSTANCE_ID@NODE} holding a serialized {@link ServiceInstance}, so that the instances of two terms
     * never share a node.
     */
    private final class Registering implements GroupMembership {

        private final long myTerm;
        private final AnyPayloadSerializer serializer = new AnyPayloadSerializer();

        Registering(long term) {
            this.myTerm = term;
        }

        private String path(InstanceInfo instance) {
            return instancesPath + '/' + spec.name() + '/' + instance.id() + '@' + node;
        }

        private boolean current() {
            return inTerm && term == myTerm && latch.hasLeadership();
        }

        @Override
        public void register(InstanceInfo instance) {
            InetSocketAddress address = instance.address().orElseThrow();
            registry.schedule(() -> {
                if (!current()) {
                    return;
                }
                try {
                    byte[] bytes = serializer.serialize(ServiceInstance.<Void>builder().name(spec.name())
                            .id(instance.id() + '@' + node).address(address.getHostString()).port(address.getPort())
                            .serviceType(ServiceType.DYNAMIC).build());
                    client.create().orSetData().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                            .forPath(path(instance), bytes);
                    log.info("availability group {}: instance {} at {} registered", spec.name(), instance.id(),
                            address);
                } catch (Exception e) {
                    log.warn("availability group {}: cannot register instance {}: {}", spec.name(), instance.id(),
                            e.toString());
                }
            });
        }

        @Override
        public Mono<Void> deregister(InstanceInfo instance) {
            return Mono.<Void>fromRunnable(() -> {
                if (!current()) {
                    return; // the term has ended: its registrations went with it
                }
                try {
                    client.delete().quietly().forPath(path(instance));
                } catch (Exception e) {
                    log.warn("availability group {}: cannot unregister instance {}: {}", spec.name(), instance.id(),
                            e.toString());
                }
            }).subscribeOn(registry).then(Mono.delay(drain).then());
        }
    }
}
