package io.nlb4j.membership.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code kubernetes} provider: {@code properties: {namespace: NS, service: NAME, port: PORT_NAME_OR_NUMBER}};
 * {@code namespace} defaults to the client's (the kubeconfig context's, or the pod's own when running in a cluster),
 * else {@code default}. It makes, and closes, a fabric8 client configured the way {@code kubectl} is: the kubeconfig
 * ({@code KUBECONFIG} or {@code ~/.kube/config}), a pod's service account, or the {@code KUBERNETES_MASTER}
 * environment variable / {@code kubernetes.master} system property. The start fails if the Service's EndpointSlices
 * cannot be listed within 10 seconds. An application that has a client already passes it in
 * ({@code LoadBalancerOptions.builder().membershipProvider(new KubernetesMembershipProviderFactory(client))}); that
 * client is not closed. See {@link KubernetesMembershipProvider}.
 */
public final class KubernetesMembershipProviderFactory implements MembershipProviderFactory {

    /** The type name. */
    public static final String TYPE = "kubernetes";
    private static final List<String> KNOWN = List.of("namespace", "service", "port");
    /** A DNS-1123 label, as namespaces and Services are named. */
    private static final String NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
    /** An IANA service name, as ports are named (lower case, at most 15 characters, a letter among them). */
    private static final String PORT_NAME = "(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?";

    private final KubernetesClient client;

    /** The factory {@link java.util.ServiceLoader} finds: each provider makes a client of its own, and closes it. */
    public KubernetesMembershipProviderFactory() {
        this.client = null;
    }

    /**
     * A factory whose providers use the given client, and leave it open.
     *
     * @param client the client, configured for the cluster to read
     */
    public KubernetesMembershipProviderFactory(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> check(Map<String, String> properties) {
        List<String> problems = MembershipProviderFactory.unknownProperties(properties, KNOWN);
        String namespace = properties.get("namespace");
        if (namespace != null && !namespace.matches(NAME)) {
            problems.add("namespace: \"" + namespace + "\" (expected: a namespace's name, lower-case letters, digits"
                    + " and '-', at most 63 characters)");
        }
        String service = properties.get("service");
        if (service == null || !service.matches(NAME)) {
            problems.add("service: " + (service == null ? "missing" : "\"" + service + '"') + " (expected: the"
                    + " Service's name, lower-case letters, digits and '-', at most 63 characters)");
        }
        String port = properties.get("port");
        if (port == null || !(port.matches(PORT_NAME) || isPortNumber(port))) {
            problems.add("port: " + (port == null ? "missing" : "\"" + port + '"') + " (expected: the Service port's"
                    + " name, such as http, or the endpoints' port number, 1-65535)");
        }
        return problems;
    }

    private static boolean isPortNumber(String s) {
        if (!s.matches("[0-9]{1,5}")) {
            return false;
        }
        int n = Integer.parseInt(s);
        return n >= 1 && n <= 65535;
    }

    @Override
    public MembershipProvider create(Map<String, String> properties) {
        List<String> problems = check(properties);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        boolean owns = client == null;
        KubernetesClient c = owns ? new KubernetesClientBuilder().build() : client;
        try {
            String namespace = properties.getOrDefault("namespace",
                    c.getNamespace() == null ? "default" : c.getNamespace());
            return new KubernetesMembershipProvider(c, owns, namespace, properties.get("service"),
                    properties.get("port"), Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            if (owns) {
                c.close();
            }
            throw e;
        }
    }
}
