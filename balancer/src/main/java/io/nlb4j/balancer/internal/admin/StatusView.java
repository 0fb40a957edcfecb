package io.nlb4j.balancer.internal.admin;

import io.nlb4j.balancer.ListenerStats;
import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Durations;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.ServerSource;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import reactor.core.Disposable;

/**
 * The {@code /api/status} document: the load balancer, its listeners, backend services (with their health checks
 * and servers), availability groups (with their instances by zone and state) and its recent events, as plain maps
 * and lists for JSON.
 */
final class StatusView implements AutoCloseable {

    /** How many recent events the document carries. */
    static final int RECENT_EVENTS = 50;

    private final RunningLoadBalancer lb;
    private final Deque<LoadBalancerEvent> recent = new ArrayDeque<>();
    private final Map<String, String> owners = new LinkedHashMap<>();
    private final Disposable subscription;

    StatusView(RunningLoadBalancer lb) {
        this.lb = lb;
        this.subscription = lb.events().subscribe(this::onEvent);
    }

    private synchronized void onEvent(LoadBalancerEvent e) {
        if (e instanceof LoadBalancerEvent.GroupOwnerChanged o) {
            owners.put(o.group(), o.owner().orElse(null));
        }
        recent.addLast(e);
        while (recent.size() > RECENT_EVENTS) {
            recent.removeFirst();
        }
    }

    /** The document now. */
    Map<String, Object> snapshot() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("name", lb.spec().name());
        self.put("region", lb.spec().placement().region());
        self.put("vpc", lb.spec().placement().vpc());
        self.put("zones", lb.spec().placement().zones());
        self.put("time", Instant.now().toString());
        self.put("droppedEvents", lb.droppedEvents());
        doc.put("loadBalancer", self);

        List<Object> listeners = new ArrayList<>();
        Map<String, RunningBackendService> services = new LinkedHashMap<>();
        for (RunningListener l : lb.listeners()) {
            ListenerStats s = l.stats();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.spec().name().orElse(String.valueOf(l.spec().port())));
            m.put("protocol", l.spec().protocol().name());
            m.put("port", l.spec().port());
            m.put("address", address(s.boundAddress()));
            m.put("backendService", l.backendService().spec().name());
            m.put("activeConnections", s.activeConnections());
            m.put("totalConnections", s.totalConnections());
            m.put("rejected", Map.of("denied", s.deniedConnections(), "overLimit", s.overLimitConnections(),
                    "noServer", s.noServerConnections(), "badProxyHeader", s.badProxyHeaderConnections(),
                    "serversFull", s.serversFullConnections()));
            m.put("bytesIn", s.bytesIn());
            m.put("bytesOut", s.bytesOut());
            listeners.add(m);
            services.putIfAbsent(l.backendService().spec().name(), l.backendService());
        }
        doc.put("listeners", listeners);

        List<Object> backendServices = new ArrayList<>();
        List<Object> groups = new ArrayList<>();
        for (RunningBackendService service : services.values()) {
            BackendService spec = service.spec();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", spec.name());
            m.put("scheduling", spec.scheduling().name());
            m.put("sessionPersistence", spec.sessionPersistence().toString());
            m.put("connectionDraining", Durations.format(spec.connectionDraining()));
            m.put("healthCheck", healthCheck(spec.healthCheck()));
            m.put("source", source(spec.servers()));
            List<Object> servers = new ArrayList<>();
            for (ServerStats s : service.servers()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("address", address(s.address()));
                x.put("weight", s.weight());
                x.put("state", lower(s.state().name()));
                x.put("health", lower(s.health().name()));
                x.put("ejected", s.ejected());
                x.put("servesTraffic", s.servesTraffic());
                x.put("activeConnections", s.activeConnections());
                x.put("totalConnections", s.totalConnections());
                x.put("connectFailures", s.connectFailures());
                x.put("bytesToServer", s.bytesToServer());
                x.put("bytesFromServer", s.bytesFromServer());
                servers.add(x);
            }
            m.put("servers", servers);
            backendServices.add(m);
            if (spec.servers() instanceof ServerSource.Group g) {
                groups.add(group(g.group(), spec.name()));
            }
        }
        doc.put("backendServices", backendServices);
        doc.put("availabilityGroups", groups);

        List<Object> events = new ArrayList<>();
        synchronized (this) {
            for (LoadBalancerEvent e : recent) {
                events.add(Map.of("time", e.time().toString(), "type", e.getClass().getSimpleName(),
                        "description", e.description()));
            }
        }
        doc.put("events", events);
        return doc;
    }

    private Map<String, Object> group(AvailabilityGroup spec, String service) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("backendService", service);
        m.put("zones", spec.placement().zones());
        Optional<RunningAvailabilityGroup> running = running(spec.name());
        synchronized (this) {
            if (owners.containsKey(spec.name())) {
                m.put("owner", owners.get(spec.name()));
            }
        }
        m.put("runsHere", running.isPresent());
        m.put("capacity", running.map(g -> Map.of("min", g.capacity().min(), "desired", g.capacity().desired(),
                "max", g.capacity().max())).orElse(Map.of("min", spec.capacity().min(), "desired",
                spec.capacity().desired(), "max", spec.capacity().max())));
        List<Object> instances = new ArrayList<>();
        Map<String, Map<String, Integer>> byZone = new LinkedHashMap<>();
        for (String zone : spec.placement().zones()) {
            byZone.put(zone, new LinkedHashMap<>(Map.of("pending", 0, "in_service", 0, "draining", 0)));
        }
        for (InstanceInfo i : running.map(RunningAvailabilityGroup::instances).orElse(List.of())) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", i.id());
            x.put("zone", i.zone());
            x.put("state", lower(i.state().name()));
            x.put("health", lower(i.health().name()));
            x.put("address", i.address().map(StatusView::address).orElse(null));
            x.put("launchedAt", i.launchedAt().toString());
            instances.add(x);
            byZone.computeIfAbsent(i.zone(), z -> new LinkedHashMap<>()).merge(lower(i.state().name()), 1,
                    Integer::sum);
        }
        m.put("instancesByZone", byZone);
        m.put("instances", instances);
        return m;
    }

    private Optional<RunningAvailabilityGroup> running(String name) {
        try {
            return Optional.of(lb.availabilityGroup(name));
        } catch (RuntimeException e) {
            return Optional.empty(); // another node runs it, or it has stopped
        }
    }

    private static Map<String, Object> healthCheck(HealthCheck check) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", check.type().name());
        m.put("description", check.toString());
        if (check instanceof HealthCheck.Active a) {
            m.put("interval", Durations.format(a.interval()));
            m.put("timeout", Durations.format(a.timeout()));
            m.put("healthyThreshold", a.healthyThreshold());
            m.put("unhealthyThreshold", a.unhealthyThreshold());
        }
        m.put("outlierDetection", check.outlierDetection().toString());
        return m;
    }

    private static String source(ServerSource source) {
        if (source instanceof ServerSource.Group g) {
            return "availability group " + g.group().name();
        }
        if (source instanceof ServerSource.Provider p) {
            return "provider " + p.type();
        }
        return "static";
    }

    private static String address(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
