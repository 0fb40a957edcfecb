package io.nlb4j.membership.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import io.nlb4j.model.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code dns} provider: {@code properties: {name: NAME, port: PORT, recordType: A|AAAA|SRV,
 * resolvers: "HOST:PORT,...", refresh: DURATION}}; {@code port} is required for A and AAAA, {@code recordType}
 * defaults to A, {@code resolvers} to the system's, {@code refresh} to 30s. See {@link DnsMembershipProvider}.
 */
public final class DnsMembershipProviderFactory implements MembershipProviderFactory {

    /** The type name. */
    public static final String TYPE = "dns";
    private static final List<String> KNOWN = List.of("name", "port", "recordType", "resolvers", "refresh");
    private static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

    @Override
    public String type() {
        return TYPE;
    }

    private record Settings(String name, int port, DnsRecordType type, List<InetSocketAddress> resolvers,
                            Duration refresh, List<String> problems) {
    }

    private static Settings parse(Map<String, String> p) {
        List<String> problems = MembershipProviderFactory.unknownProperties(p, KNOWN);
        String name = p.get("name");
        if (name == null || name.isBlank()) {
            problems.add("name: " + (name == null ? "missing" : "\"" + name + '"') + " (expected: the DNS name to look"
                    + " up, such as web.service.internal)");
        }
        String rt = p.getOrDefault("recordType", "A");
        DnsRecordType type = switch (rt) {
            case "A" -> DnsRecordType.A;
            case "AAAA" -> DnsRecordType.AAAA;
            case "SRV" -> DnsRecordType.SRV;
            default -> {
                problems.add("recordType: \"" + rt + "\" (expected: A, AAAA or SRV)");
                yield DnsRecordType.A;
            }
        };
        int port = 0;
        String ps = p.get("port");
        if (ps == null) {
            if (!type.equals(DnsRecordType.SRV)) {
                problems.add("port: missing (expected: the servers' port, 1-65535, for " + rt + " records)");
            }
        } else {
            try {
                port = Integer.parseInt(ps);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                problems.add("port: \"" + ps + "\" (expected: 1-65535)");
            }
        }
        List<InetSocketAddress> resolvers = new ArrayList<>();
        String rs = p.get("resolvers");
        if (rs != null) {
            for (String r : rs.split(",")) {
                String s = r.strip();
                int colon = s.lastIndexOf(':');
                int rp = -1;
                try {
                    rp = colon < 0 ? 53 : Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    // reported below
                }
                String host = colon < 0 ? s : s.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (host.isEmpty() || rp < 1 || rp > 65535) {
                    problems.add("resolvers: \"" + rs + "\" (expected: HOST:PORT,..., such as 10.0.0.2:53)");
                    break;
                }
                resolvers.add(new InetSocketAddress(host, rp));
            }
        }
        Duration refresh = DEFAULT_REFRESH;
        String fs = p.get("refresh");
        if (fs != null) {
            try {
                refresh = Durations.parse(fs);
                if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
                    problems.add("refresh: \"" + fs + "\" (expected: a duration of at least 1s)");
                }
            } catch (IllegalArgumentException e) {
                problems.add("refresh: \"" + fs + "\" (expected: a duration such as 30s)");
            }
        }
        return new Settings(name, port, type, resolvers, refresh, problems);
    }

    @Override
    public List<String> check(Map<String, String> properties) {
        return parse(properties).problems();
    }

    @Override
    public MembershipProvider create(Map<String, String> properties) {
        Settings s = parse(properties);
        if (!s.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", s.problems()));
        }
        return new DnsMembershipProvider(s.name(), s.port(), s.type(), s.resolvers(), s.refresh());
    }
}
