package io.nlb4j.model;

import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.ProcessLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one set of rules every specification passes, whether it comes from builders or from a file.
 * Collects every violation with its path instead of stopping at the first.
 */
final class SpecValidator {

    static final String NAME_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern STATUS = Pattern.compile("[1-5](\\d\\d|xx)|[1-5]\\d\\d-[1-5]\\d\\d");

    private final List<Violation> out = new ArrayList<>();
    /** The placement of the load balancer being checked, or null when a part is checked on its own. */
    private Placement lbPlacement;
    private final Map<String, String> serviceNames = new HashMap<>();
    private final Map<String, BackendService> services = new HashMap<>();
    private final Map<String, AvailabilityGroup> groups = new HashMap<>();
    private final Map<String, String> groupPaths = new HashMap<>();

    private SpecValidator() {
    }

    static List<Violation> violations(Consumer<SpecValidator> check) {
        SpecValidator v = new SpecValidator();
        check.accept(v);
        return List.copyOf(v.out);
    }

    static void throwIfInvalid(String subject, Consumer<SpecValidator> check) {
        List<Violation> violations = violations(check);
        if (!violations.isEmpty()) {
            throw new SpecValidationException(subject, violations);
        }
    }

    static String render(Object value) {
        if (value == null) {
            return "absent";
        }
        if (value instanceof Optional) {
            return render(((Optional<?>) value).orElse(null));
        }
        if (value instanceof String) {
            return '"' + (String) value + '"';
        }
        if (value instanceof Duration) {
            return Durations.format((Duration) value);
        }
        if (value instanceof List) { // elements rendered like values, so that [""] differs from []
            return ((List<?>) value).stream().map(SpecValidator::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    private void fail(String path, Object value, String expected) {
        out.add(new Violation(path, render(value), expected));
    }

    /** Reports a description of the value, such as {@code none}, written as is rather than quoted. */
    private void failDescribed(String path, String description, String expected) {
        out.add(new Violation(path, description, expected));
    }

    private static String at(String base, String field) {
        return base.isEmpty() ? field : base + '.' + field;
    }

    private boolean present(String path, Object value, String expected) {
        if (value == null) {
            fail(path, null, expected);
            return false;
        }
        return true;
    }

    private void name(String path, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            fail(path, name, NAME_RULE);
        }
    }

    private void text(String path, String value, String expected) {
        if (value == null || value.isBlank()) {
            fail(path, value, expected);
        }
    }

    private void port(String path, Integer port, boolean zeroAllowed) {
        if (port == null || port < (zeroAllowed ? 0 : 1) || port > 65535) {
            fail(path, port, zeroAllowed ? "0-65535, 0 for an ephemeral port" : "1-65535");
        }
    }

    private void positive(String path, Duration d) {
        if (!isPositive(d)) {
            fail(path, d, "a positive duration");
        }
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private void notNegative(String path, Duration d, String expected) {
        if (d == null || d.isNegative()) {
            fail(path, d, expected);
        }
    }

    // ---- load balancer ----

    void loadBalancer(LoadBalancerSpec lb) {
        name("name", lb.name());
        placement("placement", lb.placement());
        lbPlacement = lb.placement();
        Map<String, Integer> sgNames = new HashMap<>();
        for (int i = 0; i < lb.securityGroups().size(); i++) {
            String p = "securityGroups[" + i + ']';
            SecurityGroup sg = lb.securityGroups().get(i);
            if (present(p, sg, "a security group")) {
                securityGroup(p, sg);
                Integer first = sg.name() == null ? null : sgNames.putIfAbsent(sg.name(), i);
                if (first != null) {
                    fail(p + ".name", sg.name(), "a name not used by securityGroups[" + first + ']');
                }
            }
        }
        if (lb.listeners().isEmpty()) {
            fail("listeners", lb.listeners(), "at least one listener");
        }
        Map<Integer, Integer> ports = new HashMap<>();
        for (int i = 0; i < lb.listeners().size(); i++) {
            String p = "listeners[" + i + ']';
            Listener l = lb.listeners().get(i);
            if (present(p, l, "a listener")) {
                listener(l, p);
                if (l.port() != null && l.port() != 0) {
                    Integer first = ports.putIfAbsent(l.port(), i);
                    if (first != null) {
                        fail(p + ".port", l.port(), "a port not used by listeners[" + first + ']');
                    }
                }
            }
        }
    }

    private void placement(String path, Placement p) {
        if (!present(path, p, "a region, VPC and zones")) {
            return;
        }
        text(at(path, "region"), p.region(), "a region name such as cn-north-1");
        text(at(path, "vpc"), p.vpc(), "a VPC identifier");
        p.subnet().ifPresent(s -> text(at(path, "subnet"), s, "a subnet identifier"));
        if (p.zones().isEmpty()) {
            fail(at(path, "zones"), p.zones(), "at least one availability zone");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < p.zones().size(); i++) {
            String z = p.zones().get(i);
            String zp = at(path, "zones") + '[' + i + ']';
            if (z == null || z.isBlank()) {
                fail(zp, z, "an availability zone name");
            } else if (!seen.add(z)) {
                fail(zp, z, "a zone listed once");
            }
        }
    }

    private void securityGroup(String path, SecurityGroup sg) {
        name(at(path, "name"), sg.name());
        for (int i = 0; i < sg.rules().size(); i++) {
            String p = at(path, "rules") + '[' + i + ']';
            InboundRule r = sg.rules().get(i);
            if (!present(p, r, "an inbound rule")) {
                continue;
            }
            present(at(p, "action"), r.action(), "ALLOW or DENY");
            if (r.source() == null || !Cidr.isValid(r.source())) {
                fail(at(p, "source"), r.source(), "an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32");
            }
            PortRange ports = r.ports();
            if (ports.from() < 1 || ports.to() > 65535 || ports.from() > ports.to()) {
                fail(at(p, "ports"), ports, "ports 1-65535, first not above last");
            }
            if (r.priority() < InboundRule.MIN_PRIORITY || r.priority() > InboundRule.MAX_PRIORITY) {
                fail(at(p, "priority"), r.priority(), InboundRule.MIN_PRIORITY + "-" + InboundRule.MAX_PRIORITY);
            }
        }
    }

    void listener(Listener l, String path) {
        present(at(path, "protocol"), l.protocol(), "TCP");
        port(at(path, "port"), l.port(), true);
        positive(at(path, "idleTimeout"), l.idleTimeout());
        l.maxConnections().ifPresent(max -> {
            if (max < 1) {
                fail(at(path, "maxConnections"), max, "at least 1");
            }
        });
        String sp = at(path, "backendService");
        if (present(sp, l.backendService(), "a backend service")) {
            backendService(l.backendService(), sp);
        }
    }

    // ---- backend service ----

    void backendService(BackendService s, String path) {
        name(at(path, "name"), s.name());
        if (s.name() != null) {
            BackendService first = services.putIfAbsent(s.name(), s);
            if (first == null) {
                serviceNames.put(s.name(), path);
            } else if (!first.equals(s)) {
                fail(at(path, "name"), s.name(), "a name not used by the different backend service at "
                        + serviceNames.get(s.name()) + " (listeners may share a backend service only if it is identical)");
                return;
            } else {
                return; // the same service shared by two listeners: checked once
            }
        }
        s.port().ifPresent(p -> port(at(path, "port"), p, false));
        if (s.sessionPersistence().enabled()) {
            positive(at(path, "sessionPersistence.timeout"), s.sessionPersistence().timeout());
        }
        notNegative(at(path, "connectionDraining"), s.connectionDraining(), "0s (off) or a positive duration");
        healthCheck(s.healthCheck(), at(path, "healthCheck"));
        String gp = at(path, "servers");
        if (present(gp, s.servers(), "exactly one of static, availabilityGroup or provider")) {
            serverGroup(s.servers(), gp, s.port().isPresent(), at(path, "port"));
        }
    }

    void healthCheck(HealthCheck hc, String path) {
        outlierDetection(hc.outlierDetection(), at(path, "outlierDetection"));
        if (hc.type() == HealthCheck.Type.NONE) {
            return;
        }
        hc.port().ifPresent(p -> port(at(path, "port"), p, false));
        positive(at(path, "interval"), hc.interval());
        positive(at(path, "timeout"), hc.timeout());
        if (isPositive(hc.interval()) && isPositive(hc.timeout()) && hc.timeout().compareTo(hc.interval()) >= 0) {
            fail(at(path, "timeout"), hc.timeout(), "less than interval " + render(hc.interval()));
        }
        if (hc.healthyThreshold() < 1) {
            fail(at(path, "healthyThreshold"), hc.healthyThreshold(), "at least 1");
        }
        if (hc.unhealthyThreshold() < 1) {
            fail(at(path, "unhealthyThreshold"), hc.unhealthyThreshold(), "at least 1");
        }
        boolean http = hc.type() == HealthCheck.Type.HTTP;
        boolean sendExpect = hc.type() == HealthCheck.Type.SEND_EXPECT;
        if (http) {
            hc.path().filter(p -> !p.startsWith("/")).ifPresent(p -> fail(at(path, "path"), p, "a path starting with /"));
            for (int i = 0; i < hc.expectedStatuses().size(); i++) {
                String st = hc.expectedStatuses().get(i);
                if (st == null || !STATUS.matcher(st).matches()) {
                    fail(at(path, "expectedStatuses") + '[' + i + ']', st, "a status such as 200, 2xx or 200-299");
                } else if (st.length() == 7 && st.substring(0, 3).compareTo(st.substring(4)) > 0) {
                    fail(at(path, "expectedStatuses") + '[' + i + ']', st,
                            "a range whose first status is not above its last, such as 200-299");
                }
            }
        } else {
            hc.path().ifPresent(p -> fail(at(path, "path"), p, "no path: it applies to HTTP checks only"));
            hc.host().ifPresent(h -> fail(at(path, "host"), h, "no host: it applies to HTTP checks only"));
            if (!hc.expectedStatuses().isEmpty()) {
                fail(at(path, "expectedStatuses"), hc.expectedStatuses(), "no statuses: they apply to HTTP checks only");
            }
        }
        if (sendExpect) {
            if (hc.send().isEmpty()) {
                fail(at(path, "send"), null, "the text to send, possibly empty");
            }
            if (hc.expect().isEmpty() || hc.expect().get().isEmpty()) {
                fail(at(path, "expect"), hc.expect(), "a non-empty expected reply prefix");
            }
        } else {
            hc.send().ifPresent(s -> fail(at(path, "send"), s, "no send: it applies to SEND_EXPECT checks only"));
            if (http) {
                hc.expect().filter(String::isEmpty).ifPresent(s -> fail(at(path, "expect"), s,
                        "a non-empty text the response body must contain"));
            } else {
                hc.expect().ifPresent(s -> fail(at(path, "expect"), s,
                        "no expect: it applies to SEND_EXPECT and HTTP checks only"));
            }
        }
    }

    private void outlierDetection(OutlierDetection od, String path) {
        if (!od.enabled()) {
            return;
        }
        if (od.consecutiveFailures() < 1) {
            fail(at(path, "consecutiveFailures"), od.consecutiveFailures(), "at least 1");
        }
        positive(at(path, "baseEjectionTime"), od.baseEjectionTime());
        if (od.maxEjectionPercent() < 0 || od.maxEjectionPercent() > 100) {
            fail(at(path, "maxEjectionPercent"), od.maxEjectionPercent(), "0-100");
        }
    }

    private void serverGroup(ServerGroup g, String path, boolean servicePort, String servicePortPath) {
        List<String> sources = new ArrayList<>();
        if (!g.staticServers().isEmpty()) {
            sources.add("static");
        }
        g.availabilityGroup().ifPresent(ag -> sources.add("availabilityGroup"));
        g.provider().ifPresent(pr -> sources.add("provider"));
        if (sources.size() != 1) {
            failDescribed(path, sources.isEmpty() ? "none" : String.join(" and ", sources),
                    "exactly one of static, availabilityGroup or provider");
        }
        Map<String, Integer> endpoints = new HashMap<>();
        for (int i = 0; i < g.staticServers().size(); i++) {
            String p = at(path, "static") + '[' + i + ']';
            StaticServer s = g.staticServers().get(i);
            if (!present(p, s, "a server")) {
                continue;
            }
            if (s.address() == null || s.address().isBlank() || s.address().chars().anyMatch(Character::isWhitespace)) {
                fail(at(p, "address"), s.address(), "an IP address or host name");
            }
            s.port().ifPresent(port -> port(at(p, "port"), port, false));
            if (s.port().isEmpty() && !servicePort) {
                fail(at(p, "port"), null, "a port, because the backend service sets none (" + servicePortPath + ')');
            }
            if (s.weight() < StaticServer.MIN_WEIGHT || s.weight() > StaticServer.MAX_WEIGHT) {
                fail(at(p, "weight"), s.weight(), StaticServer.MIN_WEIGHT + "-" + StaticServer.MAX_WEIGHT);
            }
            s.placement().ifPresent(pl -> {
                placement(at(p, "placement"), pl);
                samePlacement(at(p, "placement"), pl);
            });
            String key = s.address() + ':' + s.port().map(String::valueOf).orElse("");
            Integer first = endpoints.putIfAbsent(key, i);
            if (first != null) {
                fail(p, s.address() + s.port().map(port -> ":" + port).orElse(""),
                        "a server not listed before (static[" + first + "])");
            }
        }
        g.availabilityGroup().ifPresent(ag -> {
            String p = at(path, "availabilityGroup");
            AvailabilityGroup first = ag.name() == null ? null : groups.putIfAbsent(ag.name(), ag);
            if (first != null && !first.equals(ag)) {
                fail(at(p, "name"), ag.name(), "a name not used by the different availability group at "
                        + groupPaths.get(ag.name()));
                return;
            }
            if (first == null) { // a group shared by several backend services is checked once
                groupPaths.put(ag.name(), p);
                availabilityGroup(ag, p);
            }
            if (ag.template() != null && ag.template().port().isEmpty() && !servicePort) {
                fail(at(p, "template.port"), null, "a port, because the backend service sets none ("
                        + servicePortPath + ')');
            }
        });
        g.provider().ifPresent(pr -> {
            String p = at(path, "provider");
            text(at(p, "type"), pr.type(), "a membership provider type such as file or zookeeper");
            if (ProviderSpec.INSTANCE_TYPE.equals(pr.type()) && pr.instance().isEmpty()) {
                fail(at(p, "type"), pr.type(), "a provider type; \"instance\" is only for providers given as objects");
            }
        });
    }

    private void samePlacement(String path, Placement p) {
        if (lbPlacement == null || p == null) {
            return;
        }
        if (p.region() != null && lbPlacement.region() != null && !p.region().equals(lbPlacement.region())) {
            fail(at(path, "region"), p.region(), "the load balancer's region " + render(lbPlacement.region()));
        }
        if (p.vpc() != null && lbPlacement.vpc() != null && !p.vpc().equals(lbPlacement.vpc())) {
            fail(at(path, "vpc"), p.vpc(), "the load balancer's VPC " + render(lbPlacement.vpc()));
        }
        for (int i = 0; i < p.zones().size(); i++) {
            String z = p.zones().get(i);
            if (z != null && !lbPlacement.zones().contains(z)) {
                fail(at(path, "zones") + '[' + i + ']', z, "a zone the load balancer serves " + lbPlacement.zones()
                        + "; this one is not served by the load balancer");
            }
        }
    }

    // ---- availability group ----

    void availabilityGroup(AvailabilityGroup g, String path) {
        name(at(path, "name"), g.name());
        placement(at(path, "placement"), g.placement());
        samePlacement(at(path, "placement"), g.placement());
        if (present(at(path, "template"), g.template(), "an instance template")) {
            template(g.template(), at(path, "template"));
        }
        positive(at(path, "replaceUnhealthyAfter"), g.replaceUnhealthyAfter());
        g.targetTracking().ifPresent(tt -> {
            String tp = at(path, "targetTracking");
            if (tt.targetConnectionsPerInstance() == null || tt.targetConnectionsPerInstance() < 1) {
                fail(at(tp, "targetConnectionsPerInstance"), tt.targetConnectionsPerInstance(), "at least 1");
            }
            notNegative(at(tp, "scaleOutCooldown"), tt.scaleOutCooldown(), "0s or a positive duration");
            notNegative(at(tp, "scaleInCooldown"), tt.scaleInCooldown(), "0s or a positive duration");
        });
        Capacity c = g.capacity();
        if (c.min() < 0) {
            fail(at(path, "capacity.min"), c.min(), "at least 0");
        }
        if (c.max() < 1) {
            fail(at(path, "capacity.max"), c.max(), "at least 1");
        }
        if (c.min() > c.max()) {
            failDescribed(at(path, "capacity"), "min " + c.min() + " > max " + c.max(), "min <= desired <= max");
        } else if (c.desired() < c.min() || c.desired() > c.max()) {
            fail(at(path, "capacity.desired"), c.desired(), "between min " + c.min() + " and max " + c.max());
        }
    }

    void template(InstanceTemplate t, String path) {
        name(at(path, "name"), t.name());
        t.port().filter(p -> p < 0 || p > 65535).ifPresent(p -> fail(at(path, "port"), p,
                "0-65535, 0 for an ephemeral port chosen by each instance"));
        InstanceLauncher launcher = t.launcher();
        if (present(at(path, "launcher"), launcher, "an instance launcher (inProcess or process)")
                && launcher instanceof ProcessLauncher) {
            ProcessLauncher pl = (ProcessLauncher) launcher;
            String lp = at(path, "launcher.process");
            if (pl.command().isEmpty() || pl.command().get(0) == null || pl.command().get(0).isBlank()) {
                fail(at(lp, "command"), pl.command(), "a program and its arguments");
            }
            positive(at(lp, "readyTimeout"), pl.readyTimeout());
            notNegative(at(lp, "stopGracePeriod"), pl.stopGracePeriod(), "0s or a positive duration");
        }
        for (String key : t.labels().keySet()) {
            if (key == null || key.isBlank()) {
                fail(at(path, "labels"), key, "non-blank label keys");
            }
        }
    }
}
