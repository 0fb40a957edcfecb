package io.nlb4j.balancer.group;

import static io.nlb4j.balancer.group.GroupSpecs.settledAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerEvent.HealthCause;
import io.nlb4j.balancer.LoadBalancerEvent.RemovalOutcome;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.balancer.group.InstanceServer.ClientConnection;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.InstanceLauncher;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * An instance whose server stops accepting connections while it stays alive is found unhealthy by the load
 * balancer's health check and, once unhealthy for longer than {@code replaceUnhealthyAfter}, replaced: a new
 * instance in the same zone goes into service first, then the old one drains and is terminated. Clients
 * connecting throughout never notice.
 */
class ReplacementThroughLoadBalancerTest {

    private static final String GROUP = "rep-ag";
    private static final Duration REPLACE_AFTER = Duration.ofMillis(500);
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final int SHORT_LIVED = 8;
    /** Connection ids of the test's own connections, apart from those of {@link Traffic}. */
    private static final long PINNED_IDS = 1_000_000_000L;

    private final Timeline timeline = new Timeline();
    private final InstanceServers servers = new InstanceServers(timeline);

    @Test
    void anInstanceThatStopsAcceptingIsReplacedNewFirstWhileEveryClientSucceeds() throws Exception {
        AvailabilityGroup group = GroupSpecs.group(GROUP, InstanceLauncher.inProcess(servers), "az-a", "az-b")
                .capacity(2, 2, 4).replaceUnhealthyAfter(REPLACE_AFTER).build();
        Traffic traffic = null;
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(
                GroupSpecs.loadBalancer("replacing-lb", group, Duration.ofSeconds(3)), GroupSpecs.options())) {
            Disposable following = timeline.follow(lb, GROUP);
            List<InstanceInfo> before = GroupSpecs.awaitSettledAt(lb, GROUP, 2, STEP);
            InstanceServer victim = servers.byId(before.get(0).id());
            InstanceServer other = servers.byId(before.get(1).id());
            traffic = new Traffic(lb.listener(0).boundAddress(), timeline, SHORT_LIVED, 2, 20, 800);
            Traffic t = traffic;
            await().atMost(STEP).until(() -> victim.clientConnections().size() >= 20
                    && other.clientConnections().size() >= 20 || t.failed() > 0);

            // A connection held open on the victim through the failure: it keeps working while the victim is
            // unhealthy and draining, and the victim is removed only once it has closed.
            Socket pinned = pinTo(victim, lb.listener(0).boundAddress());

            victim.stopAccepting();
            long fault = victim.stoppedAcceptingSeq();

            await().atMost(STEP).until(() -> timeline.first(LoadBalancerEvent.ServerDraining.class, victim.address())
                    .isPresent());
            // The connections the load balancer forwarded to the victim that its server never saw: those its
            // kernel had queued when the listening socket closed, and reset.
            ServerStats victimStats = lb.backendService(GroupSpecs.SERVICE).servers().stream()
                    .filter(s -> s.address().equals(victim.address())).findFirst().orElseThrow();
            assertThat(victimStats.state()).isEqualTo(ServerStats.State.DRAINING);
            assertThat(victimStats.servesTraffic()).isFalse();
            long queuedAndReset = victimStats.totalConnections() - victim.clientConnections().size();
            byte[] data = new byte[4096];
            ThreadLocalRandom.current().nextBytes(data);
            assertEchoes(pinned, data);
            long pinnedClosed = timeline.tick();
            pinned.close();

            await().atMost(STEP).until(() -> timeline.first(GroupEvent.Terminated.class, victim.instanceId())
                    .isPresent() && settledAt(lb, GROUP, 2));
            List<String> after = lb.availabilityGroup(GROUP).instances().stream().map(InstanceInfo::id)
                    .collect(Collectors.toList());
            assertThat(after).hasSize(2).contains(other.instanceId()).doesNotContain(victim.instanceId());
            InstanceServer replacement = servers.byId(after.stream().filter(id -> !id.equals(other.instanceId()))
                    .findFirst().orElseThrow());
            await().atMost(STEP).until(() -> replacement.clientConnections().size() >= 20 || t.failed() > 0);
            traffic.close();
            following.dispose();

            // Every client connection succeeded, through the failure and the replacement.
            assertOnlyQueuedConnectionsWereReset(traffic, fault, queuedAndReset);

            String v = victim.instanceId();
            String n = replacement.instanceId();
            String log = timeline.describe();
            // The load balancer's health check finds the victim unhealthy (passive outlier detection may eject it
            // even earlier, but only the health check reports to the group); the group replaces it only after
            // REPLACE_AFTER.
            Timeline.Entry<LoadBalancerEvent.ServerUnhealthy> unhealthy = timeline.first(
                            LoadBalancerEvent.ServerUnhealthy.class,
                            e -> e.server().equals(victim.address()) && e.cause() == HealthCause.HEALTH_CHECK)
                    .orElseThrow(() -> new AssertionError("no health-check ServerUnhealthy for " + victim + log));
            assertThat(unhealthy.event().status()).isEqualTo(HealthStatus.UNHEALTHY);
            Timeline.Entry<GroupEvent.Replacing> replacing = timeline.get(GroupEvent.Replacing.class, v);
            assertThat(unhealthy.seq()).as(log).isGreaterThan(victim.stoppingSeq()).isLessThan(replacing.seq());
            assertThat(TimeUnit.NANOSECONDS.toMillis(replacing.nanos() - unhealthy.nanos()))
                    .as("time from ServerUnhealthy to Replacing").isGreaterThanOrEqualTo(REPLACE_AFTER.toMillis());
            assertThat(replacing.event().allowed()).isEqualTo(REPLACE_AFTER);
            assertThat(replacing.event().unhealthyFor()).isGreaterThanOrEqualTo(REPLACE_AFTER);
            assertThat(replacing.event().zone()).isEqualTo(victim.zone());
            assertThat(timeline.of(GroupEvent.Replacing.class)).as(log).extracting(e -> e.event().instance())
                    .containsExactly(v);
            assertThat(timeline.first(LoadBalancerEvent.ServerUnhealthy.class, other.address())).as(log).isEmpty();

            // The replacement is launched in the victim's zone and in service (registered with the load balancer)
            // before the victim drains; the victim is terminated only once drained.
            assertThat(replacement.zone()).isEqualTo(victim.zone());
            Timeline.Entry<GroupEvent.Launching> launching = timeline.get(GroupEvent.Launching.class, n);
            assertThat(launching.event().replacing()).as(log).contains(v);
            assertThat(launching.event().zone()).isEqualTo(victim.zone());
            Timeline.Entry<GroupEvent.InService> inService = timeline.get(GroupEvent.InService.class, n);
            assertThat(inService.event().replacing()).contains(v);
            assertThat(inService.event().address()).isEqualTo(replacement.address());
            Timeline.Entry<GroupEvent.Draining> draining = timeline.get(GroupEvent.Draining.class, v);
            assertThat(draining.event().reason()).isEqualTo(GroupEvent.DrainReason.REPLACED);
            Timeline.Entry<LoadBalancerEvent.ServerDraining> serverDraining = timeline.get(
                    LoadBalancerEvent.ServerDraining.class, victim.address());
            assertThat(serverDraining.event().cause()).isEqualTo(LoadBalancerEvent.LeaveCause.LEFT_SOURCE);
            Timeline.Entry<LoadBalancerEvent.ServerRemoved> removed = timeline.get(
                    LoadBalancerEvent.ServerRemoved.class, victim.address());
            Timeline.Entry<GroupEvent.Terminated> terminated = timeline.get(GroupEvent.Terminated.class, v);
            assertThat(terminated.event().error()).isEmpty();
            assertThat(List.of(
                    replacing.seq(),
                    launching.seq(),
                    timeline.seq(LoadBalancerEvent.ServerAdded.class, replacement.address()),
                    inService.seq(),
                    draining.seq(),
                    serverDraining.seq(),
                    removed.seq(),
                    victim.closeSeq(),
                    terminated.seq()))
                    .as("Replacing %s, Launching %s, ServerAdded, InService %s, Draining %s, ServerDraining,"
                            + " ServerRemoved, handle closed, Terminated %s; %s", v, n, n, v, v, log)
                    .isSorted().doesNotHaveDuplicates();
            assertThat(removed.seq()).as("the victim was removed once the connection held on it closed; %s", log)
                    .isGreaterThan(pinnedClosed);
            assertThat(removed.event().outcome()).as(log).isEqualTo(RemovalOutcome.DRAINED);
            assertThat(removed.event().closedConnections()).isZero();
            // With active health checks the victim drains only once its replacement has passed its check, so
            // the service is never a healthy server short because of the replacement.
            Timeline.Entry<LoadBalancerEvent.ServerHealthy> healthyEntry = timeline.get(
                    LoadBalancerEvent.ServerHealthy.class, replacement.address());
            assertThat(healthyEntry.event().cause()).isEqualTo(HealthCause.HEALTH_CHECK);
            long healthy = healthyEntry.seq();
            assertThat(healthy).as(log)
                    .isGreaterThan(timeline.seq(LoadBalancerEvent.ServerAdded.class, replacement.address()))
                    .isLessThan(draining.seq());

            // Clients reach the replacement only once it is healthy, and the victim only if they connected before it
            // stopped accepting.
            assertThat(replacement.clientConnections())
                    .allSatisfy(c -> assertThat(c.acceptSeq()).isGreaterThan(healthy));
            assertThat(victim.clientConnections()).extracting(ClientConnection::id).filteredOn(id -> id < PINNED_IDS)
                    .allSatisfy(id -> assertThat(t.conn(id).startSeq).as("start of connection %d to the victim", id)
                            .isLessThan(fault));
            // ...so every connection opened after the fault was served by the healthy instances
            assertThat(traffic.connections().stream().filter(c -> c.startSeq > fault && c.lastOkSeq > 0).count())
                    .isEqualTo(other.clientConnections().stream()
                            .filter(c -> c.id() < PINNED_IDS && t.conn(c.id()).startSeq > fault)
                            .count() + replacement.clientConnections().size())
                    .isPositive();
        } finally {
            if (traffic != null) {
                traffic.close();
            }
        }
    }

    /**
     * The replacement binds the very port the failed instance freed (an ephemeral port may be handed out again at
     * once): the load balancer, which knows servers by address, must keep the replacement's server when the
     * failed instance is deregistered.
     */
    @Test
    void aReplacementThatBindsTheFailedInstancesFreedPortStaysRegistered() throws Exception {
        AvailabilityGroup group = GroupSpecs.group(GROUP, InstanceLauncher.inProcess(servers), "az-a", "az-b")
                .capacity(2, 2, 4).replaceUnhealthyAfter(REPLACE_AFTER).build();
        Traffic traffic = null;
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(
                GroupSpecs.loadBalancer("port-reuse-lb", group, Duration.ofSeconds(3)), GroupSpecs.options())) {
            Disposable following = timeline.follow(lb, GROUP);
            List<InstanceInfo> before = GroupSpecs.awaitSettledAt(lb, GROUP, 2, STEP);
            InstanceServer victim = servers.byId(before.get(0).id());
            InstanceServer other = servers.byId(before.get(1).id());
            traffic = new Traffic(lb.listener(0).boundAddress(), timeline, SHORT_LIVED, 0, 20, 0);
            Traffic t = traffic;
            await().atMost(STEP).until(() -> victim.clientConnections().size() >= 10
                    && other.clientConnections().size() >= 10 || t.failed() > 0);

            servers.bindNextOn(victim.address().getPort());
            victim.stopAccepting();

            await().atMost(STEP)
                    .until(() -> timeline.first(GroupEvent.Terminated.class, victim.instanceId()).isPresent());
            String n = timeline.of(GroupEvent.Launching.class).stream().map(e -> e.event().instance())
                    .filter(id -> !before.stream().map(InstanceInfo::id).collect(Collectors.toList()).contains(id))
                    .findFirst().orElseThrow();
            assertThat(timeline.get(GroupEvent.Launching.class, n).event().replacing()).contains(victim.instanceId());
            InstanceServer replacement = servers.byId(n);
            assertThat(replacement.address()).isEqualTo(victim.address());
            // the group and the load balancer agree: two instances, their two servers in service and healthy...
            await().atMost(STEP).until(() -> settledAt(lb, GROUP, 2));
            // ...and the replacement takes client connections
            await().atMost(STEP).until(() -> replacement.clientConnections().size() >= 10 || t.failed() > 0);
            traffic.close();
            following.dispose();
            assertOnlyQueuedConnectionsWereReset(traffic, victim.stoppedAcceptingSeq(), SHORT_LIVED);
            assertThat(lb.availabilityGroup(GROUP).instances()).extracting(InstanceInfo::id)
                    .containsExactlyInAnyOrder(other.instanceId(), n);
            // the victim's server entry went, and the replacement's came fresh: it took client connections only
            // after passing its own health check
            String log = timeline.describe();
            long removed = timeline.seq(LoadBalancerEvent.ServerRemoved.class, replacement.address());
            long added = timeline.seq(LoadBalancerEvent.ServerAdded.class, replacement.address());
            long healthy = timeline.of(LoadBalancerEvent.ServerHealthy.class).stream()
                    .filter(e -> e.event().server().equals(replacement.address()) && e.seq() > added).findFirst()
                    .orElseThrow(() -> new AssertionError("no ServerHealthy for the replacement" + log)).seq();
            assertThat(List.of(removed, added, timeline.seq(GroupEvent.InService.class, n), healthy,
                    replacement.clientConnections().get(0).acceptSeq())).as(log).isSorted();
        } finally {
            if (traffic != null) {
                traffic.close();
            }
        }
    }

    /**
     * Asserts that every client connection succeeded with every byte intact — except, possibly, one that the
     * victim's kernel had already accepted into its listening socket's queue when the fault closed that socket:
     * the kernel resets those, after the load balancer has connected and forwarded the client's bytes, which it
     * cannot replay elsewhere. Such a connection was opened before the fault, and each short-lived client has at
     * most one connection under way. Every connection opened after the fault must succeed.
     *
     * @param maxReset how many connections the fault may have reset
     */
    private static void assertOnlyQueuedConnectionsWereReset(Traffic traffic, long fault, long maxReset) {
        assertThat(traffic.mismatched()).as("%s", traffic.failures()).isZero();
        assertThat(traffic.failedConnections()).as("%s", traffic.failures())
                .hasSizeLessThanOrEqualTo((int) Math.min(maxReset, SHORT_LIVED))
                .allSatisfy(c -> {
                    assertThat(c.longLived).isFalse();
                    assertThat(c.startSeq).as("start of failed connection %d", c.id).isLessThan(fault);
                    assertThat(c.failure).containsAnyOf("Connection reset", "EOF after");
                });
        assertThat(traffic.succeeded()).isPositive();
    }

    /** Opens connections through the load balancer until one reaches the given instance, and returns it. */
    private static Socket pinTo(InstanceServer instance, InetSocketAddress address) throws Exception {
        for (int k = 0; k < 20; k++) {
            long id = PINNED_IDS + k;
            Socket s = new Socket();
            s.connect(address, 5_000);
            s.setSoTimeout(10_000);
            assertEchoes(s, InstanceServer.header(id)); // the server records the connection before echoing
            if (instance.clientConnections().stream().anyMatch(c -> c.id() == id)) {
                return s;
            }
            s.close();
        }
        throw new AssertionError("20 connections in a row went elsewhere than " + instance);
    }

    private static void assertEchoes(Socket s, byte[] data) throws Exception {
        s.getOutputStream().write(data);
        byte[] back = new byte[data.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        assertThat(back).isEqualTo(data);
    }
}
