package io.nlb4j.membership.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** What the ZooKeeper tests ask of load balancers, groups and sessions. */
final class ZooKeeperTests {

    private ZooKeeperTests() {
    }

    /** The servers of backend service {@code web} in service (not draining). */
    static Set<InetSocketAddress> inService(RunningLoadBalancer lb) {
        return lb.backendService("web").servers().stream().filter(s -> s.state() == ServerStats.State.IN_SERVICE)
                .map(ServerStats::address).collect(Collectors.toSet());
    }

    /** The addresses of a group's instances that serve traffic. */
    static Set<InetSocketAddress> serving(RunningAvailabilityGroup g) {
        return g.instances().stream().filter(InstanceInfo::servesTraffic).map(i -> i.address().orElseThrow())
                .collect(Collectors.toSet());
    }

    /**
     * Ends a client's session on the server, as its death would once the session timeout passed: a second handle
     * joins the session with its id and password, then closes it. The client learns that its session expired.
     */
    static void expireSession(CuratorFramework client, String connect) throws Exception {
        ZooKeeper own = client.getZookeeperClient().getZooKeeper();
        CountDownLatch joined = new CountDownLatch(1);
        ZooKeeper other = new ZooKeeper(connect, 5000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                joined.countDown();
            }
        }, own.getSessionId(), own.getSessionPasswd());
        try {
            assertThat(joined.await(10, TimeUnit.SECONDS)).as("joined the session").isTrue();
        } finally {
            other.close();
        }
    }
}
