package io.nlb4j.membership.zookeeper;

import io.nlb4j.cluster.ClusterNode;
import io.nlb4j.cluster.ClusterSupport;
import io.nlb4j.cluster.GroupOwnership;
import io.nlb4j.cluster.HealthViews;
import io.nlb4j.group.GroupOptions;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.Cluster;
import java.net.InetAddress;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The cluster support for ZooKeeper ({@code cluster: {zookeeper: {connect, basePath, sessionTimeout}}}): each node
 * makes one Curator client (ownership kept through connection losses shorter than the session), and keeps a load balancer's state under {@code basePath/NAME}: each group's owner
 * latch and capacity under {@code groups/GROUP}, its instances under {@code instances/GROUP}. See
 * {@link ZooKeeperGroupOwner}.
 */
public final class ZooKeeperClusterSupport implements ClusterSupport {

    @Override
    public ClusterNode join(Cluster cluster, String loadBalancer) {
        String node = cluster.node().orElseGet(ZooKeeperClusterSupport::defaultNodeName);
        CuratorFramework client = Curators.connected(CuratorFrameworkFactory.builder().connectString(cluster.connect())
                .sessionTimeoutMs((int) cluster.sessionTimeout().toMillis()).connectionTimeoutMs(5_000)
                .retryPolicy(new ExponentialBackoffRetry(500, 10))
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy()).build(),
                "cluster.zookeeper.connect", cluster.connect());
        return new Node(client, cluster.basePath() + '/' + loadBalancer, node);
    }

    /** This host's name and this process's id, such as {@code lb-host-4242}. */
    static String defaultNodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        String name = (host + '-' + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
        return name.length() > 64 ? name.substring(name.length() - 64) : name;
    }

    private static final class Node implements ClusterNode {
        private final CuratorFramework client;
        private final String base;
        private final String name;

        Node(CuratorFramework client, String base, String name) {
            this.client = client;
            this.base = base;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public MembershipProvider groupInstances(String group) {
            try {
                return new ZooKeeperMembershipProvider(client, false, base + "/instances", group);
            } catch (Exception e) {
                throw new IllegalArgumentException("cluster: the instances of availability group " + group
                        + " cannot be watched under " + base + " (" + e + ')', e);
            }
        }

        @Override
        public GroupOwnership own(AvailabilityGroup group, GroupOptions options, Duration drain) {
            try {
                return ZooKeeperGroupOwner.start(group, client, base, name, options, drain);
            } catch (Exception e) {
                throw new IllegalArgumentException("cluster: availability group " + group.name()
                        + " cannot take part in the choice of its owner under " + base + " (" + e + ')', e);
            }
        }

        @Override
        public HealthViews healthViews(String service) {
            return new ZooKeeperHealthViews(client, base + "/health/" + service, name);
        }

        @Override
        public void close() {
            client.close();
        }

        @Override
        public String toString() {
            return "node " + name + " of " + base;
        }
    }
}
