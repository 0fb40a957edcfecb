package io.nlb4j.config;

import static io.nlb4j.config.Kind.BOOLEAN;
import static io.nlb4j.config.Kind.DURATION;
import static io.nlb4j.config.Kind.INTEGER;
import static io.nlb4j.config.Kind.STRING;
import static io.nlb4j.config.Kind.STRING_MAP;
import static io.nlb4j.config.Kind.enumOf;
import static io.nlb4j.config.Kind.listOf;

import io.nlb4j.config.Document.ScalarNode;
import io.nlb4j.config.Kind.Rejected;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.Cluster;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InProcessLauncher;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.InstanceFactory;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.PlacedBuilder;
import io.nlb4j.model.Placement;
import io.nlb4j.model.PortRange;
import io.nlb4j.model.ProcessLauncher;
import io.nlb4j.model.Protocol;
import io.nlb4j.model.ProxyProtocol;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.SessionPersistence;
import io.nlb4j.model.StaticServer;
import io.nlb4j.model.TargetTracking;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every object a specification file holds, with its fields in the order of the README's specification
 * reference: the one description that reading, writing and {@link SpecFiles#fields()} share.
 */
final class Schema {

    private Schema() {
    }

    // ---- kinds of the model ----

    private static final String FACTORY_EXPECTED = "the name of a class implementing " + InstanceFactory.class.getName()
            + " with a public no-argument constructor";
    private static final String LAUNCHER_EXPECTED = "an object with exactly one of inProcess (a class name) or process";
    private static final String SERVERS_EXPECTED = "exactly one of static, availabilityGroup or provider";
    private static final String PORTS_EXPECTED = "a port, a range such as 8000-8100, or all";

    /** A port range: {@code 8080}, {@code "8000-8100"} or {@code all}. */
    private static final Kind<PortRange, PortRange> PORTS = Kind.scalar(PORTS_EXPECTED, Schema::ports,
            (r, path) -> r.from() == r.to() ? Integer.valueOf(r.from()) : r.toString());

    /** An in-process launcher named by its factory class, loaded through the context class loader. */
    private static final Kind<InProcessLauncher, InProcessLauncher> FACTORY =
            Kind.scalar(FACTORY_EXPECTED, Schema::inProcess, Schema::factoryClassName);

    // ---- objects ----

    /** The fields of a placement, set on any placed builder. */
    private static <B extends PlacedBuilder<B>> ObjectType<B, Placement> placement(ObjectType<B, Placement> type) {
        return type
                .field("region", STRING, PlacedBuilder::region, Placement::region)
                .field("vpc", STRING, PlacedBuilder::vpc, Placement::vpc)
                .field("subnet", STRING, PlacedBuilder::subnet, p -> p.subnet().orElse(null))
                .field("zones", listOf(STRING), PlacedBuilder::zones, Placement::zones);
    }

    /** A placement whose fields are set on the builder of the object holding it. */
    private static <B extends PlacedBuilder<B>> ObjectType<B, Placement> inlinePlacement() {
        return placement(ObjectType.<B, Placement>inlineOf(Placement.class));
    }

    private static final ObjectType<InboundRule.Builder, InboundRule> RULE =
            ObjectType.of(InboundRule.class, () -> InboundRule.builder(null, null))
                    .field("action", enumOf(InboundRule.Action.class), InboundRule.Builder::action, InboundRule::action)
                    .field("source", STRING, InboundRule.Builder::source, InboundRule::source)
                    .field("ports", PORTS, InboundRule.Builder::ports, InboundRule::ports)
                    .field("priority", INTEGER, InboundRule.Builder::priority, InboundRule::priority);

    private static final ObjectType<SecurityGroup.Builder, SecurityGroup> SECURITY_GROUP =
            ObjectType.createdBy(SecurityGroup.class, "name", STRING, SecurityGroup::builder, SecurityGroup::name)
                    .field("rules", listOf(RULE), (g, rules) -> rules.forEach(g::rule), SecurityGroup::rules);

    private static final ObjectType<SessionPersistence.Builder, SessionPersistence> SESSION_PERSISTENCE =
            ObjectType.of(SessionPersistence.class, SessionPersistence::builder)
                    .field("mode", enumOf(SessionPersistence.Mode.class), SessionPersistence.Builder::mode,
                            SessionPersistence::mode)
                    .field("timeout", DURATION, SessionPersistence.Builder::timeout, SessionPersistence::timeout);

    private static final ObjectType<OutlierDetection.Builder, OutlierDetection> OUTLIER_DETECTION =
            ObjectType.of(OutlierDetection.class, OutlierDetection::builder)
                    .field("enabled", BOOLEAN, OutlierDetection.Builder::enabled, OutlierDetection::enabled)
                    .field("consecutiveFailures", INTEGER, OutlierDetection.Builder::consecutiveFailures,
                            OutlierDetection::consecutiveFailures)
                    .field("baseEjectionTime", DURATION, OutlierDetection.Builder::baseEjectionTime,
                            OutlierDetection::baseEjectionTime)
                    .field("maxEjectionPercent", INTEGER, OutlierDetection.Builder::maxEjectionPercent,
                            OutlierDetection::maxEjectionPercent);

    private static final String ACTIVE_ONLY = "it applies to TCP, HTTP and SEND_EXPECT checks only";
    private static final String HTTP_ONLY = "it applies to HTTP checks only";

    /** A health check; {@code type} (TCP when absent) chooses the builder, whatever the order of the keys. */
    private static final ObjectType<HealthCheck.Builder<?>, HealthCheck> HEALTH_CHECK =
            ObjectType.selectedBy(HealthCheck.class, "type", enumOf(HealthCheck.Type.class), Schema::healthCheck,
                            HealthCheck::type)
                    .field("port", INTEGER, active("port", HealthCheck.Active.Builder::port),
                            active(a -> boxed(a.port())))
                    .field("interval", DURATION, active("interval", HealthCheck.Active.Builder::interval),
                            active(HealthCheck.Active::interval))
                    .field("timeout", DURATION, active("timeout", HealthCheck.Active.Builder::timeout),
                            active(HealthCheck.Active::timeout))
                    .field("healthyThreshold", INTEGER,
                            active("healthyThreshold", HealthCheck.Active.Builder::healthyThreshold),
                            active(HealthCheck.Active::healthyThreshold))
                    .field("unhealthyThreshold", INTEGER,
                            active("unhealthyThreshold", HealthCheck.Active.Builder::unhealthyThreshold),
                            active(HealthCheck.Active::unhealthyThreshold))
                    .field("path", STRING, http("no path: " + HTTP_ONLY, HealthCheck.Http.Builder::path),
                            http(HealthCheck.Http::path))
                    .field("host", STRING, http("no host: " + HTTP_ONLY, HealthCheck.Http.Builder::host),
                            http(h -> h.host().orElse(null)))
                    .field("expectedStatuses", listOf(STRING), http("no statuses: they apply to HTTP checks only",
                            HealthCheck.Http.Builder::expectedStatuses), http(HealthCheck.Http::expectedStatuses))
                    .field("send", STRING, Schema::send, h -> h instanceof HealthCheck.SendExpect s ? s.send() : null)
                    .field("expect", STRING, Schema::expect, h -> h instanceof HealthCheck.SendExpect s ? s.expect()
                            : h instanceof HealthCheck.Http http ? http.expectBody().orElse(null) : null)
                    .field("allUnhealthy", enumOf(HealthCheck.AllUnhealthy.class),
                            active("allUnhealthy", HealthCheck.Active.Builder::allUnhealthy),
                            active(HealthCheck.Active::allUnhealthy))
                    .field("unhealthyConnections", enumOf(HealthCheck.UnhealthyConnections.class),
                            active("unhealthyConnections", HealthCheck.Active.Builder::unhealthyConnections),
                            active(HealthCheck.Active::unhealthyConnections))
                    .field("proxyProtocol", BOOLEAN,
                            active("proxyProtocol", HealthCheck.Active.Builder::proxyProtocol),
                            active(a -> a.proxyProtocol() ? Boolean.TRUE : null))
                    .field("outlierDetection", OUTLIER_DETECTION, (h, d) -> h.outlierDetection(d),
                            HealthCheck::outlierDetection);

    private static final ObjectType<StaticServer.Builder, StaticServer> STATIC_SERVER =
            ObjectType.createdBy(StaticServer.class, "address", STRING, StaticServer::builder, StaticServer::address)
                    .field("port", INTEGER, StaticServer.Builder::port, s -> boxed(s.port()))
                    .field("weight", INTEGER, StaticServer.Builder::weight, StaticServer::weight)
                    .field("placement", placement(ObjectType.of(Placement.class, Placement::builder)),
                            (s, p) -> s.placement(p), s -> s.placement().orElse(null))
                    .field("maxConnections", INTEGER, StaticServer.Builder::maxConnections,
                            s -> boxed(s.maxConnections()));

    private static final ObjectType<ProcessLauncher.Builder, ProcessLauncher> PROCESS =
            ObjectType.createdBy(ProcessLauncher.class, "command", listOf(STRING), ProcessLauncher::builder,
                            ProcessLauncher::command)
                    .field("environment", STRING_MAP, ProcessLauncher.Builder::environment,
                            ProcessLauncher::environment)
                    .field("workingDirectory", STRING, ProcessLauncher.Builder::workingDirectory,
                            p -> p.workingDirectory().orElse(null))
                    .field("readyTimeout", DURATION, ProcessLauncher.Builder::readyTimeout,
                            ProcessLauncher::readyTimeout)
                    .field("stopGracePeriod", DURATION, ProcessLauncher.Builder::stopGracePeriod,
                            ProcessLauncher::stopGracePeriod);

    /** A template's launcher, set on the template's builder. */
    private static final ObjectType<InstanceTemplate.Builder, InstanceLauncher> LAUNCHER =
            ObjectType.<InstanceTemplate.Builder, InstanceLauncher>inlineOf(InstanceLauncher.class)
                    .field("inProcess", FACTORY, (t, l) -> t.launcher(l),
                            l -> l instanceof InProcessLauncher in ? in : null)
                    .field("process", PROCESS, (t, p) -> t.launcher(p), l -> l instanceof ProcessLauncher p ? p : null)
                    .exactlyOne(LAUNCHER_EXPECTED);

    private static final ObjectType<InstanceTemplate.Builder, InstanceTemplate> TEMPLATE =
            ObjectType.createdBy(InstanceTemplate.class, "name", STRING, InstanceTemplate::builder,
                            InstanceTemplate::name)
                    .inline("launcher", LAUNCHER, InstanceTemplate::launcher)
                    .field("port", INTEGER, InstanceTemplate.Builder::port, t -> boxed(t.port()))
                    .field("maxConnections", INTEGER, InstanceTemplate.Builder::maxConnections,
                            t -> boxed(t.maxConnections()))
                    .field("labels", STRING_MAP, InstanceTemplate.Builder::labels, InstanceTemplate::labels);

    /** A capacity's parts, any of which a file may miss; the validator reports those. */
    private static final class CapacityDraft {
        Integer min;
        Integer desired;
        Integer max;
    }

    private static final ObjectType<CapacityDraft, Capacity> CAPACITY =
            ObjectType.of(Capacity.class, CapacityDraft::new)
                    .field("min", INTEGER, (c, v) -> c.min = v, Capacity::min)
                    .field("desired", INTEGER, (c, v) -> c.desired = v, Capacity::desired)
                    .field("max", INTEGER, (c, v) -> c.max = v, Capacity::max);

    private static final ObjectType<TargetTracking.Builder, TargetTracking> TARGET_TRACKING =
            ObjectType.createdBy(TargetTracking.class, "targetConnectionsPerInstance", INTEGER,
                            TargetTracking::builder, TargetTracking::targetConnectionsPerInstance)
                    .field("scaleOutCooldown", DURATION, TargetTracking.Builder::scaleOutCooldown,
                            TargetTracking::scaleOutCooldown)
                    .field("scaleInCooldown", DURATION, TargetTracking.Builder::scaleInCooldown,
                            TargetTracking::scaleInCooldown);

    private static final ObjectType<AvailabilityGroup.Builder, AvailabilityGroup> AVAILABILITY_GROUP =
            ObjectType.createdBy(AvailabilityGroup.class, "name", STRING, AvailabilityGroup::builder,
                            AvailabilityGroup::name)
                    .inline("placement", inlinePlacement(), AvailabilityGroup::placement)
                    .field("template", TEMPLATE, (g, t) -> g.template(t), AvailabilityGroup::template)
                    .field("capacity", CAPACITY, (g, c) -> g.capacity(c.min, c.desired, c.max),
                            AvailabilityGroup::capacity)
                    .field("targetTracking", TARGET_TRACKING, (g, t) -> g.targetTracking(t),
                            g -> g.targetTracking().orElse(null))
                    .field("replaceUnhealthyAfter", DURATION, AvailabilityGroup.Builder::replaceUnhealthyAfter,
                            AvailabilityGroup::replaceUnhealthyAfter);

    /** A membership provider's type and properties, set on the backend service together. */
    private static final class ProviderDraft {
        String type;
        Map<String, String> properties;
    }

    private static final ObjectType<ProviderDraft, ServerSource.Provider> PROVIDER =
            ObjectType.of(ServerSource.Provider.class, ProviderDraft::new)
                    .field("type", STRING, (p, v) -> p.type = v, ServerSource.Provider::type)
                    .field("properties", STRING_MAP, (p, v) -> p.properties = v, ServerSource.Provider::properties);

    /** A backend service's servers, set on the service's builder. */
    private static final ObjectType<BackendService.Builder, ServerSource> SERVERS =
            ObjectType.<BackendService.Builder, ServerSource>inlineOf(ServerSource.class)
                    .field("static", listOf(STATIC_SERVER), Schema::staticServers,
                            s -> s instanceof ServerSource.Static st ? st.servers() : null)
                    .field("availabilityGroup", AVAILABILITY_GROUP, (b, g) -> b.availabilityGroup(g),
                            s -> s instanceof ServerSource.Group g ? g.group() : null)
                    .field("provider", PROVIDER, (b, p) -> b.provider(p.type, p.properties),
                            s -> s instanceof ServerSource.Provider p ? p : null)
                    .exactlyOne(SERVERS_EXPECTED);

    private static final ObjectType<BackendService.Builder, BackendService> BACKEND_SERVICE =
            ObjectType.createdBy(BackendService.class, "name", STRING, BackendService::builder, BackendService::name)
                    .field("protocol", enumOf(Protocol.class), BackendService.Builder::protocol,
                            BackendService::protocol)
                    .field("port", INTEGER, BackendService.Builder::port, s -> boxed(s.port()))
                    .field("scheduling", enumOf(Scheduling.class), BackendService.Builder::scheduling,
                            BackendService::scheduling)
                    .field("sessionPersistence", SESSION_PERSISTENCE, (s, p) -> s.sessionPersistence(p),
                            BackendService::sessionPersistence)
                    .field("connectionDraining", DURATION, BackendService.Builder::connectionDraining,
                            BackendService::connectionDraining)
                    .field("healthCheck", HEALTH_CHECK, (s, h) -> s.healthCheck(h), BackendService::healthCheck)
                    .inline("servers", SERVERS, BackendService::servers)
                    .field("proxyProtocol", enumOf(ProxyProtocol.class), BackendService.Builder::proxyProtocol,
                            s -> s.proxyProtocol() == ProxyProtocol.NONE ? null : s.proxyProtocol())
                    .field("slowStart", DURATION, BackendService.Builder::slowStart,
                            s -> s.slowStart().orElse(null));

    private static final ObjectType<Listener.Builder, Listener> LISTENER =
            ObjectType.of(Listener.class, Listener::builder)
                    .field("name", STRING, Listener.Builder::name, l -> l.name().orElse(null))
                    .field("protocol", enumOf(Protocol.class), Listener.Builder::protocol, Listener::protocol)
                    .field("port", INTEGER, Listener.Builder::port, Listener::port)
                    .field("idleTimeout", DURATION, Listener.Builder::idleTimeout, Listener::idleTimeout)
                    .field("maxConnections", INTEGER, Listener.Builder::maxConnections, l -> boxed(l.maxConnections()))
                    .field("acceptProxyProtocol", BOOLEAN, Listener.Builder::acceptProxyProtocol,
                            l -> l.acceptProxyProtocol() ? Boolean.TRUE : null)
                    .field("backendService", BACKEND_SERVICE, (l, s) -> l.backendService(s), Listener::backendService);

    /** A cluster's ZooKeeper ensemble, set on the cluster's builder. */
    private static final ObjectType<Cluster.Builder, Cluster> CLUSTER_ZOOKEEPER =
            ObjectType.<Cluster.Builder, Cluster>inlineOf(Cluster.class)
                    .field("connect", STRING, Cluster.Builder::zookeeper, Cluster::connect)
                    .field("basePath", STRING, Cluster.Builder::basePath, Cluster::basePath)
                    .field("sessionTimeout", DURATION, Cluster.Builder::sessionTimeout, Cluster::sessionTimeout);

    private static final ObjectType<Cluster.Builder, Cluster> CLUSTER =
            ObjectType.of(Cluster.class, Cluster::builder)
                    .field("node", STRING, Cluster.Builder::node, c -> c.node().orElse(null))
                    .field("healthQuorum", INTEGER, Cluster.Builder::healthQuorum, c -> c.healthQuorum().orElse(null))
                    .inline("zookeeper", CLUSTER_ZOOKEEPER, c -> c);

    /** A whole specification file. */
    static final ObjectType<LoadBalancerSpec.Builder, LoadBalancerSpec> LOAD_BALANCER =
            ObjectType.createdBy(LoadBalancerSpec.class, "name", STRING, LoadBalancerSpec::builder,
                            LoadBalancerSpec::name)
                    .inline("placement", inlinePlacement(), LoadBalancerSpec::placement)
                    .field("securityGroups", listOf(SECURITY_GROUP), (lb, groups) -> groups.forEach(lb::securityGroup),
                            LoadBalancerSpec::securityGroups)
                    .field("listeners", listOf(LISTENER), (lb, listeners) -> listeners.forEach(lb::listener),
                            LoadBalancerSpec::listeners)
                    .field("cluster", CLUSTER, (lb, c) -> lb.cluster(c), s -> s.cluster().orElse(null));

    // ---- helpers ----

    private static HealthCheck.Builder<?> healthCheck(HealthCheck.Type type) {
        return switch (type == null ? HealthCheck.Type.TCP : type) {
            case TCP -> HealthCheck.tcp();
            case HTTP -> HealthCheck.http(null);
            case SEND_EXPECT -> HealthCheck.sendExpect(null, null);
            case NONE -> HealthCheck.None.builder();
        };
    }

    /** A setter of the active checks' builders; for {@code NONE} the field is reported as not applying. */
    private static <T> BiConsumer<HealthCheck.Builder<?>, T> active(String field,
                                                                    BiConsumer<HealthCheck.Active.Builder<?>, T> set) {
        return (b, v) -> {
            if (!(b instanceof HealthCheck.Active.Builder<?> a)) {
                throw new Rejected("no " + field + ": " + ACTIVE_ONLY);
            }
            set.accept(a, v);
        };
    }

    private static <T> Function<HealthCheck, T> active(Function<HealthCheck.Active, T> get) {
        return h -> h instanceof HealthCheck.Active a ? get.apply(a) : null;
    }

    /** A setter of the HTTP check's builder; for other types the field is reported as not applying. */
    private static <T> BiConsumer<HealthCheck.Builder<?>, T> http(String notApplicable,
                                                                  BiConsumer<HealthCheck.Http.Builder, T> set) {
        return (b, v) -> {
            if (!(b instanceof HealthCheck.Http.Builder h)) {
                throw new Rejected(notApplicable);
            }
            set.accept(h, v);
        };
    }

    private static <T> Function<HealthCheck, T> http(Function<HealthCheck.Http, T> get) {
        return h -> h instanceof HealthCheck.Http http ? get.apply(http) : null;
    }

    private static void send(HealthCheck.Builder<?> b, String send) {
        if (!(b instanceof HealthCheck.SendExpect.Builder se)) {
            throw new Rejected("no send: it applies to SEND_EXPECT checks only");
        }
        se.send(send);
    }

    /** {@code expect}: the reply prefix of a send/expect check, the body text of an HTTP check. */
    private static void expect(HealthCheck.Builder<?> b, String expect) {
        if (b instanceof HealthCheck.SendExpect.Builder se) {
            se.expect(expect);
        } else if (b instanceof HealthCheck.Http.Builder http) {
            http.expectBody(expect);
        } else {
            throw new Rejected("no expect: it applies to SEND_EXPECT and HTTP checks only");
        }
    }

    /** A static list, possibly empty: the service takes its servers from it even if it has none. */
    private static void staticServers(BackendService.Builder b, List<StaticServer.Builder> servers) {
        b.staticServers(List.of());
        servers.forEach(b::staticServer);
    }

    private static PortRange ports(ScalarNode s) {
        Integer port = s.intValue();
        int beyond = s.beyondInt();
        if (!s.isString() && port == null && beyond == 0) {
            return null;
        }
        try {
            if (beyond != 0) { // a port beyond any int is out of range as 70000 is, shown as written
                PortRange.of(beyond > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE);
                throw new Rejected(PORTS_EXPECTED);
            }
            return s.isString() ? PortRange.parse(s.text) : PortRange.of(port);
        } catch (IllegalArgumentException e) { // ports: 70000 (expected: ports 1-65535, first not above last)
            throw beyond != 0 ? Rejected.expectationOf(e.getMessage(), PORTS_EXPECTED)
                    : Rejected.fromMessage(e.getMessage(), PORTS_EXPECTED);
        }
    }

    private static InProcessLauncher inProcess(ScalarNode s) {
        if (!s.isString()) {
            return null;
        }
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(s.text, false, loader != null ? loader : Schema.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new Rejected(FACTORY_EXPECTED + "; no such class was found");
        }
        if (!InstanceFactory.class.isAssignableFrom(type)) {
            throw new Rejected(FACTORY_EXPECTED + "; this class does not implement it");
        }
        try {
            return InstanceLauncher.inProcess(type.asSubclass(InstanceFactory.class));
        } catch (IllegalArgumentException e) {
            throw new Rejected(FACTORY_EXPECTED + "; this class has none");
        }
    }

    /** The factory class's name; a launcher made from a lambda or object has none to write. */
    private static Object factoryClassName(InProcessLauncher launcher, String path) {
        return launcher.factoryClass().map(Class::getName).orElseThrow(() -> new IllegalArgumentException(path
                + ": " + launcher + " (expected: an in-process launcher made from a factory class, such as"
                + " InstanceLauncher.inProcess(EchoFactory.class), or a process launcher; a launcher made from a"
                + " lambda or object cannot be written to a file)"));
    }

    private static Integer boxed(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }
}
