package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.SpecDiff;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.Violation;
import io.netty.channel.ChannelFuture;
import io.nlb4j.membership.MembershipProvider;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A live update worked out before anything changes: which listeners and services of the new specification are the
 * running ones (unchanged or changed in place), which are new, which go, and what the update cannot do. Made in the
 * control context from the running state; then filled in as the update goes (static servers resolved, providers
 * created, new listeners bound) until it is committed or abandoned.
 */
final class UpdatePlan {

    final LoadBalancerSpec next;
    final List<String> problems = new ArrayList<>();
    /** By index in the new specification: the running listener it is, or null for a new one. */
    final ListenerHandle[] matched;
    /** The listeners of the new specification that are new, by index. */
    final List<Integer> addedListeners = new ArrayList<>();
    final List<ListenerHandle> removedListeners = new ArrayList<>();
    final List<SpecDiff.Changed> changedListeners = new ArrayList<>();
    /** Every service of the new specification by name, with the index of the first listener that uses it. */
    final Map<String, BackendService> services = new LinkedHashMap<>();
    final Map<String, Integer> firstListener = new HashMap<>();
    final Set<String> addedServices = new LinkedHashSet<>();
    final Set<String> removedServices = new LinkedHashSet<>();
    /** Services changed in place, with the fields that changed. */
    final Map<String, List<String>> changedServices = new LinkedHashMap<>();
    /** Services whose servers must come from a source of another kind or group: the old source goes. */
    final Set<String> newSources = new LinkedHashSet<>();
    /** Groups whose capacity alone changed: set on the running group. */
    final Map<String, AvailabilityGroup> capacityChanges = new LinkedHashMap<>();
    final boolean securityGroupsChanged;

    // ---- filled in as the update goes ----
    /** Static servers of the new and changed static services, resolved, with their connection limits. */
    final Map<String, Map<InetSocketAddress, Integer>> staticServers = new HashMap<>();
    final Map<String, Map<InetSocketAddress, Integer>> staticLimits = new HashMap<>();
    final Map<String, MembershipProvider> providers = new HashMap<>();
    final Map<String, ServiceRuntime> newRuntimes = new HashMap<>();
    final Map<Integer, ListenerHandle> newHandles = new LinkedHashMap<>();
    final List<ChannelFuture> binds = new ArrayList<>();
    /** Committed, or abandoned: nothing more happens to it. Control context. */
    boolean committed;

    private UpdatePlan(LoadBalancerSpec next, int listeners, boolean securityGroupsChanged) {
        this.next = next;
        this.matched = new ListenerHandle[listeners];
        this.securityGroupsChanged = securityGroupsChanged;
    }

    /**
     * Works out an update.
     *
     * @param current the specification running now
     * @param running the listeners running now
     * @param runningServices the services running now, by name
     * @param next the new specification
     * @param clustered whether this load balancer is a cluster's node (its groups' owners are chosen elsewhere)
     */
    static UpdatePlan of(LoadBalancerSpec current, List<ListenerHandle> running,
                         Map<String, BackendService> runningServices, LoadBalancerSpec next, boolean clustered) {
        UpdatePlan plan = new UpdatePlan(next, next.listeners().size(),
                !current.securityGroups().equals(next.securityGroups()));
        if (!current.name().equals(next.name())) {
            plan.problems.add(new Violation("name", Violation.quoted(next.name()), Violation.quoted(current.name())
                    + ", the running load balancer's name (a load balancer of another name is another one: start it)")
                    .toString());
        }
        if (!current.cluster().equals(next.cluster())) {
            plan.problems.add(new Violation("cluster", next.cluster().isPresent() ? "changed" : "absent",
                    "the running cluster settings, " + current.cluster().map(Object::toString).orElse("none")
                            + " (the cluster a node belongs to is not changed live: restart the node)").toString());
        }
        if (!current.placement().equals(next.placement())) {
            plan.problems.add(new Violation("placement", "changed", "the running placement (region, network and"
                    + " zones are not changed live)").toString());
        }
        plan.matchListeners(running);
        plan.matchServices(runningServices, clustered);
        return plan;
    }

    /** The key a listener is known by across specifications: its port, or its name when its port is ephemeral. */
    private static String key(Listener l, int index) {
        if (l.port() != 0) {
            return "port " + l.port();
        }
        return l.name().map(n -> "name " + n).orElse("ephemeral " + index);
    }

    private void matchListeners(List<ListenerHandle> running) {
        Map<String, ListenerHandle> byKey = new LinkedHashMap<>();
        for (ListenerHandle h : running) {
            byKey.put(key(h.spec(), h.id().index()), h);
        }
        for (int i = 0; i < next.listeners().size(); i++) {
            Listener l = next.listeners().get(i);
            ListenerHandle h = byKey.remove(key(l, i));
            matched[i] = h;
            if (h == null) {
                addedListeners.add(i);
                continue;
            }
            List<String> fields = listenerFields(h.spec(), l);
            if (!fields.isEmpty()) {
                changedListeners.add(new SpecDiff.Changed(h.id().toString(), fields));
            }
        }
        removedListeners.addAll(byKey.values());
    }

    /** The fields of a listener that differ, leaving out its service's own (a service is compared by itself). */
    static List<String> listenerFields(Listener a, Listener b) {
        List<String> out = new ArrayList<>();
        if (!a.name().equals(b.name())) {
            out.add("name");
        }
        if (!a.idleTimeout().equals(b.idleTimeout())) {
            out.add("idleTimeout");
        }
        if (!a.maxConnections().equals(b.maxConnections())) {
            out.add("maxConnections");
        }
        if (a.acceptProxyProtocol() != b.acceptProxyProtocol()) {
            out.add("acceptProxyProtocol");
        }
        if (!a.backendService().name().equals(b.backendService().name())) {
            out.add("backendService");
        }
        return out;
    }

    private void matchServices(Map<String, BackendService> running, boolean clustered) {
        for (int i = 0; i < next.listeners().size(); i++) {
            BackendService bs = next.listeners().get(i).backendService();
            if (services.putIfAbsent(bs.name(), bs) == null) {
                firstListener.put(bs.name(), i);
            }
        }
        Map<String, AvailabilityGroup> runningGroups = new HashMap<>();
        running.values().forEach(bs -> {
            if (bs.servers() instanceof ServerSource.Group g) {
                runningGroups.put(g.group().name(), g.group());
            }
        });
        for (Map.Entry<String, BackendService> e : services.entrySet()) {
            String name = e.getKey();
            BackendService bs = e.getValue();
            String path = "listeners[" + firstListener.get(name) + "].backendService";
            BackendService before = running.get(name);
            if (bs.servers() instanceof ServerSource.Group g) {
                AvailabilityGroup was = runningGroups.get(g.group().name());
                if (was != null && !was.equals(g.group())) {
                    if (!was.equals(g.group().toBuilder().capacity(was.capacity()).build())) {
                        problems.add(new Violation(path + ".servers.availabilityGroup", Violation.quoted(
                                g.group().name()) + " changed beyond its capacity", "the running group with only its"
                                + " capacity changed, or a group of another name, which replaces it (a running group's"
                                + " template, placement, target tracking and replacement are not changed live)")
                                .toString());
                    } else if (clustered) {
                        problems.add(new Violation(path + ".servers.availabilityGroup.capacity", String.valueOf(
                                g.group().capacity()), "the running capacity (on a cluster's node, the group's owner"
                                + " sets it: use its API)").toString());
                    } else {
                        capacityChanges.put(g.group().name(), g.group());
                    }
                }
            }
            if (before == null) {
                addedServices.add(name);
                if (clustered && bs.servers() instanceof ServerSource.Group) {
                    problems.add(new Violation(path + ".servers.availabilityGroup", Violation.quoted(name),
                            "a service of the running specification (on a cluster's node, services of availability"
                                    + " groups are not added live)").toString());
                }
                continue;
            }
            List<String> fields = serviceFields(before, bs);
            if (fields.isEmpty()) {
                continue;
            }
            changedServices.put(name, fields);
            boolean staticBoth = before.servers() instanceof ServerSource.Static
                    && bs.servers() instanceof ServerSource.Static;
            boolean sameGroup = before.servers() instanceof ServerSource.Group a
                    && bs.servers() instanceof ServerSource.Group b && a.group().name().equals(b.group().name());
            if (sameGroup && fields.contains("port")) {
                problems.add(new Violation(path + ".port", bs.port().isPresent() ? String.valueOf(
                        bs.port().getAsInt()) : "absent", "the running port, " + (before.port().isPresent()
                        ? before.port().getAsInt() : "none") + " (the instances of a running availability group listen"
                        + " where they were launched)").toString());
            }
            if (fields.contains("servers") && !staticBoth && !sameGroup) {
                if (clustered && (before.servers() instanceof ServerSource.Group
                        || bs.servers() instanceof ServerSource.Group)) {
                    problems.add(new Violation(path + ".servers", "another source", "the running source (on a"
                            + " cluster's node, a service's availability group is not swapped live)").toString());
                }
                newSources.add(name);
            }
        }
        for (String name : running.keySet()) {
            if (!services.containsKey(name)) {
                removedServices.add(name);
            }
        }
    }

    /** The fields of a backend service that differ, as the specification file names them. */
    static List<String> serviceFields(BackendService a, BackendService b) {
        List<String> out = new ArrayList<>();
        check(out, "port", a.port(), b.port());
        check(out, "scheduling", a.scheduling(), b.scheduling());
        check(out, "sessionPersistence", a.sessionPersistence(), b.sessionPersistence());
        check(out, "connectionDraining", a.connectionDraining(), b.connectionDraining());
        check(out, "healthCheck", a.healthCheck(), b.healthCheck());
        check(out, "slowStart", a.slowStart(), b.slowStart());
        check(out, "proxyProtocol", a.proxyProtocol(), b.proxyProtocol());
        check(out, "servers", a.servers(), b.servers());
        return out;
    }

    private static void check(List<String> out, String field, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(field);
        }
    }
}
