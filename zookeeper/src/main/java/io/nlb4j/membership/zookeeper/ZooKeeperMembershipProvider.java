package io.nlb4j.membership.zookeeper;

import io.nlb4j.membership.Member;
import io.nlb4j.membership.SnapshotMembershipProvider;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend service's servers from ZooKeeper, in Apache Curator's service-discovery layout
 * ({@code basePath/service/instanceId}, each a serialized {@link ServiceInstance}), as {@code curator-x-discovery}
 * and Spring Cloud Zookeeper register them: each enabled instance with an address and a port is a server (one marked
 * {@code enabled: false} is left out). Watched through a
 * {@link ServiceCache}: instances that come and go (an application's session ends, its ephemeral node goes) are
 * followed. While ZooKeeper is unreachable the last view stands, and the loss is reported; the view is read again
 * when the connection returns. A client passed in is not closed; one the provider made, it closes.
 */
public final class ZooKeeperMembershipProvider extends SnapshotMembershipProvider {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperMembershipProvider.class);

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final String source;
    private final ServiceDiscovery<Void> discovery;
    private final ServiceCache<Void> cache;

    /**
     * Starts watching a service's instances.
     *
     * @param client a started Curator client
     * @param ownsClient whether {@link #close()} closes the client
     * @param basePath the discovery base path, such as {@code /services}
     * @param service the service's name
     * @throws Exception if the discovery or its cache cannot start
     */
    public ZooKeeperMembershipProvider(CuratorFramework client, boolean ownsClient, String basePath, String service)
            throws Exception {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.source = "zookeeper " + basePath + '/' + service;
        this.discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client).basePath(basePath)
                .serializer(new AnyPayloadSerializer()).watchInstances(true).build();
        discovery.start();
        this.cache = discovery.serviceCacheBuilder().name(service).build();
        cache.addListener(new ServiceCacheListener() {
            @Override
            public void cacheChanged() {
                publish();
            }

            @Override
            public void stateChanged(CuratorFramework c, ConnectionState state) {
                changed(state);
            }
        });
        cache.start();
        publish();
    }

    private synchronized void publish() {
        Set<Member> members = new LinkedHashSet<>();
        for (ServiceInstance<Void> i : cache.getInstances()) {
            Integer port = i.getPort() != null ? i.getPort() : i.getSslPort();
            if (i.isEnabled() && i.getAddress() != null && !i.getAddress().isBlank() && port != null && port > 0
                    && port < 65536) {
                members.add(new Member(i.getAddress(), port, 1));
            }
        }
        if (snapshots.publish(members)) {
            log.info("{}: {} servers", source, members.size());
        }
    }

    private synchronized void changed(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            String problem = snapshots.keepingLast(source + ": connection " + state.name().toLowerCase());
            if (snapshots.problem(problem)) {
                log.warn("{}", problem);
            }
        } else if (state == ConnectionState.RECONNECTED) {
            log.info("{}: reconnected", source);
        }
    }


    @Override
    public void close() {
        try {
            cache.close();
            discovery.close();
        } catch (Exception e) {
            log.debug("{}: closing: {}", source, e.toString());
        }
        if (ownsClient) {
            client.close();
        }
        snapshots.complete();
    }

    @Override
    public String toString() {
        return source;
    }
}
