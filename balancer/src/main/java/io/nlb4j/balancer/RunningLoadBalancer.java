package io.nlb4j.balancer;

import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.LoadBalancerSpec;
import java.time.Duration;
import java.util.List;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A started load balancer: its listeners are bound and forward connections to their backend services.
 * Stop it with {@link #stop(Duration)} (graceful) or {@link #close()}.
 */
public interface RunningLoadBalancer extends AutoCloseable, Disposable {

    /**
     * Returns the specification this load balancer runs.
     *
     * @return the specification
     */
    LoadBalancerSpec spec();

    /**
     * Returns the listener configured on a port ({@code 0} for an ephemeral one).
     *
     * @param configuredPort the port as written in the specification
     * @return the listener
     * @throws IllegalArgumentException if no listener has that port, naming the configured ports
     */
    RunningListener listener(int configuredPort);

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
     * balancer: each subscriber has a bounded buffer that drops its oldest events when full.
     *
     * @return the events
     */
    Flux<LoadBalancerEvent> events();

    /**
     * Stops accepting connections, lets open connections finish for up to {@code drainTimeout}, then
     * closes the rest and releases every thread and socket.
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
     * Stops with the longest connection draining timeout of the backend services and waits for it.
     */
    @Override
    void close();

    /**
     * Stops at once, closing open connections, without waiting.
     */
    @Override
    void dispose();
}
