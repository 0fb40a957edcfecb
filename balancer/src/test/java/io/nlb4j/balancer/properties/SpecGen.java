package io.nlb4j.balancer.properties;

import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.Capacity;
import io.nlb4j.model.Durations;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.Placement;
import io.nlb4j.model.PortRange;
import io.nlb4j.model.ProcessLauncher;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import io.nlb4j.model.SessionPersistence;
import io.nlb4j.model.StaticServer;
import io.nlb4j.model.TargetTracking;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates load balancer specifications through the public builders, with the model's limit constants.
 *
 * <p>Three kinds, by {@link Env}: specifications for files (every feature, random ports and addresses, process
 * and class-named in-process launchers, any provider type, texts of every kind); runnable specifications (every
 * listener on port 0, static servers at this test's {@link UniversalServer}s, health checks those servers pass,
 * in-process instances from {@link EchoInstanceFactory}, the test's membership provider); and, with a
 * {@code badRate} above 0, specifications with wrong values in random places, for the validator.
 */
final class SpecGen {

    /** The membership provider type the runnable specifications use; {@link OneServerProviders} serves it. */
    static final String TEST_PROVIDER = "props-test";

    private static final AtomicLong UNIQUE = new AtomicLong();

    /** What the generated specifications point at. */
    record Env(boolean runnable, List<Integer> serverPorts, int greeterPort) {
        static Env files() {
            return new Env(false, List.of(), 0);
        }

        /** Servers at {@link UniversalServer}s; send/expect checks that send nothing probe the greeter. */
        static Env running(List<Integer> serverPorts, int greeterPort) {
            return new Env(true, List.copyOf(serverPorts), greeterPort);
        }
    }

    private final Random r;
    private final Env env;
    private final double badRate;

    // per specification
    private List<String> lbZones;
    private String lbRegion;
    private String lbVpc;
    private final Set<Integer> listenerPorts = new HashSet<>();
    private final Set<String> listenerNames = new HashSet<>();
    private final Set<String> serviceNames = new HashSet<>();
    private final Set<String> groupNames = new HashSet<>();
    private final List<BackendService.Builder> services = new ArrayList<>();
    private final List<AvailabilityGroup.Builder> groups = new ArrayList<>();
    /** Whether each group's template sets a port: only those may serve a service without a port. */
    private final List<Boolean> groupTemplatePorts = new ArrayList<>();

    private SpecGen(Random r, Env env, double badRate) {
        this.r = r;
        this.env = env;
        this.badRate = badRate;
    }

    /** A valid specification's builder for {@code env}. */
    static LoadBalancerSpec.Builder valid(Random r, Env env) {
        return new SpecGen(r, env, 0).spec();
    }

    /** A builder with wrong values in random places, about one field in {@code 1 / badRate}. */
    static LoadBalancerSpec.Builder mutated(Random r, double badRate) {
        return new SpecGen(r, Env.files(), badRate).spec();
    }

    private boolean bad() {
        return badRate > 0 && r.nextDouble() < badRate;
    }

    private boolean chance(int oneIn) {
        return r.nextInt(oneIn) == 0;
    }

    // ---- texts ----

    private String name() {
        return bad() ? badName() : Texts.name(r);
    }

    private String badName() {
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "-starts-with-dash";
            case 3 -> "a".repeat(65 + r.nextInt(3));
            case 4 -> "x".repeat(1 << (10 + r.nextInt(11))); // up to 1 MiB
            case 5 -> Texts.any(r, 100);
            default -> "has space";
        };
    }

    private String text() {
        if (bad()) {
            return switch (r.nextInt(4)) {
                case 0 -> null;
                case 1 -> "";
                case 2 -> Texts.unencodable(r);
                default -> " \t";
            };
        }
        return Texts.nonBlank(r, env.runnable ? 40 : 300);
    }

    // ---- durations ----

    static Duration positive(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> Duration.ofNanos(1 + r.nextInt(999_999));
            case 1 -> Duration.ofMillis(1 + r.nextInt(10_000));
            case 2 -> Duration.ofSeconds(1 + r.nextInt(100_000));
            case 3 -> Duration.ofMinutes(1 + r.nextInt(10_000));
            case 4 -> Duration.ofHours(1 + r.nextInt(8760));
            case 5 -> Duration.ofDays(1 + r.nextInt((int) Durations.MAX_DURATION_DAYS));
            case 6 -> Durations.MAX_DURATION;
            case 7 -> Durations.MAX_DURATION.minusNanos(1);
            case 8 -> Duration.ofNanos(1);
            case 9 -> Duration.ofNanos(1 + (long) (r.nextDouble() * (Durations.MAX_DURATION.toNanos() - 1)));
            case 10 -> Duration.ofSeconds(1 + r.nextInt(3600));
            default -> Duration.ofMillis(1 + r.nextInt(1000)).plusNanos(r.nextInt(1000));
        };
    }

    static Duration badDuration(Random r, boolean zeroIsBad) {
        return switch (r.nextInt(zeroIsBad ? 8 : 7)) {
            case 0 -> Duration.ofNanos(-1);
            case 1 -> Duration.ofSeconds(-1);
            case 2 -> Duration.ofSeconds(Long.MIN_VALUE);
            case 3 -> Durations.MAX_DURATION.plusNanos(1);
            case 4 -> Duration.ofDays(1_000_000);
            case 5 -> Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
            case 6 -> Duration.ofDays(-(1 + r.nextInt(1000)));
            default -> Duration.ZERO;
        };
    }

    private Duration positiveDuration() {
        return bad() ? badDuration(r, true) : positive(r);
    }

    private Duration zeroOrPositive() {
        if (bad()) {
            return badDuration(r, false);
        }
        return chance(5) ? Duration.ZERO : positive(r);
    }

    // ---- integers ----

    private int intIn(int min, int max) {
        if (bad()) {
            return switch (r.nextInt(5)) {
                case 0 -> min - 1;
                case 1 -> max == Integer.MAX_VALUE ? Integer.MIN_VALUE : max + 1;
                case 2 -> Integer.MIN_VALUE;
                case 3 -> Integer.MAX_VALUE == max ? min - 1 : Integer.MAX_VALUE;
                default -> -r.nextInt(1000) - 1 + Math.min(min, 0);
            };
        }
        return switch (r.nextInt(4)) {
            case 0 -> min;
            case 1 -> max;
            default -> min + (int) (r.nextDouble() * ((long) max - min + 1));
        };
    }

    // ---- the specification ----

    private LoadBalancerSpec.Builder spec() {
        String lbName = env.runnable ? "props-" + UNIQUE.incrementAndGet() + '-' + Texts.name(r) : name();
        if (lbName != null && env.runnable && lbName.length() > 64) {
            lbName = lbName.substring(0, 64);
        }
        LoadBalancerSpec.Builder lb = LoadBalancerSpec.builder(lbName);
        lbRegion = text();
        lbVpc = text();
        lbZones = zones();
        lb.region(lbRegion).vpc(lbVpc).zones(lbZones);
        if (chance(3)) {
            lb.subnet(text());
        }
        int groupsOfRules = chance(2) ? 0 : 1 + r.nextInt(3);
        Set<String> sgNames = new HashSet<>();
        for (int i = 0; i < groupsOfRules; i++) {
            if (bad() && chance(4)) {
                lb.securityGroup((SecurityGroup.Builder) null);
                continue;
            }
            String n = uniqueName(sgNames);
            SecurityGroup.Builder sg = SecurityGroup.builder(n);
            int rules = r.nextInt(5);
            for (int j = 0; j < rules; j++) {
                sg.rule(bad() && chance(4) ? null : rule());
            }
            lb.securityGroup(sg);
        }
        int listeners = bad() && chance(4) ? 0 : 1 + r.nextInt(3);
        for (int i = 0; i < listeners; i++) {
            lb.listener(bad() && chance(6) ? null : listener());
        }
        return lb;
    }

    private String uniqueName(Set<String> used) {
        String n = name();
        if (n != null && !used.add(n) && !bad()) {
            for (int k = 0; !used.add(n); k++) {
                n = (n.length() > 50 ? n.substring(0, 50) : n) + '-' + k;
            }
        }
        return n;
    }

    private List<String> zones() {
        if (bad()) {
            return switch (r.nextInt(4)) {
                case 0 -> List.of();
                case 1 -> Arrays.asList("z", null);
                case 2 -> List.of("z", "z");
                default -> List.of(" ");
            };
        }
        int n = 1 + r.nextInt(4);
        Set<String> zones = new LinkedHashSet<>();
        while (zones.size() < n) {
            zones.add(Texts.nonBlank(r, 30));
        }
        return new ArrayList<>(zones);
    }

    private List<String> someZones() {
        if (bad() || lbZones.isEmpty()) {
            return chance(2) ? List.of() : List.of("not-served-" + Texts.word(r));
        }
        List<String> shuffled = new ArrayList<>(lbZones);
        java.util.Collections.shuffle(shuffled, r);
        return shuffled.subList(0, 1 + r.nextInt(shuffled.size()));
    }

    private InboundRule.Builder rule() {
        InboundRule.Builder b = InboundRule.builder(bad() ? null : r.nextBoolean() ? InboundRule.Action.ALLOW
                : InboundRule.Action.DENY, cidr());
        if (chance(2)) {
            int from = 1 + r.nextInt(65535);
            int to = chance(2) ? from : from + r.nextInt(65536 - from);
            b.ports(chance(5) ? PortRange.ALL : PortRange.of(from, to));
        }
        if (chance(2)) {
            b.priority(intIn(InboundRule.MIN_PRIORITY, InboundRule.MAX_PRIORITY));
        }
        return b;
    }

    private String cidr() {
        if (bad()) {
            return switch (r.nextInt(6)) {
                case 0 -> null;
                case 1 -> "10.0.0.0/33";
                case 2 -> "010.0.0.1";
                case 3 -> "::/129";
                case 4 -> "example.com";
                default -> Texts.any(r, 20);
            };
        }
        String s = switch (r.nextInt(8)) {
            case 0 -> r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + '/'
                    + r.nextInt(33);
            case 1 -> r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
            case 2 -> "0.0.0.0/0";
            case 3 -> "::/0";
            case 4 -> String.format("2001:db8:%x::/%d", r.nextInt(0x10000), r.nextInt(129));
            case 5 -> "::1";
            case 6 -> "::" + r.nextInt(256) + ".0.0." + r.nextInt(256) + "/" + (96 + r.nextInt(33));
            default -> "FE80::" + Integer.toHexString(r.nextInt(0x10000)) + "/64";
        };
        return chance(10) ? " " + s + " " : s;
    }

    private Listener.Builder listener() {
        Listener.Builder l = Listener.builder();
        int port;
        if (env.runnable) {
            port = 0;
        } else if (bad()) {
            port = chance(2) ? intIn(0, 65535) : listenerPorts.isEmpty() ? 70000 : listenerPorts.iterator().next();
        } else {
            do {
                port = chance(5) ? 0 : 1 + r.nextInt(65535);
            } while (port != 0 && !listenerPorts.add(port));
        }
        if (!(bad() && chance(5))) {
            l.port(port);
        }
        if (chance(2)) {
            String n = uniqueName(listenerNames);
            l.name(n);
        }
        if (chance(2)) {
            l.idleTimeout(positiveDuration());
        }
        if (chance(3)) {
            l.maxConnections(intIn(1, Listener.MAX_CONNECTIONS_LIMIT));
        }
        if (!services.isEmpty() && chance(5)) {
            BackendService.Builder shared = services.get(r.nextInt(services.size()));
            l.backendService(shared); // the same service for two listeners: identical, so allowed
        } else {
            BackendService.Builder s = service();
            services.add(s);
            l.backendService(s);
        }
        return l;
    }

    private BackendService.Builder service() {
        String n = uniqueName(serviceNames);
        BackendService.Builder s = BackendService.builder(n);
        boolean servicePort = env.runnable ? false : !chance(3) || bad();
        Integer portOfService = null;
        if (servicePort) {
            portOfService = intIn(1, 65535);
            s.port(portOfService);
        }
        if (chance(2)) {
            s.scheduling(Scheduling.values()[r.nextInt(Scheduling.values().length)]);
        }
        switch (r.nextInt(4)) {
            case 0 -> s.sessionPersistence(positiveDuration());
            case 1 -> s.sessionPersistence(SessionPersistence.builder().mode(SessionPersistence.Mode.OFF)
                    .timeout(positiveDuration()));
            case 2 -> s.sessionPersistence(SessionPersistence.off());
            default -> { }
        }
        if (chance(2)) {
            s.connectionDraining(zeroOrPositive());
        }
        if (!chance(4)) {
            s.healthCheck(healthCheck());
        }
        int source = r.nextInt(10);
        if (source < 5) {
            s.staticServers(List.of());
            int n2 = env.runnable ? r.nextInt(Math.min(4, env.serverPorts.size() + 1)) : r.nextInt(5);
            Set<String> keys = new HashSet<>();
            List<Integer> ports = new ArrayList<>(env.serverPorts);
            java.util.Collections.shuffle(ports, r);
            for (int i = 0; i < n2; i++) {
                if (bad() && chance(6)) {
                    s.staticServer(null);
                    continue;
                }
                StaticServer.Builder server = staticServer(servicePort, portOfService, keys,
                        ports.isEmpty() ? 1 : ports.get(i));
                if (server != null) {
                    s.staticServer(server);
                }
            }
        } else if (source < 8) {
            int shared = groups.isEmpty() ? -1 : r.nextInt(groups.size());
            if (shared >= 0 && chance(4) && (servicePort || groupTemplatePorts.get(shared) || bad())) {
                s.availabilityGroup(groups.get(shared));
            } else {
                boolean[] templatePort = new boolean[1];
                AvailabilityGroup.Builder g = group(servicePort, templatePort);
                groups.add(g);
                groupTemplatePorts.add(templatePort[0]);
                s.availabilityGroup(g);
            }
        } else {
            Map<String, String> properties = new LinkedHashMap<>();
            int n3 = r.nextInt(4);
            for (int i = 0; i < n3; i++) {
                properties.put(bad() ? (chance(2) ? " " : null) : Texts.nonBlank(r, 60), bad() ? null
                        : Texts.any(r, 200));
            }
            String type = env.runnable ? TEST_PROVIDER : bad() ? (chance(2) ? null : " ") : Texts.nonBlank(r, 40);
            s.provider(type, properties.isEmpty() && chance(2) ? null : properties);
        }
        return s;
    }

    private StaticServer.Builder staticServer(boolean servicePort, Integer portOfService, Set<String> keys,
                                              int runPort) {
        String address;
        Integer port;
        if (env.runnable) {
            address = "127.0.0.1";
            port = runPort;
        } else {
            address = bad() ? (chance(2) ? null : "has space") : address();
            port = !servicePort || chance(2) ? Integer.valueOf(intIn(1, 65535)) : null;
        }
        String key = address + ':' + (port != null ? port : portOfService); // as the validator tells servers apart
        if (!keys.add(key) && !bad()) {
            return null; // listed already
        }
        StaticServer.Builder b = StaticServer.builder(address);
        if (port != null) {
            b.port(port);
        }
        if (chance(2)) {
            b.weight(intIn(StaticServer.MIN_WEIGHT, StaticServer.MAX_WEIGHT));
        }
        if (chance(4)) {
            Placement.Builder p = Placement.builder().region(bad() ? "other-region" : lbRegion)
                    .vpc(bad() ? "other-vpc" : lbVpc).zones(someZones());
            if (chance(3)) {
                p.subnet(text());
            }
            b.placement(p);
        }
        return b;
    }

    private String address() {
        return switch (r.nextInt(6)) {
            case 0 -> "10." + r.nextInt(256) + '.' + r.nextInt(256) + '.' + r.nextInt(256);
            case 1 -> "2001:db8::" + Integer.toHexString(r.nextInt(0x10000));
            case 2 -> Texts.word(r) + ".example";
            case 3 -> "127.0.0.1";
            default -> Texts.token(r);
        };
    }

    private HealthCheck.Builder<?> healthCheck() {
        HealthCheck.Builder<?> hc;
        boolean sendsSomething = true;
        int kind = r.nextInt(4);
        if (kind == 3) {
            hc = HealthCheck.None.builder();
        } else {
            HealthCheck.Active.Builder<?> a;
            if (kind == 0) {
                a = HealthCheck.tcp();
            } else if (kind == 1) {
                HealthCheck.Http.Builder http = HealthCheck.http(chance(3) ? null : httpPath());
                if (chance(3)) {
                    http.host(bad() ? "has space" : Texts.token(r));
                }
                if (chance(2)) {
                    http.expectedStatuses(statuses());
                }
                if (chance(3)) {
                    http.expectBody(env.runnable ? UniversalServer.HTTP_BODY : bad() ? "" : Texts.any(r, 100) + "x");
                }
                a = http;
            } else {
                String send;
                String expect;
                if (env.runnable) {
                    send = chance(2) ? UniversalServer.PING : "";
                    sendsSomething = !send.isEmpty();
                    expect = chance(2) ? UniversalServer.PONG : UniversalServer.PONG.substring(0, 1);
                } else {
                    send = bad() ? null : Texts.any(r, 200);
                    expect = bad() ? (chance(2) ? null : "") : Texts.nonBlank(r, 200);
                }
                a = HealthCheck.sendExpect(send, expect);
            }
            if (env.runnable && a instanceof HealthCheck.SendExpect.Builder && !sendsSomething) {
                a.port(env.greeterPort); // only a greeter answers a check that sends nothing
            } else if (chance(3)) {
                a.port(env.runnable ? env.serverPorts.get(r.nextInt(env.serverPorts.size())) : intIn(1, 65535));
            }
            Duration timeout;
            if (env.runnable) {
                timeout = Duration.ofMillis(500 + r.nextInt(1500));
                a.timeout(timeout);
            } else if (chance(2)) {
                timeout = positiveDuration();
                if (badRate == 0 && timeout.compareTo(Durations.MAX_DURATION) >= 0) {
                    timeout = Durations.MAX_DURATION.minusNanos(1); // room for an interval above it
                }
                a.timeout(timeout);
            } else {
                timeout = Duration.ofSeconds(HealthCheck.DEFAULT_TIMEOUT_SECONDS);
            }
            if (env.runnable || chance(2) || timeout.compareTo(Duration.ofSeconds(HealthCheck.DEFAULT_INTERVAL_SECONDS))
                    >= 0) {
                a.interval(interval(timeout));
            }
            if (chance(2)) {
                a.healthyThreshold(intIn(1, HealthCheck.MAX_THRESHOLD));
            }
            if (chance(2)) {
                a.unhealthyThreshold(intIn(1, HealthCheck.MAX_THRESHOLD));
            }
            if (chance(3)) {
                a.allUnhealthy(HealthCheck.AllUnhealthy.values()[r.nextInt(2)]);
            }
            if (chance(3)) {
                a.unhealthyConnections(HealthCheck.UnhealthyConnections.values()[r.nextInt(2)]);
            }
            hc = a;
        }
        if (chance(2)) {
            hc.outlierDetection(outlierDetection());
        }
        return hc;
    }

    /** An interval above the timeout, at most the longest duration. */
    private Duration interval(Duration timeout) {
        if (bad()) {
            return chance(2) ? timeout : badDuration(r, true);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Durations.MAX_DURATION) >= 0) {
            return positive(r); // a wrong timeout, given in bad mode only
        }
        Duration room = Durations.MAX_DURATION.minus(timeout);
        Duration interval = switch (r.nextInt(4)) {
            case 0 -> timeout.plusNanos(1);
            case 1 -> Durations.MAX_DURATION;
            case 2 -> timeout.plus(Duration.ofMillis(1 + r.nextInt(5000)));
            default -> timeout.plus(Duration.ofNanos(1 + (long) (r.nextDouble() * (room.toNanos() - 1))));
        };
        return interval.compareTo(Durations.MAX_DURATION) > 0 ? Durations.MAX_DURATION : interval;
    }

    private String httpPath() {
        if (bad()) {
            return chance(2) ? "no-slash" : "/has space";
        }
        String t = Texts.token(r);
        return "/" + (chance(3) ? "" : t);
    }

    private List<String> statuses() {
        if (bad()) {
            return chance(2) ? List.of("600") : Arrays.asList("299-200", null);
        }
        List<String> all = List.of("200", "2xx", "3xx", "200-299", "204", "100-599", "5xx", "404", "1xx");
        List<String> out = new ArrayList<>();
        if (env.runnable) {
            out.add(r.nextBoolean() ? "2xx" : "200"); // the universal server answers 200
        }
        int n = (env.runnable ? 0 : 1) + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(all.get(r.nextInt(all.size())));
        }
        return out;
    }

    private OutlierDetection.Builder outlierDetection() {
        OutlierDetection.Builder d = OutlierDetection.builder();
        boolean enabled = !chance(3);
        d.enabled(enabled);
        if (enabled) {
            if (chance(2)) {
                d.consecutiveFailures(intIn(1, OutlierDetection.MAX_CONSECUTIVE_FAILURES));
            }
            if (chance(2)) {
                d.baseEjectionTime(positiveDuration());
            }
            if (chance(2)) {
                d.maxEjectionPercent(intIn(0, 100));
            }
        } else if (chance(2)) { // when off, the other fields are not checked: any value goes
            d.consecutiveFailures(r.nextInt()).baseEjectionTime(chance(2) ? badDuration(r, true) : positive(r))
                    .maxEjectionPercent(r.nextInt());
        }
        return d;
    }

    private AvailabilityGroup.Builder group(boolean servicePort, boolean[] templatePort) {
        AvailabilityGroup.Builder g = AvailabilityGroup.builder(uniqueName(groupNames));
        g.region(bad() ? "other-region" : lbRegion).vpc(lbVpc).zones(someZones());
        if (chance(3)) {
            g.subnet(text());
        }
        boolean inProcess = env.runnable ? !chance(4) : chance(2);
        InstanceTemplate.Builder t = InstanceTemplate.builder(name());
        if (inProcess) {
            t.launcher(InstanceLauncher.inProcess(EchoInstanceFactory.class));
        } else {
            t.launcher(processLauncher());
        }
        if (env.runnable) {
            t.port(0);
            templatePort[0] = true;
        } else if (!servicePort || chance(2)) {
            t.port(intIn(0, 65535));
            templatePort[0] = true;
        }
        int labels = r.nextInt(4);
        for (int i = 0; i < labels; i++) {
            t.label(bad() ? (chance(2) ? null : " ") : Texts.nonBlank(r, 60), bad() ? null : Texts.any(r, 100));
        }
        g.template(bad() && chance(5) ? null : t);
        if (env.runnable) {
            if (inProcess) {
                int max = 1 + r.nextInt(4);
                int desired = r.nextInt(Math.min(3, max) + 1);
                int min = r.nextInt(desired + 1);
                g.capacity(min, desired, max);
            } else {
                g.capacity(0, 0, 1 + r.nextInt(Capacity.MAX_INSTANCES));
            }
        } else if (chance(3) || bad()) {
            if (bad()) {
                g.capacity(chance(3) ? null : intIn(0, 10), chance(3) ? null : intIn(0, 10),
                        chance(3) ? null : intIn(1, Capacity.MAX_INSTANCES));
            } else {
                int max = chance(3) ? Capacity.MAX_INSTANCES : 1 + r.nextInt(Capacity.MAX_INSTANCES);
                int min = r.nextInt(max + 1);
                int desired = min + r.nextInt(max - min + 1);
                g.capacity(min, desired, max);
            }
        }
        if (chance(3)) {
            TargetTracking.Builder tt = TargetTracking.builder(bad() && chance(3) ? null
                    : intIn(1, TargetTracking.MAX_TARGET_CONNECTIONS_PER_INSTANCE));
            if (chance(2)) {
                tt.scaleOutCooldown(zeroOrPositive());
            }
            if (chance(2)) {
                tt.scaleInCooldown(zeroOrPositive());
            }
            g.targetTracking(tt);
        }
        if (chance(3)) {
            g.replaceUnhealthyAfter(positiveDuration());
        }
        return g;
    }

    private ProcessLauncher.Builder processLauncher() {
        List<String> command = new ArrayList<>();
        if (!(bad() && chance(5))) {
            String program = Texts.placeholderSafe(r, chance(2) ? "true" : Texts.nonBlank(r, 80));
            command.add(bad() ? (chance(2) ? " " : "--port={prot}") : program.isBlank() ? "true" : program);
            int args = r.nextInt(4);
            for (int i = 0; i < args; i++) {
                command.add(bad() ? (chance(2) ? null : "a\u0000b") : Texts.placeholderSafe(r, Texts.any(r, 200)));
            }
        }
        ProcessLauncher.Builder p = ProcessLauncher.builder(command);
        if (chance(2)) {
            Map<String, String> environment = new LinkedHashMap<>();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                String key = bad() ? (chance(2) ? "A=B" : " ") : Texts.withoutNul(Texts.nonBlank(r, 40)).replace("=",
                        "_");
                if (key.isBlank()) {
                    key = "K" + i;
                }
                environment.put(key, bad() ? (chance(2) ? null : "{oops}") : Texts.placeholderSafe(r,
                        Texts.any(r, 100)));
            }
            p.environment(environment);
        }
        if (chance(3)) {
            String wd = Texts.withoutNul(Texts.nonBlank(r, 100));
            p.workingDirectory(bad() ? " " : wd.isBlank() ? "/tmp" : wd);
        }
        if (chance(3)) {
            p.readyTimeout(positiveDuration());
        }
        if (chance(3)) {
            p.stopGracePeriod(zeroOrPositive());
        }
        return p;
    }
}
