package io.nlb4j.balancer;

import io.nlb4j.balancer.internal.runtime.LoadBalancerRuntime;
import io.nlb4j.model.Durations;
import io.nlb4j.model.LoadBalancerSpec;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Starts load balancers. As with Reactor Netty's servers, {@link #start} returns a {@link Mono} and
 * {@link #startNow} blocks, at most {@link LoadBalancerOptions#startTimeout()}.
 *
 * <pre>{@code
 * try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec)) {
 *     InetSocketAddress address = lb.listener(8080).boundAddress();
 * }
 * }</pre>
 */
public final class NetworkLoadBalancer {

    /** Beyond the start timeout, how long {@link #startNow} waits for a failed start to clean up, in seconds. */
    private static final long START_SLACK_SECONDS = 15;

    private NetworkLoadBalancer() {
    }

    /**
     * Starts a load balancer with the default options. Nothing happens until the result is subscribed to.
     *
     * @param spec the specification
     * @return see {@link #start(LoadBalancerSpec, LoadBalancerOptions)}
     */
    public static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec) {
        return start(spec, LoadBalancerOptions.defaults());
    }

    /**
     * Starts a load balancer when subscribed: registers its servers, binds every listener, launches the
     * availability groups' first instances and waits for every server's first health checks.
     *
     * @param spec the specification
     * @param options how it runs
     * @return emits the running load balancer once it serves; fails with {@link LoadBalancerStartException} naming
     *         the listener, service or group and the cause (port in use, unusable address, unknown provider, a group
     *         below its minimum capacity, a service with servers of which none is healthy, the start timeout), and
     *         leaves nothing bound or running. Cancelling the subscription stops the start the same way.
     */
    public static Mono<RunningLoadBalancer> start(LoadBalancerSpec spec, LoadBalancerOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return LoadBalancerRuntime.start(spec, options);
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
     * Starts a load balancer and waits until it runs, at most {@link LoadBalancerOptions#startTimeout()} (measured
     * on its control clock) and a little more for a failed start to clean up.
     *
     * @param spec the specification
     * @param options how it runs
     * @return the running load balancer
     * @throws LoadBalancerStartException if it could not start, or did not within the start timeout
     */
    public static RunningLoadBalancer startNow(LoadBalancerSpec spec, LoadBalancerOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        Duration wait = options.startTimeout().plusSeconds(START_SLACK_SECONDS);
        RunningLoadBalancer lb = start(spec, options)
                .timeout(wait, Mono.error(() -> new LoadBalancerStartException("load balancer \"" + spec.name()
                        + "\" did not start within " + Durations.format(wait) + " (expected: a start within"
                        + " LoadBalancerOptions.startTimeout " + Durations.format(options.startTimeout()) + ')', null)))
                .block();
        return Objects.requireNonNull(lb, "lb");
    }
}
