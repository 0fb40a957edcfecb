package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.model.Cidr;
import io.nlb4j.model.InboundRule;
import io.nlb4j.model.SecurityGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The rules behind {@link AccessControl#of(List)}, in arrays for the accept path. */
final class SecurityGroupRules implements AccessControl {

    private static final SecurityGroupRules ALLOW_ALL = new SecurityGroupRules(null, null, null, null, null);

    private final Cidr[] sources;
    private final int[] fromPorts;
    private final int[] toPorts;
    private final boolean[] allow;
    private final String[] names;

    private SecurityGroupRules(Cidr[] sources, int[] fromPorts, int[] toPorts, boolean[] allow, String[] names) {
        this.sources = sources;
        this.fromPorts = fromPorts;
        this.toPorts = toPorts;
        this.allow = allow;
        this.names = names;
    }

    static SecurityGroupRules of(List<SecurityGroup> groups) {
        if (groups.isEmpty()) {
            return ALLOW_ALL;
        }
        record Entry(SecurityGroup group, InboundRule rule, int order) {
        }
        List<Entry> entries = new ArrayList<>();
        for (SecurityGroup g : groups) {
            for (InboundRule r : g.rules()) {
                entries.add(new Entry(g, r, entries.size()));
            }
        }
        entries.sort(Comparator.comparingInt((Entry e) -> e.rule().priority()).thenComparingInt(Entry::order));
        int n = entries.size();
        Cidr[] sources = new Cidr[n];
        int[] from = new int[n];
        int[] to = new int[n];
        boolean[] allow = new boolean[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            InboundRule r = entries.get(i).rule();
            sources[i] = Cidr.parse(r.source());
            from[i] = r.ports().from();
            to[i] = r.ports().to();
            allow[i] = r.action() == InboundRule.Action.ALLOW;
            names[i] = entries.get(i).group().name() + " rule " + r.action() + ' ' + r.source();
        }
        return new SecurityGroupRules(sources, from, to, allow, names);
    }

    @Override
    public String deny(InetAddress source, int port) {
        if (sources == null) {
            return null;
        }
        for (int i = 0; i < sources.length; i++) {
            if (port >= fromPorts[i] && port <= toPorts[i] && sources[i].contains(source)) {
                return allow[i] ? null : "denied by " + names[i];
            }
        }
        return "no security group rule allows it";
    }
}
