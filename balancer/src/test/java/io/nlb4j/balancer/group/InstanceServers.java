package io.nlb4j.balancer.group;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceFactory;
import io.nlb4j.model.InstanceHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-process launcher's factory: starts an {@link InstanceServer} per instance and keeps them all. */
final class InstanceServers implements InstanceFactory {

    private final Timeline timeline;
    private final Map<String, InstanceServer> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger();

    InstanceServers(Timeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public InstanceHandle start(InstanceContext context) throws IOException {
        int port = nextPort.getAndSet(0);
        if (port != 0) {
            context = new InstanceContext(context.instanceId(), context.group(), context.zone(), context.host(), port,
                    context.labels());
        }
        InstanceServer server = InstanceServer.start(context, timeline);
        byId.put(context.instanceId(), server);
        return server;
    }

    /**
     * Makes the next instance bind the given port instead of an ephemeral one, as the operating system may hand
     * out a port that another instance has just freed.
     */
    void bindNextOn(int port) {
        nextPort.set(port);
    }

    /** Every server started, including those terminated since. */
    List<InstanceServer> all() {
        return new ArrayList<>(byId.values());
    }

    InstanceServer byId(String instanceId) {
        InstanceServer s = byId.get(instanceId);
        if (s == null) {
            throw new AssertionError("no instance " + instanceId + " was started; started: " + byId.keySet());
        }
        return s;
    }

    /** Client connections accepted by one instance, or 0 if it was never started. */
    int clientConnections(String instanceId) {
        InstanceServer s = byId.get(instanceId);
        return s == null ? 0 : s.clientConnections().size();
    }
}
