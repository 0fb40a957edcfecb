package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The opt-in check that a valid specification also fits the seed cloud's documented ranges
 * (JD Cloud NLB with availability groups). nlb4j itself accepts any positive duration up to
 * {@link Durations#MAX_DURATION}, so that tests can run with millisecond timings; this check reports each value
 * that the cloud would not accept, without preventing local use.
 *
 * <p>Ranges checked: listener ports 1-65535; idle connection timeout 1-86400 s; session persistence
 * 1-3600 s; connection draining 0-3600 s; health check interval 5-300 s, timeout 2-60 s, thresholds 1-5,
 * types TCP and HTTP only; scheduling weighted round robin, weighted least connections or source-IP hash;
 * durations in whole seconds; no PROXY protocol (neither sent to servers nor accepted from clients); no
 * per-server connection limit; no slow start.
 */
public final class CloudCompatibility {

    private CloudCompatibility() {
    }

    /**
     * Reports every value of a specification that lies outside the seed cloud's documented ranges.
     *
     * @param spec the specification, assumed valid
     * @return the values outside the cloud's ranges, each with its path; empty if none
     */
    public static List<Violation> check(LoadBalancerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < spec.listeners().size(); i++) {
            Listener l = spec.listeners().get(i);
            String p = "listeners[" + i + ']';
            if (l.port() == 0) {
                out.add(new Violation(p + ".port", "0", "1-65535 in the cloud, which has no ephemeral listener ports"));
            }
            seconds(out, p + ".idleTimeout", l.idleTimeout(), 1, 86_400);
            if (l.acceptProxyProtocol()) {
                out.add(new Violation(p + ".acceptProxyProtocol", "true", "false in the cloud, which has no PROXY"
                        + " protocol"));
            }
            BackendService s = l.backendService();
            String sp = p + ".backendService";
            if (s.servers() instanceof ServerSource.Static st) {
                for (int j = 0; j < st.servers().size(); j++) {
                    if (st.servers().get(j).maxConnections().isPresent()) {
                        out.add(new Violation(sp + ".servers.static[" + j + "].maxConnections",
                                Integer.toString(st.servers().get(j).maxConnections().getAsInt()),
                                "no limit in the cloud, which has no per-server connection limit"));
                    }
                }
            } else if (s.servers() instanceof ServerSource.Group g && g.group().template().maxConnections().isPresent()) {
                out.add(new Violation(sp + ".servers.availabilityGroup.template.maxConnections",
                        Integer.toString(g.group().template().maxConnections().getAsInt()),
                        "no limit in the cloud, which has no per-server connection limit"));
            }
            if (s.slowStart().isPresent()) {
                out.add(new Violation(sp + ".slowStart", Durations.format(s.slowStart().get()), "none in the cloud,"
                        + " which has no slow start"));
            }
            if (s.proxyProtocol() != ProxyProtocol.NONE) {
                out.add(new Violation(sp + ".proxyProtocol", s.proxyProtocol().name(), "NONE in the cloud, which"
                        + " has no PROXY protocol"));
            }
            if (s.scheduling() == Scheduling.MAGLEV || s.scheduling() == Scheduling.POWER_OF_TWO_CHOICES) {
                out.add(new Violation(sp + ".scheduling", s.scheduling().name(),
                        "WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS or SOURCE_IP_HASH in the cloud"));
            }
            if (s.sessionPersistence().enabled()) {
                seconds(out, sp + ".sessionPersistence.timeout", s.sessionPersistence().timeout(), 1, 3600);
            }
            seconds(out, sp + ".connectionDraining", s.connectionDraining(), 0, 3600);
            String hp = sp + ".healthCheck";
            if (s.healthCheck().type() != HealthCheck.Type.TCP && s.healthCheck().type() != HealthCheck.Type.HTTP) {
                out.add(new Violation(hp + ".type", s.healthCheck().type().name(), "TCP or HTTP in the cloud"));
            }
            if (!(s.healthCheck() instanceof HealthCheck.Active hc)) {
                continue;
            }
            if (hc.proxyProtocol()) {
                out.add(new Violation(hp + ".proxyProtocol", "true", "false in the cloud, which has no PROXY"
                        + " protocol"));
            }
            seconds(out, hp + ".interval", hc.interval(), 5, 300);
            seconds(out, hp + ".timeout", hc.timeout(), 2, 60);
            threshold(out, hp + ".healthyThreshold", hc.healthyThreshold());
            threshold(out, hp + ".unhealthyThreshold", hc.unhealthyThreshold());
        }
        return out;
    }

    private static void seconds(List<Violation> out, String path, Duration d, long min, long max) {
        if (d == null) {
            return;
        }
        boolean whole = d.getNano() == 0;
        if (!whole || d.getSeconds() < min || d.getSeconds() > max) {
            out.add(new Violation(path, Durations.format(d), min + "-" + max + " s in whole seconds in the cloud"));
        }
    }

    private static void threshold(List<Violation> out, String path, int value) {
        if (value < 1 || value > 5) {
            out.add(new Violation(path, Integer.toString(value), "1-5 in the cloud"));
        }
    }
}
