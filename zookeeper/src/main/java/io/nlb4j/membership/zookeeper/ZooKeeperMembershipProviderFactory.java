package io.nlb4j.membership.zookeeper;

import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The {@code zookeeper} provider: {@code properties: {connect: "HOST:PORT,...", basePath: /services, service: NAME}};
 * {@code basePath} defaults to {@code /services}. It makes, and closes, a Curator client of its own; the start fails
 * if ZooKeeper cannot be reached within 10 seconds. See {@link ZooKeeperMembershipProvider}.
 */
public final class ZooKeeperMembershipProviderFactory implements MembershipProviderFactory {

    /** The type name. */
    public static final String TYPE = "zookeeper";
    private static final List<String> KNOWN = List.of("connect", "basePath", "service");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> check(Map<String, String> properties) {
        List<String> problems = MembershipProviderFactory.unknownProperties(properties, KNOWN);
        String connect = properties.get("connect");
        if (connect == null || !connect.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*(/\\S*)?")) {
            problems.add("connect: " + (connect == null ? "missing" : "\"" + connect + '"')
                    + " (expected: HOST:PORT,..., such as zk1:2181,zk2:2181)");
        }
        String basePath = properties.getOrDefault("basePath", "/services");
        if (!basePath.startsWith("/") || basePath.length() > 1 && basePath.endsWith("/")) {
            problems.add("basePath: \"" + basePath + "\" (expected: a ZooKeeper path such as /services)");
        }
        String service = properties.get("service");
        if (service == null || service.isBlank() || service.contains("/")) {
            problems.add("service: " + (service == null ? "missing" : "\"" + service + '"')
                    + " (expected: the service's name, without a slash)");
        }
        return problems;
    }

    @Override
    public MembershipProvider create(Map<String, String> properties) {
        List<String> problems = check(properties);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        String connect = properties.get("connect");
        CuratorFramework client = Curators.connected(CuratorFrameworkFactory.newClient(connect,
                new ExponentialBackoffRetry(500, 10)), "connect", connect);
        try {
            return new ZooKeeperMembershipProvider(client, true, properties.getOrDefault("basePath", "/services"),
                    properties.get("service"));
        } catch (Exception e) {
            client.close();
            throw new IllegalArgumentException("service: " + properties.get("service") + ": cannot be watched ("
                    + e + ')', e);
        }
    }
}
