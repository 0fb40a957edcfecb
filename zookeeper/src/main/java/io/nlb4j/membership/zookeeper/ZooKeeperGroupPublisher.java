package io.nlb4j.membership.zookeeper;

import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes an availability group's in-service instances to ZooKeeper, in Curator's service-discovery layout
 * ({@code basePath/service/INSTANCE_ID}, ephemeral), so that anything reading that layout finds them: a
 * {@code zookeeper} provider of another load balancer, {@code curator-x-discovery}'s own {@code ServiceProvider},
 * Spring Cloud Zookeeper. An instance is published when it comes into service and withdrawn when it starts to
 * drain (before its connections have drained, so that no reader sends it more). Each node's name is the instance's
 * id. Registrations go with the client's session and are made again by Curator when a new session starts; closing
 * the publisher withdraws them. The client is not closed.
 */
public final class ZooKeeperGroupPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperGroupPublisher.class);

    private final String source;
    private final String service;
    private final ServiceDiscovery<Void> discovery;
    private final Scheduler worker;
    private final Map<String, ServiceInstance<Void>> published = new HashMap<>();
    private final Disposable events;

    private ZooKeeperGroupPublisher(RunningAvailabilityGroup group, CuratorFramework client, String basePath,
                                    String service) throws Exception {
        this.service = service;
        this.source = "availability group " + group.spec().name() + " -> zookeeper " + basePath + '/' + service;
        this.discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client).basePath(basePath)
                .serializer(new AnyPayloadSerializer()).build();
        discovery.start();
        // ZooKeeper is written from a thread of the publisher's own: the group's events come from its control
        // context, which must not block.
        this.worker = Schedulers.newSingle("nlb4j-zk-publish-" + service, true);
        this.events = group.events().publishOn(worker).subscribe(this::on);
        worker.schedule(() -> {
            for (InstanceInfo i : group.instances()) {
                if (i.state() == InstanceState.IN_SERVICE && i.address().isPresent()) {
                    publish(i.id(), i.address().get());
                }
            }
        });
    }

    /**
     * Starts publishing a group's in-service instances.
     *
     * @param group the running group
     * @param client a started Curator client (not closed by the publisher)
     * @param basePath the discovery base path, such as {@code /services}
     * @param service the service name to publish under
     * @return the publisher; closing it withdraws what it published
     * @throws Exception if the discovery cannot start
     */
    public static ZooKeeperGroupPublisher publish(RunningAvailabilityGroup group, CuratorFramework client,
                                                  String basePath, String service) throws Exception {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(client, "client");
        return new ZooKeeperGroupPublisher(group, client, basePath, service);
    }

    private void on(GroupEvent e) {
        if (e instanceof GroupEvent.InService s) {
            publish(s.instance(), s.address());
        } else if (e instanceof GroupEvent.Draining d) {
            withdraw(d.instance());
        } else if (e instanceof GroupEvent.Terminated t) {
            withdraw(t.instance());
        }
    }

    private void publish(String id, InetSocketAddress address) {
        if (published.containsKey(id)) {
            return;
        }
        try {
            ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name(service).id(id)
                    .address(address.getHostString()).port(address.getPort()).serviceType(ServiceType.DYNAMIC)
                    .build();
            discovery.registerService(instance);
            published.put(id, instance);
            log.info("{}: published {} at {}", source, id, address);
        } catch (Exception ex) {
            log.warn("{}: cannot publish {} at {}: {}", source, id, address, ex.toString());
        }
    }

    private void withdraw(String id) {
        ServiceInstance<Void> instance = published.remove(id);
        if (instance == null) {
            return;
        }
        try {
            discovery.unregisterService(instance);
            log.info("{}: withdrew {}", source, id);
        } catch (Exception ex) {
            log.warn("{}: cannot withdraw {}: {}", source, id, ex.toString());
        }
    }

    /**
     * Returns the ids of the instances published now.
     *
     * @return the ids
     */
    public Set<String> published() {
        return CompletableFuture.supplyAsync(() -> Set.copyOf(published.keySet()),
                r -> worker.schedule(r)).join();
    }

    /** Withdraws what was published and stops following the group. */
    @Override
    public void close() {
        events.dispose();
        CompletableFuture.runAsync(() -> {
            try {
                discovery.close(); // unregisters each service it registered
            } catch (Exception ex) {
                log.debug("{}: closing: {}", source, ex.toString());
            }
            published.clear();
        }, r -> worker.schedule(r)).join();
        worker.dispose();
    }

    @Override
    public String toString() {
        return source;
    }
}
