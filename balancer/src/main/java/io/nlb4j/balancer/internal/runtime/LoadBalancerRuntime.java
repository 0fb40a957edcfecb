package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.model.LoadBalancerSpec;
import reactor.core.publisher.Mono;

/** The runtime's entry point, for {@link io.nlb4j.balancer.NetworkLoadBalancer}. */
public interface LoadBalancerRuntime {

    /**
     * Starts a load balancer when subscribed.
     *
     * @param spec the specification
     * @param options how it runs
     * @return the running load balancer, as documented on {@code NetworkLoadBalancer.start}
     */
    static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec, LoadBalancerOptions options) {
        return Balancer.start(spec, options);
    }
}
