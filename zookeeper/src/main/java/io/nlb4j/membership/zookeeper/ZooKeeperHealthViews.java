package io.nlb4j.membership.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nlb4j.cluster.HealthViews;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A backend service's health as each node sees it, in ZooKeeper: each node's view is an ephemeral node
 * {@code base/health/SERVICE/NODE} holding the JSON list of the servers ({@code "IP:PORT"}) its checks find
 * unhealthy; every node watches the others' with a {@link CuratorCache}. A node's view goes with its session.
 */
final class ZooKeeperHealthViews implements HealthViews {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperHealthViews.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework client;
    private final String dir;
    private final String node;
    private final String own;
    private final CuratorCache cache;
    private final Scheduler writer;
    private final AtomicReference<Set<InetSocketAddress>> pending = new AtomicReference<>();
    private final Sinks.Many<Map<InetSocketAddress, Integer>> peers = Sinks.many().replay().latest();
    private Map<InetSocketAddress, Integer> last;

    ZooKeeperHealthViews(CuratorFramework client, String dir, String node) {
        this.client = client;
        this.dir = dir;
        this.node = node;
        this.own = dir + '/' + node;
        this.writer = Schedulers.newSingle("nlb4j-health-" + node, true);
        this.cache = CuratorCache.build(client, dir);
        cache.listenable().addListener((type, before, after) -> writer.schedule(this::recount));
        cache.start();
        publish(Set.of());
    }

    @Override
    public void publish(Set<InetSocketAddress> unhealthy) {
        // The latest view wins: views published faster than they are written are written once.
        if (pending.getAndSet(Set.copyOf(unhealthy)) == null) {
            writer.schedule(this::write);
        }
    }

    private void write() {
        Set<InetSocketAddress> view = pending.getAndSet(null);
        if (view == null) {
            return;
        }
        ArrayNode list = JSON.createArrayNode();
        view.stream().map(a -> a.getAddress().getHostAddress() + ':' + a.getPort()).sorted().forEach(list::add);
        try {
            client.create().orSetData().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(own, JSON.writeValueAsBytes(list));
        } catch (Exception e) {
            log.warn("health views {}: cannot publish node {}'s view: {}", dir, node, e.toString());
        }
    }

    /** Counts, per server, the other nodes that find it unhealthy; publishes the counts if they changed. */
    private void recount() {
        Map<InetSocketAddress, Integer> counts = new HashMap<>();
        for (ChildData child : cache.stream().toList()) {
            String path = child.getPath();
            if (path.equals(dir) || path.equals(own) || child.getData() == null) {
                continue;
            }
            try {
                for (JsonNode server : JSON.readTree(child.getData())) {
                    counts.merge(parse(server.asText()), 1, Integer::sum);
                }
            } catch (Exception e) {
                log.debug("health views {}: {} unreadable: {}", dir, path, e.toString());
            }
        }
        if (!counts.equals(last)) {
            last = counts;
            peers.tryEmitNext(Map.copyOf(counts));
        }
    }

    private static InetSocketAddress parse(String ipPort) throws Exception {
        int colon = ipPort.lastIndexOf(':');
        String host = ipPort.substring(0, colon);
        // An IP literal: no lookup happens.
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(ipPort.substring(colon + 1)));
    }

    @Override
    public Flux<Map<InetSocketAddress, Integer>> peersUnhealthy() {
        return peers.asFlux();
    }

    @Override
    public void close() {
        cache.close();
        try {
            client.delete().quietly().forPath(own);
        } catch (Exception e) {
            log.debug("health views {}: withdrawing node {}'s view: {}", dir, node, e.toString());
        }
        peers.tryEmitComplete();
        writer.dispose();
    }
}
