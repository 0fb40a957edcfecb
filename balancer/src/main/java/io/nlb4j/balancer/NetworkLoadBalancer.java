package io.nlb4j.balancer;

import io.nlb4j.balancer.internal.LoadBalancerRuntime;
import io.nlb4j.model.LoadBalancerSpec;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Starts load balancers.
 *
 * <pre>{@code
 * try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec)) {
 *     InetSocketAddress address = lb.listener(0).boundAddress();
 * }
 * }</pre>
 */
public final class NetworkLoadBalancer {

    private NetworkLoadBalancer() {
    }

    /**
     * Starts a load balancer with the default options. Nothing happens until the result is subscribed to.
     *
     * @param spec the specification; validated first
     * @return emits the running load balancer once every listener is bound; fails with a message naming the
     *         listener and the cause (port in use, unusable address, invalid specification) and leaves
     *         nothing bound or running
     */
    public static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec) {
        return start(spec, LoadBalancerOptions.defaults());
    }

    /**
     * Starts a load balancer.
     *
     * @param spec the specification; validated first
     * @param options how it runs
     * @return emits the running load balancer once every listener is bound
     */
    public static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec, LoadBalancerOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return Mono.defer(() -> LoadBalancerRuntime.start(spec.validate(), options));
    }

    /**
     * Starts a load balancer with the default options and waits until it runs.
     *
     * @param spec the specification
     * @return the running load balancer
     * @throws LoadBalancerStartException if it could not start, or did not within the start timeout
     */
    public static RunningLoadBalancer startNow(LoadBalancerSpec spec) {
        return startNow(spec, LoadBalancerOptions.defaults());
    }

    /**
     * Starts a load balancer and waits until it runs, at most {@link LoadBalancerOptions#startTimeout()}.
     *
     * @param spec the specification
     * @param options how it runs
     * @return the running load balancer
     * @throws LoadBalancerStartException if it could not start, or did not within the start timeout
     * @throws io.nlb4j.model.SpecValidationException if the specification is invalid
     */
    public static RunningLoadBalancer startNow(LoadBalancerSpec spec, LoadBalancerOptions options) {
        Duration timeout = options.startTimeout();
        RunningLoadBalancer lb = start(spec, options)
                .timeout(timeout, Mono.error(() -> new LoadBalancerStartException("load balancer \"" + spec.name()
                        + "\" did not start within " + timeout.toMillis() + " ms (expected: a start within"
                        + " LoadBalancerOptions.startTimeout)", null)))
                .block();
        if (lb == null) {
            throw new LoadBalancerStartException("load balancer \"" + spec.name() + "\" did not start", null);
        }
        return lb;
    }
}
