package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one set of rules every specification passes, whether it comes from builders, from a file or from a
 * change at run time (a new capacity). It checks builders, before any value exists, and collects every
 * violation with its path instead of stopping at the first.
 */
final class SpecValidator {

    static final String NAME_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern STATUS = Pattern.compile("[1-5](\\d\\d|xx)|[1-5]\\d\\d-[1-5]\\d\\d");
    static final String SOURCES = "exactly one of static, availabilityGroup or provider";
    static final String POSITIVE = "a positive duration";
    static final String ZERO_OR_POSITIVE = "0s or a positive duration";
    static final String DRAINING = "0s (off) or a positive duration";
    static final String ENVIRONMENT_NAMES = "non-blank variable names without '=' or NUL characters";
    /** What every text of a specification must be, whatever else its field requires. */
    static final String WHOLE_CHARACTERS = "text a file can hold: no unpaired surrogate (U+D800-U+DFFF),"
            + " no U+FFFE or U+FFFF";
    /** The most zones an expectation lists. */
    private static final int LISTED_ZONES = 16;

    private final List<Violation> out = new ArrayList<>();
    /** The placement of the load balancer being checked, or null when a part is checked on its own. */
    private PlacedBuilder<?> lbPlacement;
    private final Map<String, String> servicePaths = new HashMap<>();
    private final Map<String, BackendService.Builder> services = new HashMap<>();
    private final Map<String, AvailabilityGroup.Builder> groups = new HashMap<>();
    private final Map<String, String> groupPaths = new HashMap<>();

    private SpecValidator() {
    }

    static List<Violation> violations(Consumer<SpecValidator> check) {
        SpecValidator v = new SpecValidator();
        check.accept(v);
        return List.copyOf(v.out);
    }

    /** The subject of a named value's exception: {@code load balancer "web-lb"}, the name abbreviated. */
    static String named(String kind, String name) {
        return kind + " \"" + abbreviate(name) + '"';
    }

    static void throwIfInvalid(String subject, Consumer<SpecValidator> check) {
        List<Violation> violations = violations(check);
        if (!violations.isEmpty()) {
            throw new SpecValidationException(subject, violations);
        }
    }

    /**
     * Renders a value as violations show it: text quoted, abbreviated after
     * {@value SpecValidationException#MAX_VALUE_LENGTH} characters and with control characters escaped, durations
     * as {@link Durations#format(Duration)} writes them, {@code absent} for {@code null}.
     */
    static String render(Object value) {
        if (value == null) {
            return "absent";
        }
        if (value instanceof Optional<?> o) {
            return render(o.orElse(null));
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof List<?> l) { // elements rendered like values, so that [""] differs from []
            return l.stream().map(SpecValidator::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** Text in quotes, abbreviated: {@code "wwww…"…(1048576 characters)}; the one place values are shortened. */
    static String quote(String text) {
        return text.length() <= SpecValidationException.MAX_VALUE_LENGTH ? '"' + escape(text) + '"'
                : '"' + escape(prefix(text)) + "\"…(" + text.length() + " characters)";
    }

    /** Text as it is part of a path or an expectation, unquoted and abbreviated like {@link #quote(String)}. */
    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= SpecValidationException.MAX_VALUE_LENGTH ? escape(text)
                : escape(prefix(text)) + "…(" + text.length() + " characters)";
    }

    static String prefix(String text) {
        int end = SpecValidationException.MAX_VALUE_LENGTH;
        return text.substring(0, Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end);
    }

    /**
     * Control characters, line separators, unpaired surrogates and the noncharacters U+FFFE and U+FFFF as Java
     * escapes (backslash and {@code n}, {@code r}, {@code t}, or {@code u} and four hex digits), as
     * {@code io.nlb4j.config.ConfigException} writes them, so that a value never breaks a message into lines, hides
     * a NUL character or makes a message that cannot be encoded.
     */
    static String escape(String text) {
        int first = firstEscaped(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (escaped(text, i)) {
                        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int firstEscaped(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c >= 0x7F) && escaped(text, i)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the character at {@code i} is shown escaped: a control character, one of the line and paragraph
     * separators that some viewers break lines at, or a character no text of a specification may hold.
     */
    private static boolean escaped(String text, int i) {
        char c = text.charAt(i);
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || isUnencodable(text, i);
    }

    /**
     * Whether the character at {@code i} is one that no file can hold, in YAML as in JSON: half of a surrogate pair
     * without its other half, or one of the noncharacters U+FFFE and U+FFFF.
     */
    private static boolean isUnencodable(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return c == '\uFFFE' || c == '\uFFFF';
    }

    /** Whether a text holds a character no file can hold (see {@link #isUnencodable(String, int)}). */
    static boolean isEncodable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= Character.MIN_SURROGATE && isUnencodable(text, i)) {
                return false;
            }
        }
        return true;
    }

    /** A path to a map entry, whose key a user chose: {@code environment.ZONE}, {@code environment["A=B"]}. */
    private static String key(String base, String field, String key) {
        return SpecPath.of(at(base, field), key);
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

    private static String index(String base, String field, int i) {
        return at(base, field) + '[' + i + ']';
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

    /** A required text, not blank. */
    private void text(String path, String value, String expected) {
        if (value == null || value.isBlank()) {
            fail(path, value, expected);
        } else {
            encodable(path, value);
        }
    }

    /**
     * Every text of a specification, and every key of its maps, passes here once it meets its field's own rules:
     * it must be text a file can hold, so that whatever validates can be written and read back, in YAML as in
     * JSON. Names, statuses and CIDR blocks need not: their rules allow only ASCII.
     *
     * @param path where the text is; for a map's key, the map
     * @return whether it is
     */
    private boolean encodable(String path, String text) {
        if (text == null || isEncodable(text)) {
            return true;
        }
        fail(path, text, WHOLE_CHARACTERS);
        return false;
    }

    private void port(String path, Integer port, boolean zeroAllowed) {
        if (port == null || port < (zeroAllowed ? 0 : 1) || port > 65535) {
            fail(path, port, zeroAllowed ? "0-65535, 0 for an ephemeral port" : "1-65535");
        }
    }

    /** A positive duration, at most {@link Durations#MAX_DURATION}. */
    private void positive(String path, Duration d) {
        if (!isPositive(d)) {
            fail(path, d, POSITIVE);
        } else {
            atMostMaxDuration(path, d);
        }
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    /** Zero or a positive duration, at most {@link Durations#MAX_DURATION}. */
    private void notNegative(String path, Duration d, String expected) {
        if (d == null || d.isNegative()) {
            fail(path, d, expected);
        } else {
            atMostMaxDuration(path, d);
        }
    }

    /** Every duration of a specification passes here: the one upper bound, so that whatever validates also runs. */
    private void atMostMaxDuration(String path, Duration d) {
        if (d.compareTo(Durations.MAX_DURATION) > 0) {
            fail(path, d, "at most " + render(Durations.MAX_DURATION));
        }
    }

    private static boolean withinMaxDuration(Duration d) {
        return d.compareTo(Durations.MAX_DURATION) <= 0;
    }

    /** An integer between {@code min} and {@code max}: {@code at least 1}, {@code at most 100}. */
    private void between(String path, Integer value, int min, int max) {
        if (value == null || value < min) {
            fail(path, value, "at least " + min);
        } else if (value > max) {
            fail(path, value, "at most " + max);
        }
    }

    /** Whether a text holds a character that no request line, header or address may hold: space or control. */
    private static boolean hasSpaceOrControl(String text) {
        return text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.isSpaceChar(c));
    }

    // ---- load balancer ----

    void loadBalancer(LoadBalancerSpec.Builder lb) {
        name("name", lb.name);
        placement("placement", lb);
        if (lb.cluster != null) {
            cluster("cluster", lb.cluster);
        }
        lbPlacement = lb;
        Map<String, Integer> sgNames = new HashMap<>();
        for (int i = 0; i < lb.securityGroups.size(); i++) {
            String p = "securityGroups[" + i + ']';
            SecurityGroup.Builder sg = lb.securityGroups.get(i);
            if (present(p, sg, "a security group")) {
                securityGroup(p, sg);
                Integer first = sg.name == null ? null : sgNames.putIfAbsent(sg.name, i);
                if (first != null) {
                    fail(p + ".name", sg.name, "a name not used by securityGroups[" + first + ']');
                }
            }
        }
        if (lb.listeners.isEmpty()) {
            failDescribed("listeners", "[]", "at least one listener");
        }
        Map<Integer, Integer> ports = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < lb.listeners.size(); i++) {
            String p = "listeners[" + i + ']';
            Listener.Builder l = lb.listeners.get(i);
            if (present(p, l, "a listener")) {
                listener(p, l);
                if (l.port != null && l.port != 0) {
                    Integer first = ports.putIfAbsent(l.port, i);
                    if (first != null) {
                        fail(p + ".port", l.port, "a port not used by listeners[" + first + ']');
                    }
                }
                Integer first = l.name == null ? null : names.putIfAbsent(l.name, i);
                if (first != null) {
                    fail(p + ".name", l.name, "a name not used by listeners[" + first + ']');
                }
            }
        }
        forwardingToItself(lb, ports);
    }

    /**
     * A static server written as this host's own address (a loopback address, {@code localhost} or the wildcard
     * address) on the port of one of the listeners would be the load balancer itself: every connection, and every
     * health probe, would come back as a new connection without end. The running load balancer also refuses any
     * server that resolves to one of its listeners; this catches the case a file or a builder already shows.
     */
    private void forwardingToItself(LoadBalancerSpec.Builder lb, Map<Integer, Integer> listenerPorts) {
        for (int i = 0; i < lb.listeners.size(); i++) {
            Listener.Builder l = lb.listeners.get(i);
            BackendService.Builder s = l == null ? null : l.backendService;
            if (s == null || s.sourceKind != ServerSource.Kind.STATIC) {
                continue;
            }
            for (int j = 0; j < s.staticServers.size(); j++) {
                StaticServer.Builder server = s.staticServers.get(j);
                if (server == null || server.address == null || !isThisHost(server.address)) {
                    continue;
                }
                Integer port = server.port != null ? server.port : s.port;
                Integer listener = port == null ? null : listenerPorts.get(port);
                if (listener != null) {
                    fail("listeners[" + i + "].backendService.servers.static[" + j + ']', server.address + ':' + port,
                            "a server other than this load balancer's own listeners[" + listener + "] on port " + port
                                    + "; every connection to it would come back as a new one, without end");
                }
            }
        }
    }

    /** Whether an address, as written, is this host: loopback, {@code localhost} or the wildcard address. */
    private static boolean isThisHost(String address) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        return a.equals("localhost") || a.startsWith("127.") || a.equals("::1") || a.equals("[::1]")
                || a.equals("0.0.0.0") || a.equals("::") || a.equals("0:0:0:0:0:0:0:1");
    }

    void placement(String path, PlacedBuilder<?> p) {
        text(at(path, "region"), p.region, "a region name such as cn-north-1");
        text(at(path, "vpc"), p.vpc, "a VPC identifier");
        if (p.subnet != null) {
            text(at(path, "subnet"), p.subnet, "a subnet identifier");
        }
        if (p.zones.isEmpty()) {
            failDescribed(at(path, "zones"), "[]", "at least one availability zone");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < p.zones.size(); i++) {
            String z = p.zones.get(i);
            String zp = index(path, "zones", i);
            if (z == null || z.isBlank()) {
                fail(zp, z, "an availability zone name");
            } else if (encodable(zp, z) && !seen.add(z)) {
                fail(zp, z, "a zone listed once");
            }
        }
    }

    void securityGroup(String path, SecurityGroup.Builder sg) {
        name(at(path, "name"), sg.name);
        for (int i = 0; i < sg.rules.size(); i++) {
            String p = index(path, "rules", i);
            InboundRule.Builder r = sg.rules.get(i);
            if (present(p, r, "an inbound rule")) {
                inboundRule(p, r);
            }
        }
    }

    void inboundRule(String p, InboundRule.Builder r) {
        present(at(p, "action"), r.action, "ALLOW or DENY");
        if (r.source == null || !Cidr.isValid(r.source)) {
            fail(at(p, "source"), r.source, "an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32");
        }
        int priority = r.priority();
        if (priority < InboundRule.MIN_PRIORITY || priority > InboundRule.MAX_PRIORITY) {
            fail(at(p, "priority"), priority, InboundRule.MIN_PRIORITY + "-" + InboundRule.MAX_PRIORITY);
        }
    }

    void listener(String path, Listener.Builder l) {
        if (l.name != null) {
            name(at(path, "name"), l.name);
        }
        port(at(path, "port"), l.port, true);
        positive(at(path, "idleTimeout"), l.idleTimeout());
        if (l.maxConnections != null) {
            between(at(path, "maxConnections"), l.maxConnections, 1, Listener.MAX_CONNECTIONS_LIMIT);
        }
        String sp = at(path, "backendService");
        if (present(sp, l.backendService, "a backend service")) {
            backendService(sp, l.backendService);
        }
    }

    // ---- backend service ----

    void backendService(String path, BackendService.Builder s) {
        name(at(path, "name"), s.name);
        if (s.name != null) {
            BackendService.Builder first = services.putIfAbsent(s.name, s);
            if (first == null) {
                servicePaths.put(s.name, path);
            } else if (!same(first, s)) {
                fail(at(path, "name"), s.name, "a name not used by the different backend service at "
                        + servicePaths.get(s.name) + " (listeners may share a backend service only if it is identical)");
                return;
            } else {
                return; // the same service shared by two listeners: checked once
            }
        }
        if (s.port != null) {
            port(at(path, "port"), s.port, false);
        }
        sessionPersistence(at(path, "sessionPersistence"), s.sessionPersistence);
        notNegative(at(path, "connectionDraining"), s.connectionDraining(), DRAINING);
        if (s.slowStart != null) {
            positive(at(path, "slowStart"), s.slowStart);
        }
        if (s.healthCheck != null) {
            healthCheck(at(path, "healthCheck"), s.healthCheck);
            if (s.healthCheck instanceof HealthCheck.Active.Builder<?> a && a.proxyProtocol
                    && s.proxyProtocol == ProxyProtocol.NONE) {
                fail(at(at(path, "healthCheck"), "proxyProtocol"), Boolean.TRUE, "false while the backend service sends"
                        + " no PROXY header (" + at(path, "proxyProtocol") + ": NONE; set it to V1 or V2)");
            }
        }
        String gp = at(path, "servers");
        if (s.sourceKind == null) {
            fail(gp, null, SOURCES);
            return;
        }
        boolean servicePort = s.port != null;
        String servicePortPath = at(path, "port");
        switch (s.sourceKind) {
            case STATIC -> {
                Map<String, Integer> endpoints = new HashMap<>();
                for (int i = 0; i < s.staticServers.size(); i++) {
                    String p = index(gp, "static", i);
                    StaticServer.Builder server = s.staticServers.get(i);
                    if (!present(p, server, "a server")) {
                        continue;
                    }
                    staticServer(p, server, servicePort, servicePortPath);
                    Integer effectivePort = server.port != null ? server.port : s.port;
                    String key = server.address + ':' + (effectivePort == null ? "" : effectivePort);
                    Integer first = endpoints.putIfAbsent(key, i);
                    if (first != null) {
                        fail(p, server.address + (server.port == null ? "" : ":" + server.port),
                                "a server not listed before (static[" + first + "])");
                    }
                }
            }
            case AVAILABILITY_GROUP -> {
                String p = at(gp, "availabilityGroup");
                AvailabilityGroup.Builder ag = s.group;
                AvailabilityGroup.Builder first = ag.name == null ? null : groups.putIfAbsent(ag.name, ag);
                if (first != null && !same(first, ag)) {
                    fail(at(p, "name"), ag.name, "a name not used by the different availability group at "
                            + groupPaths.get(ag.name));
                    return;
                }
                if (first == null) { // a group shared by several backend services is checked once
                    groupPaths.put(ag.name, p);
                    availabilityGroup(p, ag);
                }
                if (ag.template != null && ag.template.port == null && !servicePort) {
                    fail(at(p, "template.port"), null, "a port, because the backend service sets none ("
                            + servicePortPath + ')');
                }
            }
            case PROVIDER -> provider(at(gp, "provider"), s.providerType, s.providerProperties);
        }
    }

    /**
     * Whether two builders of one name describe the same value: equal once built if both are valid, or, if both are
     * invalid, wrong in the same ways (the copies a specification makes of one builder are).
     */
    private static boolean same(BackendService.Builder a, BackendService.Builder b) {
        return same(violations(v -> v.backendService("", a)), violations(v -> v.backendService("", b)),
                () -> a.make().equals(b.make()));
    }

    private static boolean same(AvailabilityGroup.Builder a, AvailabilityGroup.Builder b) {
        return same(violations(v -> v.availabilityGroup("", a)), violations(v -> v.availabilityGroup("", b)),
                () -> a.make().equals(b.make()));
    }

    private static boolean same(List<Violation> a, List<Violation> b, java.util.function.BooleanSupplier equalValues) {
        return a.isEmpty() && b.isEmpty() ? equalValues.getAsBoolean() : a.equals(b);
    }

    void cluster(String path, Cluster.Builder c) {
        String zk = at(path, "zookeeper");
        if (c.connect == null || !c.connect.matches("[^,\\s/]+:\\d{1,5}(,[^,\\s/]+:\\d{1,5})*")) {
            fail(at(zk, "connect"), c.connect, "HOST:PORT,..., such as zk1:2181,zk2:2181");
        }
        if (c.basePath != null && (!c.basePath.matches("(/[A-Za-z0-9._-]+)+"))) {
            fail(at(zk, "basePath"), c.basePath, "a ZooKeeper path such as /nlb4j");
        }
        if (c.node != null) {
            name(at(path, "node"), c.node);
        }
        if (c.healthQuorum != null && (c.healthQuorum < 1 || c.healthQuorum > Cluster.MAX_HEALTH_QUORUM)) {
            fail(at(path, "healthQuorum"), c.healthQuorum, "1-" + Cluster.MAX_HEALTH_QUORUM + ", the number of nodes"
                    + " that must find a server unhealthy");
        }
        Duration session = c.sessionTimeout;
        if (session != null) {
            if (!isPositive(session) || session.compareTo(Durations.MAX_DURATION) > 0) {
                positive(at(zk, "sessionTimeout"), session);
            } else if (session.compareTo(Duration.ofSeconds(Cluster.MIN_SESSION_TIMEOUT_SECONDS)) < 0
                    || session.compareTo(Duration.ofSeconds(Cluster.MAX_SESSION_TIMEOUT_SECONDS)) > 0) {
                fail(at(zk, "sessionTimeout"), session, Cluster.MIN_SESSION_TIMEOUT_SECONDS + "s to "
                        + Cluster.MAX_SESSION_TIMEOUT_SECONDS + "s");
            }
        }
    }

    void sessionPersistence(String path, SessionPersistence.Builder sp) {
        if (sp.mode != SessionPersistence.Mode.OFF || sp.timeout != null) {
            positive(at(path, "timeout"), sp.timeout());
        }
    }

    void healthCheck(String path, HealthCheck.Builder<?> hc) {
        if (hc.outlierDetection != null) {
            outlierDetection(at(path, "outlierDetection"), hc.outlierDetection);
        }
        if (!(hc instanceof HealthCheck.Active.Builder<?> a)) {
            return;
        }
        if (a.port != null) {
            port(at(path, "port"), a.port, false);
        }
        positive(at(path, "interval"), a.interval());
        positive(at(path, "timeout"), a.timeout());
        if (isPositive(a.interval()) && isPositive(a.timeout()) && withinMaxDuration(a.interval())
                && withinMaxDuration(a.timeout()) && a.timeout().compareTo(a.interval()) >= 0) {
            fail(at(path, "timeout"), a.timeout(), "less than interval " + render(a.interval()));
        }
        between(at(path, "healthyThreshold"), a.healthyThreshold(), 1, HealthCheck.MAX_THRESHOLD);
        between(at(path, "unhealthyThreshold"), a.unhealthyThreshold(), 1, HealthCheck.MAX_THRESHOLD);
        if (hc instanceof HealthCheck.Http.Builder http) {
            if (http.path != null && !http.path.startsWith("/")) {
                fail(at(path, "path"), http.path, "a path starting with /");
            } else if (http.path != null && hasSpaceOrControl(http.path)) { // it is sent as is in the request line
                fail(at(path, "path"), http.path, "a path without spaces or control characters, percent-encoded");
            } else {
                encodable(at(path, "path"), http.path);
            }
            if (http.host != null) {
                if (http.host.isBlank()) {
                    fail(at(path, "host"), http.host, "a host name");
                } else if (hasSpaceOrControl(http.host)) { // it is sent as is in the Host header
                    fail(at(path, "host"), http.host, "a host name without spaces or control characters");
                } else {
                    encodable(at(path, "host"), http.host);
                }
            }
            List<String> statuses = http.expectedStatuses == null ? List.of() : http.expectedStatuses;
            for (int i = 0; i < statuses.size(); i++) {
                String st = statuses.get(i);
                String sp = index(path, "expectedStatuses", i);
                if (st == null || !STATUS.matcher(st).matches()) {
                    fail(sp, st, "a status such as 200, 2xx or 200-299");
                } else if (st.length() == 7 && st.substring(0, 3).compareTo(st.substring(4)) > 0) {
                    fail(sp, st, "a range whose first status is not above its last, such as 200-299");
                }
            }
            if (http.expectBody != null && http.expectBody.isEmpty()) {
                fail(at(path, "expect"), http.expectBody, "a non-empty text the response body must contain");
            } else {
                encodable(at(path, "expect"), http.expectBody);
            }
        } else if (hc instanceof HealthCheck.SendExpect.Builder se) {
            if (se.send == null) {
                fail(at(path, "send"), null, "the text to send, possibly empty");
            } else {
                encodable(at(path, "send"), se.send);
            }
            if (se.expect == null || se.expect.isEmpty()) {
                fail(at(path, "expect"), se.expect, "a non-empty expected reply prefix");
            } else {
                encodable(at(path, "expect"), se.expect);
            }
        }
    }

    void outlierDetection(String path, OutlierDetection.Builder od) {
        if (!od.enabled) {
            return;
        }
        between(at(path, "consecutiveFailures"), od.consecutiveFailures(), 1,
                OutlierDetection.MAX_CONSECUTIVE_FAILURES);
        positive(at(path, "baseEjectionTime"), od.baseEjectionTime());
        int percent = od.maxEjectionPercent();
        if (percent < 0 || percent > 100) {
            fail(at(path, "maxEjectionPercent"), percent, "0-100");
        }
    }

    void staticServer(String p, StaticServer.Builder s, boolean servicePort, String servicePortPath) {
        if (s.address == null || s.address.isBlank() || hasSpaceOrControl(s.address)) {
            fail(at(p, "address"), s.address, "an IP address or host name");
        } else {
            encodable(at(p, "address"), s.address);
        }
        if (s.port != null) {
            port(at(p, "port"), s.port, false);
        } else if (!servicePort) {
            fail(at(p, "port"), null, "a port, because the backend service sets none (" + servicePortPath + ')');
        }
        int w = s.weight();
        if (w < StaticServer.MIN_WEIGHT || w > StaticServer.MAX_WEIGHT) {
            fail(at(p, "weight"), w, StaticServer.MIN_WEIGHT + "-" + StaticServer.MAX_WEIGHT);
        }
        if (s.maxConnections != null) {
            between(at(p, "maxConnections"), s.maxConnections, 1, Listener.MAX_CONNECTIONS_LIMIT);
        }
        if (s.placement != null) {
            placement(at(p, "placement"), s.placement);
            samePlacement(at(p, "placement"), s.placement);
        }
    }

    void provider(String p, String type, Map<String, String> properties) {
        text(at(p, "type"), type, "a membership provider type such as file or zookeeper");
        if (properties != null) {
            for (Map.Entry<String, String> e : properties.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank()) {
                    fail(at(p, "properties"), e.getKey(), "non-blank property names");
                } else if (encodable(at(p, "properties"), e.getKey())) { // the value of a key refused is not checked
                    if (e.getValue() == null) {
                        fail(key(p, "properties", e.getKey()), null, "a value");
                    } else {
                        encodable(key(p, "properties", e.getKey()), e.getValue());
                    }
                }
            }
        }
    }

    private void samePlacement(String path, PlacedBuilder<?> p) {
        if (lbPlacement == null) {
            return;
        }
        if (p.region != null && !p.region.isBlank() && lbPlacement.region != null
                && !p.region.equals(lbPlacement.region)) {
            fail(at(path, "region"), p.region, "the load balancer's region " + render(lbPlacement.region));
        }
        if (p.vpc != null && !p.vpc.isBlank() && lbPlacement.vpc != null && !p.vpc.equals(lbPlacement.vpc)) {
            fail(at(path, "vpc"), p.vpc, "the load balancer's VPC " + render(lbPlacement.vpc));
        }
        for (int i = 0; i < p.zones.size(); i++) {
            String z = p.zones.get(i);
            if (z != null && !z.isBlank() && !lbPlacement.zones.contains(z)) {
                fail(index(path, "zones", i), z, "a zone the load balancer serves " + zoneList(lbPlacement.zones)
                        + "; this one is not served by the load balancer");
            }
        }
    }

    /** Zones as an expectation lists them: {@code [az-a, az-b]}, each abbreviated, at most {@value #LISTED_ZONES}. */
    private static String zoneList(List<String> zones) {
        String listed = zones.stream().limit(LISTED_ZONES).map(SpecValidator::abbreviate)
                .collect(Collectors.joining(", "));
        return '[' + listed + (zones.size() > LISTED_ZONES ? ", …(" + zones.size() + " zones)" : "") + ']';
    }

    // ---- availability group ----

    void availabilityGroup(String path, AvailabilityGroup.Builder g) {
        name(at(path, "name"), g.name);
        placement(at(path, "placement"), g);
        samePlacement(at(path, "placement"), g);
        if (present(at(path, "template"), g.template, "an instance template")) {
            template(at(path, "template"), g.template);
        }
        positive(at(path, "replaceUnhealthyAfter"), g.replaceUnhealthyAfter());
        if (g.targetTracking != null) {
            targetTracking(at(path, "targetTracking"), g.targetTracking);
        }
        if (g.capacitySet) {
            capacity(at(path, "capacity"), g.min, g.desired, g.max);
        }
    }

    void targetTracking(String tp, TargetTracking.Builder tt) {
        between(at(tp, "targetConnectionsPerInstance"), tt.targetConnectionsPerInstance, 1,
                TargetTracking.MAX_TARGET_CONNECTIONS_PER_INSTANCE);
        notNegative(at(tp, "scaleOutCooldown"), tt.scaleOutCooldown(), ZERO_OR_POSITIVE);
        notNegative(at(tp, "scaleInCooldown"), tt.scaleInCooldown(), ZERO_OR_POSITIVE);
    }

    /** The capacity rules, for specifications and for capacities changed at run time alike. */
    void capacity(String path, Integer min, Integer desired, Integer max) {
        if (min == null || desired == null || max == null) {
            present(at(path, "min"), min, "an integer");
            present(at(path, "desired"), desired, "an integer");
            present(at(path, "max"), max, "an integer");
            return;
        }
        if (min < 0) { // and at most max, which is at most MAX_INSTANCES
            fail(at(path, "min"), min, "at least 0");
        }
        between(at(path, "max"), max, 1, Capacity.MAX_INSTANCES);
        if (min > max) {
            failDescribed(path, "min " + min + " > max " + max, "min <= desired <= max");
        } else if (desired < min || desired > max) {
            fail(at(path, "desired"), desired, "between min " + min + " and max " + max);
        }
    }

    void template(String path, InstanceTemplate.Builder t) {
        name(at(path, "name"), t.name);
        if (t.port != null && (t.port < 0 || t.port > 65535)) {
            fail(at(path, "port"), t.port, "0-65535, 0 for an ephemeral port chosen by each instance");
        }
        if (t.maxConnections != null) {
            between(at(path, "maxConnections"), t.maxConnections, 1, Listener.MAX_CONNECTIONS_LIMIT);
        }
        if (t.launcherDraft().isEmpty()) {
            fail(at(path, "launcher"), null, "an instance launcher (inProcess or process)");
        } else if (t.process != null) {
            processLauncher(at(path, "launcher.process"), t.process);
        }
        for (Map.Entry<String, String> e : t.labels.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                fail(at(path, "labels"), e.getKey(), "non-blank label keys");
            } else if (encodable(at(path, "labels"), e.getKey())) { // the value of a key refused is not checked
                if (e.getValue() == null) {
                    fail(key(path, "labels", e.getKey()), null, "a value");
                } else {
                    encodable(key(path, "labels", e.getKey()), e.getValue());
                }
            }
        }
    }

    void processLauncher(String lp, ProcessLauncher.Builder pl) {
        if (pl.command == null || pl.command.isEmpty()) {
            fail(at(lp, "command"), pl.command, "a program and its arguments");
        } else {
            for (int i = 0; i < pl.command.size(); i++) {
                String arg = pl.command.get(i);
                String p = index(lp, "command", i);
                String what = i == 0 ? "a program" : "an argument";
                if (arg == null || (i == 0 && arg.isBlank())) {
                    fail(p, arg, what);
                } else if (arg.indexOf('\0') >= 0) {
                    fail(p, arg, what + " without NUL characters");
                } else if (!Placeholders.valid(arg)) {
                    fail(p, arg, Placeholders.EXPECTED);
                } else {
                    encodable(p, arg);
                }
            }
        }
        for (Map.Entry<String, String> e : pl.environment.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || name.isBlank() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                fail(at(lp, "environment"), name, ENVIRONMENT_NAMES);
            } else if (encodable(at(lp, "environment"), name)) { // the value of a name refused is not checked
                String vp = key(lp, "environment", name);
                if (value == null) {
                    fail(vp, null, "a value");
                } else if (value.indexOf('\0') >= 0) {
                    fail(vp, value, "a value without NUL characters");
                } else if (!Placeholders.valid(value)) {
                    fail(vp, value, Placeholders.EXPECTED);
                } else {
                    encodable(vp, value);
                }
            }
        }
        if (pl.workingDirectory != null) {
            if (pl.workingDirectory.isBlank()) {
                fail(at(lp, "workingDirectory"), pl.workingDirectory, "a directory");
            } else if (pl.workingDirectory.indexOf('\0') >= 0) {
                fail(at(lp, "workingDirectory"), pl.workingDirectory, "a directory without NUL characters");
            } else {
                encodable(at(lp, "workingDirectory"), pl.workingDirectory);
            }
        }
        positive(at(lp, "readyTimeout"), pl.readyTimeout());
        notNegative(at(lp, "stopGracePeriod"), pl.stopGracePeriod(), ZERO_OR_POSITIVE);
    }
}
