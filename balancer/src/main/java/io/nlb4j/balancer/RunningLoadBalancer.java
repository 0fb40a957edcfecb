package io.nlb4j.balancer;

import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.LoadBalancerSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A started load balancer: its listeners are bound and forward connections to their backend services. Stop it
 * with {@link #stop(Duration)} (graceful, asynchronous), {@link #close()} (graceful, blocking, bounded) or
 * {@link #dispose()} (at once). After it has stopped, the calls that would change it fail saying so.
 */
public interface RunningLoadBalancer extends AutoCloseable, Disposable {

    /** Beyond the drain timeout, how long {@link #close()} waits for instances and threads to stop, in seconds. */
    long CLOSE_SLACK_SECONDS = 30;

    /**
     * Returns the specification this load balancer runs.
     *
     * @return the specification
     */
    LoadBalancerSpec spec();

    /**
     * Returns the listener configured on a port.
     *
     * @param configuredPort the port as written in the specification ({@code 0} for an ephemeral one)
     * @return the listener
     * @throws IllegalArgumentException if no listener has that port, naming the configured ports, or if several
     *         have it (several ephemeral listeners), saying how to tell them apart
     */
    RunningListener listener(int configuredPort);

    /**
     * Returns the listener with a name.
     *
     * @param name the listener's name, as in the specification
     * @return the listener
     * @throws IllegalArgumentException if no listener has that name, naming the names there are
     */
    RunningListener listener(String name);

    /**
     * Returns every listener, in specification order.
     *
     * @return the listeners
     */
    List<RunningListener> listeners();

    /**
     * Returns a backend service by name, to inspect it or change its servers.
     *
     * @param name the service's name
     * @return the service
     * @throws IllegalArgumentException if there is none, naming the services there are
     */
    RunningBackendService backendService(String name);

    /**
     * Returns a running availability group by name, to inspect or scale it.
     *
     * @param name the group's name
     * @return the group
     * @throws IllegalArgumentException if there is none, naming the groups there are
     */
    RunningAvailabilityGroup availabilityGroup(String name);

    /**
     * Returns the events of this load balancer as a hot stream. A slow subscriber never slows the load
     * balancer: each subscriber has a bounded buffer that drops its oldest events when full (counted by
     * {@link #droppedEvents()}). The stream completes once the load balancer has stopped.
     *
     * @return the events
     */
    Flux<LoadBalancerEvent> events();

    /**
     * Puts a fault in place, for the connections open now and those made from now on: on a listener's, on a
     * backend service's (to every one of its servers), or on one server's (kept for its address while it leaves the
     * service and comes back). A {@link LoadBalancerEvent.FaultAdded} event says so, a {@link LoadBalancerEvent.FaultRemoved} when the
     * handle removes it. With no fault in place, connections pay nothing for the possibility.
     *
     * @param target where the fault acts
     * @param fault what it does
     * @return the handle that removes it
     * @throws IllegalArgumentException if the target names no listener or service of this load balancer, or a
     *     server that is not one of the service's now (naming those there are)
     */
    FaultHandle addFault(FaultTarget target, Fault fault);

    /**
     * Applies a changed specification to the running load balancer, as a cloud console changes a listener or a
     * backend service in place. Listeners are matched by port (by name on an ephemeral port), services by name:
     * <ul>
     * <li>what is equal in both specifications is untouched: its connections never notice;</li>
     * <li>a new listener is bound; a removed one stops accepting at once, and its open connections go on for up to
     *     its service's {@code connectionDraining}, then are closed; a listener whose port changed is both;</li>
     * <li>a changed listener ({@code name}, {@code idleTimeout}, {@code maxConnections}, {@code acceptProxyProtocol},
     *     {@code backendService}) and the security groups change in place, for the connections accepted from
     *     then on;</li>
     * <li>a changed backend service ({@code scheduling}, {@code sessionPersistence}, {@code connectionDraining},
     *     {@code healthCheck}, {@code slowStart}, {@code proxyProtocol}, {@code port}, {@code servers}) changes in
     *     place: new connections use the new settings, open ones keep their server; after a health-check change each
     *     server keeps its health until the new check decides; a new server source takes over when it publishes its
     *     servers, and the servers it does not list drain. An availability group changes in place only in its
     *     capacity; a group of another name replaces it.</li>
     * </ul>
     * Everything that can fail is tried before anything changes: static host names are resolved, provider blocks
     * checked, new listeners bound. A problem rejects the whole update with every problem found
     * ({@link io.nlb4j.model.SpecValidationException}, whose violations name the fields), and a new listener that
     * cannot bind ({@link LoadBalancerStartException}) closes the others the update bound: either way nothing
     * changes. Updates are applied one at a time; an {@link LoadBalancerEvent.Updated} event says what changed.
     *
     * @param next the specification to run from now on
     * @return completes with what changed once it is in place and new listeners accept connections
     */
    Mono<SpecDiff> update(LoadBalancerSpec next);

    /**
     * Returns where the admin endpoint listens ({@code /metrics}, {@code /api/status} and the status page at
     * {@code /}), if {@link LoadBalancerOptions.Builder#admin(int)} enabled it.
     *
     * @return the endpoint's bound address; empty when there is none
     */
    Optional<InetSocketAddress> adminAddress();

    /**
     * Calls an observer each time a connection to a server is made, with how long the connect took (the successful
     * attempt's). Without an observer (nor the access log) connections do not read the clock for it.
     *
     * @param observer called on the event loop that made the connection; must not block
     * @return removes the observer
     */
    Disposable observeConnectTimes(ConnectTimeObserver observer);

    /**
     * Returns how many events were dropped because a subscriber of {@link #events()} was too slow.
     *
     * @return the count, over all subscribers
     */
    long droppedEvents();

    /**
     * Stops accepting connections, lets open connections finish for up to {@code drainTimeout}, then closes the
     * rest, terminates the availability groups' instances and releases every thread and socket. Calling it again
     * returns the same completion (the first drain timeout applies).
     *
     * @param drainTimeout how long open connections may continue; {@link Duration#ZERO} closes them at once
     * @return completes when the load balancer has stopped
     */
    Mono<Void> stop(Duration drainTimeout);

    /**
     * Completes when the load balancer has stopped, however it was stopped.
     *
     * @return the stop signal
     */
    Mono<Void> onStopped();

    /**
     * Stops with the longest connection draining timeout of the backend services and waits for it, at most that
     * timeout plus {@value #CLOSE_SLACK_SECONDS} seconds.
     *
     * @throws IllegalStateException if the load balancer has not stopped in that time
     */
    @Override
    void close();

    /**
     * Stops at once, closing open connections, without waiting.
     */
    @Override
    void dispose();
}
