package io.nlb4j.membership.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.nlb4j.membership.Member;
import io.nlb4j.membership.SnapshotMembershipProvider;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend service's servers from the EndpointSlices ({@code discovery.k8s.io/v1}) of a Kubernetes Service, the
 * slices labelled {@code kubernetes.io/service-name: SERVICE} in its namespace, watched through a fabric8 informer.
 *
 * <p>An endpoint serves when its {@code ready} condition is true or unset (as the API says it is to be read); a
 * {@code serving} endpoint that is {@code terminating} is not ready, and so drains: the connections it has go on,
 * new ones go elsewhere; an endpoint that is not ready gets no new connection. Each serving endpoint contributes its
 * first address (the one the API says consumers use) with the slice's port that {@link #port} names: by name (the
 * Service port's name) or by number (the endpoints' port, the Service's {@code targetPort}); weight 1.
 *
 * <p>While the API server is unreachable, or the watch fails, the last view stands and the failure is reported (a
 * watch down for two seconds is reported at once, the cause when the informer learns it); the
 * informer lists again when it can, and what changed meanwhile is applied. A client passed in is not closed; one the
 * provider was given to own, it closes.
 */
public final class KubernetesMembershipProvider extends SnapshotMembershipProvider {

    /** The label by which an EndpointSlice names its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private static final long WATCH_CHECK_MILLIS = 500;
    private static final long WATCH_DOWN_MILLIS = 2000;
    private static final Logger log = LoggerFactory.getLogger(KubernetesMembershipProvider.class);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String port;
    private final String source;
    private final SharedIndexInformer<EndpointSlice> informer;
    private String lastPortProblem;
    private volatile Throwable lastFailure;
    private final ScheduledExecutorService watchdog;
    private long notWatchingSince = -1;

    /**
     * Starts watching a Service's EndpointSlices, and waits for the first list.
     *
     * @param client the client
     * @param ownsClient whether {@link #close()} closes the client
     * @param namespace the Service's namespace
     * @param service the Service's name
     * @param port the port, by name or by number
     * @param startTimeout how long to wait for the first list
     * @throws IllegalArgumentException naming the Service and the cause, if its slices cannot be listed in time
     */
    public KubernetesMembershipProvider(KubernetesClient client, boolean ownsClient, String namespace, String service,
                                        String port, Duration startTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.port = Objects.requireNonNull(port, "port");
        this.source = "kubernetes " + namespace + '/' + service + " port " + port;
        this.informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel(SERVICE_NAME_LABEL, service).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<EndpointSlice>() {
            @Override
            public void onAdd(EndpointSlice slice) {
                publish();
            }

            @Override
            public void onUpdate(EndpointSlice before, EndpointSlice after) {
                publish();
            }

            @Override
            public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
                publish();
            }
        });
        informer.exceptionHandler((started, t) -> {
            lastFailure = t;
            failed(t);
            // Before the first list, a refusal (no such namespace, no permission) will not mend: the start fails.
            return started || !(t instanceof KubernetesClientException e && e.getCode() >= 400 && e.getCode() < 500);
        });
        try {
            informer.start().toCompletableFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            publish();
            this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nlb4j-kubernetes-" + namespace + '-' + service);
                t.setDaemon(true);
                return t;
            });
            watchdog.scheduleWithFixedDelay(this::checkWatch, WATCH_CHECK_MILLIS, WATCH_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            informer.close();
            throw new IllegalArgumentException(source + ": interrupted while listing its EndpointSlices", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            informer.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalArgumentException("service: " + namespace + '/' + service + ": its EndpointSlices"
                    + " cannot be listed from " + client.getMasterUrl() + " (" + (cause instanceof TimeoutException
                    ? "no list within " + startTimeout.toSeconds() + " s" + (lastFailure == null ? ""
                    : "; last: " + describe(lastFailure)) : describe(cause)) + ')', cause);
        }
    }

    /**
     * Reports a watch that has been down for a while. The informer's own report of a failure can come late: a
     * client's list requests are retried with backoff before they fail (fabric8's {@code requestRetryBackoffLimit}).
     */
    private synchronized void checkWatch() {
        if (informer.isWatching()) {
            notWatchingSince = -1;
            return;
        }
        long now = System.nanoTime();
        if (notWatchingSince < 0) {
            notWatchingSince = now;
        } else if (now - notWatchingSince >= TimeUnit.MILLISECONDS.toNanos(WATCH_DOWN_MILLIS)) {
            String problem = snapshots.keepingLast(source + ": not watching " + client.getMasterUrl()
                    + " (unreachable, or the watch failed)");
            if (snapshots.problem(problem)) {
                log.warn("{}", problem);
            }
        }
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
    }

    private synchronized void publish() {
        Set<Member> members = new LinkedHashSet<>();
        Set<String> otherPorts = new TreeSet<>();
        boolean anyEndpoint = false;
        for (EndpointSlice slice : informer.getStore().list()) {
            List<Endpoint> endpoints = slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
            anyEndpoint |= !endpoints.isEmpty();
            Integer number = portOf(slice, otherPorts);
            if (number == null) {
                continue;
            }
            for (Endpoint endpoint : endpoints) {
                if (ready(endpoint.getConditions()) && endpoint.getAddresses() != null
                        && !endpoint.getAddresses().isEmpty()) {
                    members.add(new Member(endpoint.getAddresses().get(0), number, 1));
                }
            }
        }
        String portProblem = members.isEmpty() && anyEndpoint && !otherPorts.isEmpty()
                ? source + ": no endpoint port is " + (port.chars().allMatch(Character::isDigit) ? "numbered "
                : "named ") + port + " (the slices have " + otherPorts + ')' : null;
        boolean newPortProblem = portProblem != null && !portProblem.equals(lastPortProblem);
        lastPortProblem = portProblem;
        if (snapshots.publish(members)) {
            log.info("{}: {} servers", source, members.size());
        }
        if (newPortProblem && snapshots.problem(portProblem)) {
            log.warn("{}", portProblem);
        }
    }

    /** The slice's TCP port that {@link #port} names, or null, collecting the others' names into {@code others}. */
    private Integer portOf(EndpointSlice slice, Set<String> others) {
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort p : slice.getPorts()) {
            if (p.getPort() == null || p.getProtocol() != null && !p.getProtocol().equals("TCP")) {
                continue;
            }
            String name = p.getName() == null ? "" : p.getName();
            if (name.equals(port) || String.valueOf(p.getPort()).equals(port)) {
                return p.getPort();
            }
            others.add(name.isEmpty() ? String.valueOf(p.getPort()) : name + '=' + p.getPort());
        }
        return null;
    }

    /** Ready, or not said: the API reads an unset {@code ready} as ready. */
    private static boolean ready(EndpointConditions conditions) {
        return conditions == null || conditions.getReady() == null || conditions.getReady();
    }

    private synchronized void failed(Throwable t) {
        String problem = snapshots.keepingLast(source + ": " + describe(t));
        if (snapshots.problem(problem)) {
            log.warn("{}", problem);
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        informer.close();
        if (ownsClient) {
            client.close();
        }
        snapshots.complete();
    }

    @Override
    public String toString() {
        return source;
    }
}
