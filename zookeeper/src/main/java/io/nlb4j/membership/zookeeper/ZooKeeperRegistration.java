package io.nlb4j.membership.zookeeper;

import java.util.Objects;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;

/**
 * Registers a server in Curator's service-discovery layout, for applications that do not register themselves: an
 * ephemeral node, gone with the client's session or at {@link #close()}. A load balancer whose service reads
 * {@code basePath/service} through the {@code zookeeper} provider sends it connections.
 */
public final class ZooKeeperRegistration implements AutoCloseable {

    private final ServiceDiscovery<Void> discovery;
    private final ServiceInstance<Void> instance;

    private ZooKeeperRegistration(ServiceDiscovery<Void> discovery, ServiceInstance<Void> instance) {
        this.discovery = discovery;
        this.instance = instance;
    }

    /**
     * Registers a server.
     *
     * @param client a started Curator client (not closed by the registration)
     * @param basePath the discovery base path, such as {@code /services}
     * @param service the service's name
     * @param address the server's address
     * @param port its port
     * @return the registration; closing it unregisters
     * @throws Exception if ZooKeeper refuses the registration
     */
    public static ZooKeeperRegistration register(CuratorFramework client, String basePath, String service,
            String address, int port) throws Exception {
        Objects.requireNonNull(client, "client");
        ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name(service).id(UUID.randomUUID().toString())
                .address(address).port(port).serviceType(ServiceType.DYNAMIC).build();
        ServiceDiscovery<Void> d = ServiceDiscoveryBuilder.builder(Void.class).client(client).basePath(basePath)
                .serializer(new AnyPayloadSerializer()).thisInstance(instance).build();
        d.start();
        return new ZooKeeperRegistration(d, instance);
    }

    /**
     * Returns the instance's id.
     *
     * @return the id, the name of its node
     */
    public String id() {
        return instance.getId();
    }

    /** Unregisters the server. */
    @Override
    public void close() throws Exception {
        discovery.close();
    }
}
