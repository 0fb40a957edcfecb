package io.nlb4j.balancer.group;

import static io.nlb4j.balancer.group.GroupSpecs.SERVICE;
import static io.nlb4j.balancer.group.GroupSpecs.settledAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.group.InstanceServer.ClientConnection;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.InstanceLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * An availability group behind a load balancer scales 2 → 6 → 2 over three zones while 50 clients send
 * byte-checked traffic, a few of them on long-lived connections. The scenario runs once; each test checks one
 * promise against what was recorded: no client connection fails, new instances take client connections only
 * after passing their health check, leaving instances take none after they start draining and are terminated
 * only once drained, and the zones stay balanced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScalingThroughLoadBalancerTest {

    private static final Logger log = LoggerFactory.getLogger(ScalingThroughLoadBalancerTest.class);

    private static final String GROUP = "web-ag";
    private static final List<String> ZONES = List.of("az-a", "az-b", "az-c");
    private static final int SHORT_LIVED_CLIENTS = 45;
    private static final int LONG_LIVED_CLIENTS = 5;
    private static final Duration DRAINING = Duration.ofSeconds(5);
    /** How long a long-lived client holds a connection: well within the draining timeout. */
    private static final long HOLD_MILLIS = 1200;
    private static final Duration STEP = Duration.ofSeconds(15);

    /** What {@code instances()} returned, each distinct value once, with the desired capacity read with it. */
    private record Snapshot(List<InstanceInfo> instances, int desired) {
        boolean settled() {
            return instances.size() == desired
                    && instances.stream().allMatch(i -> i.state() == InstanceState.IN_SERVICE);
        }
    }

    private final Timeline timeline = new Timeline();
    private final InstanceServers servers = new InstanceServers(timeline);
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private RunningLoadBalancer lb;
    private Disposable following;
    private Traffic traffic;
    private Set<String> initial;
    private Set<String> scaledOut;
    private Set<String> remaining;
    private long trafficStartSeq;

    @BeforeAll
    void runScenario() throws Exception {
        AvailabilityGroup group = GroupSpecs.group(GROUP, InstanceLauncher.inProcess(servers),
                ZONES.toArray(String[]::new)).capacity(2, 2, 6).build();
        lb = NetworkLoadBalancer.startNow(GroupSpecs.loadBalancer("scaling-lb", group, DRAINING), GroupSpecs.options());
        following = timeline.follow(lb, GROUP);
        RunningAvailabilityGroup running = lb.availabilityGroup(GROUP);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sample(running, sampling), "instances-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            initial = ids(GroupSpecs.awaitSettledAt(lb, GROUP, 2, STEP));
            trafficStartSeq = timeline.tick();
            traffic = new Traffic(lb.listener(0).boundAddress(), timeline, SHORT_LIVED_CLIENTS, LONG_LIVED_CLIENTS,
                    20, HOLD_MILLIS);
            await().atMost(STEP).until(() -> traffic.succeeded() >= 300 || traffic.failed() > 0);

            running.setDesiredCapacity(6).block(STEP);
            scaledOut = ids(GroupSpecs.awaitSettledAt(lb, GROUP, 6, STEP));
            scaledOut.removeAll(initial);
            // every instance serves a share of the traffic before the scale-in
            await().atMost(STEP).until(() -> running.instances().stream()
                    .allMatch(i -> servers.clientConnections(i.id()) >= 50));

            running.setDesiredCapacity(2).block(STEP);
            await().atMost(STEP).until(() -> settledAt(lb, GROUP, 2)
                    && timeline.of(GroupEvent.Terminated.class).size() == 4);
            remaining = ids(running.instances());
            long before = traffic.succeeded();
            await().atMost(STEP).until(() -> traffic.succeeded() >= before + 300 || traffic.failed() > 0);
        } finally {
            if (traffic != null) {
                traffic.close();
            }
            sampling.set(false);
            sampler.join(5_000);
        }
        log.info("scenario: {} client connections succeeded, {} failed, {} mismatched, {} long-lived round trips;"
                        + " client connections per instance: {}", traffic.succeeded(), traffic.failed(),
                traffic.mismatched(), traffic.longLivedRoundTrips(), servers.all().stream()
                        .sorted(Comparator.comparing(InstanceServer::instanceId))
                        .map(s -> s.instanceId() + "=" + s.clientConnections().size())
                        .collect(Collectors.joining(", ")));
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
        if (following != null) {
            following.dispose();
        }
    }

    @Test
    void noClientConnectionFailsOrLosesAByte() {
        assertThat(traffic.failures()).as("failed or mismatched connections").isEmpty();
        assertThat(traffic.failed()).isZero();
        assertThat(traffic.mismatched()).isZero();
        assertThat(traffic.succeeded()).isGreaterThanOrEqualTo(600);
        assertThat(traffic.longLivedRoundTrips()).isPositive();
    }

    @Test
    void theGroupScaledOutByFourAndInByFour() {
        assertThat(initial).hasSize(2);
        assertThat(scaledOut).hasSize(4);
        assertThat(timeline.of(GroupEvent.Terminated.class)).extracting(e -> e.event().instance()).hasSize(4)
                .doesNotHaveDuplicates().allMatch(id -> !remaining.contains(id));
        assertThat(timeline.of(GroupEvent.Terminated.class)).allSatisfy(e -> assertThat(e.event().error()).isEmpty());
        assertThat(remaining).hasSize(2);
        // the service's servers are exactly the remaining instances, healthy and never removed: every leaving
        // server was removed, and no other
        assertThat(lb.backendService(SERVICE).servers()).extracting(ServerStats::address)
                .containsExactlyInAnyOrderElementsOf(lb.availabilityGroup(GROUP).instances().stream()
                        .map(GroupSpecs::address).collect(Collectors.toList()));
        assertThat(lb.backendService(SERVICE).servers())
                .allSatisfy(s -> assertThat(s.health()).isEqualTo(HealthStatus.HEALTHY));
        assertThat(lb.availabilityGroup(GROUP).instances()).extracting(GroupSpecs::address)
                .allMatch(a -> timeline.first(LoadBalancerEvent.ServerRemoved.class, a).isEmpty());
    }

    @Test
    void newInstancesTakeClientConnectionsOnlyAfterPassingTheirHealthCheck() {
        for (String id : scaledOut) {
            InstanceServer server = servers.byId(id);
            long added = timeline.seq(LoadBalancerEvent.ServerAdded.class, server.address());
            Timeline.Entry<LoadBalancerEvent.ServerHealthy> healthyEntry = timeline.get(
                    LoadBalancerEvent.ServerHealthy.class, server.address());
            assertThat(healthyEntry.event().cause()).isEqualTo(LoadBalancerEvent.HealthCause.HEALTH_CHECK);
            long healthy = healthyEntry.seq();
            // registered with the load balancer as the group puts it in service
            assertThat(added).as("%s added, then in service", server)
                    .isLessThan(timeline.seq(GroupEvent.InService.class, id));
            assertThat(added).as("%s added, then healthy", server).isLessThan(healthy);
            List<ClientConnection> connections = server.clientConnections();
            assertThat(connections).as("client connections of %s", server).isNotEmpty();
            assertThat(connections.stream().mapToLong(ClientConnection::acceptSeq).min().orElseThrow())
                    .as("first client connection of %s (ServerHealthy was #%d)", server, healthy)
                    .isGreaterThan(healthy);
        }
        // the first two instances were healthy before any client started
        for (String id : initial) {
            assertThat(servers.byId(id).clientConnections()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.acceptSeq()).isGreaterThan(trafficStartSeq));
        }
    }

    @Test
    void leavingInstancesTakeNoNewConnectionsAndAreTerminatedOnlyOnceDrained() {
        Set<String> left = timeline.of(GroupEvent.Terminated.class).stream().map(e -> e.event().instance())
                .collect(Collectors.toSet());
        int drainedWhileServing = 0;
        for (String id : left) {
            InstanceServer server = servers.byId(id);
            Timeline.Entry<GroupEvent.Draining> groupDraining = timeline.get(GroupEvent.Draining.class, id);
            assertThat(groupDraining.event().reason()).as("why %s drained", server)
                    .isEqualTo(GroupEvent.DrainReason.SCALE_IN);
            Timeline.Entry<LoadBalancerEvent.ServerDraining> serverDraining = timeline.get(
                    LoadBalancerEvent.ServerDraining.class, server.address());
            assertThat(serverDraining.event().cause()).isEqualTo(LoadBalancerEvent.LeaveCause.LEFT_SOURCE);
            assertThat(serverDraining.event().drainTimeout()).isEqualTo(DRAINING);
            long draining = serverDraining.seq();
            Timeline.Entry<LoadBalancerEvent.ServerRemoved> removed = timeline.get(
                    LoadBalancerEvent.ServerRemoved.class, server.address());
            long terminated = timeline.seq(GroupEvent.Terminated.class, id);
            assertThat(List.of(groupDraining.seq(), draining, removed.seq(), server.closeSeq(), terminated))
                    .as("%s: group Draining, ServerDraining, ServerRemoved, handle closed, group Terminated; %s",
                            server, timeline.describe())
                    .isSorted().doesNotHaveDuplicates();
            assertThat(removed.event().outcome()).as("%s left once drained, not at the draining timeout", server)
                    .isIn(LoadBalancerEvent.RemovalOutcome.DRAINED, LoadBalancerEvent.RemovalOutcome.NO_CONNECTIONS);
            assertThat(removed.event().closedConnections()).isZero();
            for (ClientConnection c : server.clientConnections()) {
                assertThat(traffic.conn(c.id()).startSeq)
                        .as("client connection %d accepted by %s was opened before its SERVER_DRAINING", c.id(), server)
                        .isLessThan(draining);
            }
            boolean servedThroughDraining = server.clientConnections().stream().map(c -> traffic.conn(c.id()))
                    .anyMatch(c -> c.lastOkSeq > draining);
            if (servedThroughDraining) {
                drainedWhileServing++;
            }
        }
        assertThat(left).hasSize(4);
        // draining was exercised: some leaving instance still served an open connection after it started draining
        assertThat(drainedWhileServing).isPositive();
    }

    @Test
    void zonesNeverDifferByMoreThanOneInstance() {
        assertThat(snapshots).isNotEmpty();
        List<List<Integer>> settledCounts = new ArrayList<>();
        for (Snapshot s : snapshots) {
            // the instances that count towards the desired capacity are spread at every step...
            List<Integer> active = perZone(s.instances().stream()
                    .filter(i -> i.state() == InstanceState.PENDING || i.state() == InstanceState.IN_SERVICE)
                    .collect(Collectors.toList()));
            assertThat(spread(active)).as("pending and in-service instances per zone %s in %s", active, s)
                    .isLessThanOrEqualTo(1);
            if (s.settled()) {
                // ...and once settled, all of them are
                List<Integer> all = perZone(s.instances());
                assertThat(spread(all)).as("instances per zone %s in settled %s", all, s).isLessThanOrEqualTo(1);
                if (settledCounts.isEmpty() || !settledCounts.get(settledCounts.size() - 1).equals(all)) {
                    settledCounts.add(all);
                }
            }
        }
        assertThat(settledCounts).as("settled instances per zone %s", ZONES)
                .contains(List.of(2, 2, 2))
                .first().satisfies(c -> assertThat(c.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2));
        assertThat(settledCounts.get(settledCounts.size() - 1).stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
        assertThat(lb.availabilityGroup(GROUP).instances()).extracting(InstanceInfo::zone).doesNotHaveDuplicates();
    }

    private void sample(RunningAvailabilityGroup group, AtomicBoolean sampling) {
        List<InstanceInfo> last = null;
        while (sampling.get()) {
            List<InstanceInfo> now = group.instances();
            int desired = group.capacity().desired();
            if (!now.equals(last) && now.equals(group.instances())) {
                snapshots.add(new Snapshot(now, desired));
                last = now;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static List<Integer> perZone(List<InstanceInfo> instances) {
        List<Integer> counts = new ArrayList<>();
        for (String zone : ZONES) {
            counts.add((int) instances.stream().filter(i -> i.zone().equals(zone)).count());
        }
        return counts;
    }

    private static int spread(List<Integer> counts) {
        return counts.stream().mapToInt(Integer::intValue).max().orElse(0)
                - counts.stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    private static Set<String> ids(List<InstanceInfo> instances) {
        return instances.stream().map(InstanceInfo::id).collect(Collectors.toCollection(HashSet::new));
    }
}
