package io.nlb4j.junit5.assertions;

import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a running load balancer. */
public final class LoadBalancerAssert extends AbstractAssert<LoadBalancerAssert, RunningLoadBalancer> {

    LoadBalancerAssert(RunningLoadBalancer actual) {
        super(actual, LoadBalancerAssert.class);
    }

    /**
     * Checks how many listeners the load balancer has.
     *
     * @param expected the number
     * @return this
     */
    public LoadBalancerAssert hasListeners(int expected) {
        isNotNull();
        List<RunningListener> listeners = actual.listeners();
        if (listeners.size() != expected) {
            failWithMessage("Expected load balancer \"%s\" to have %d listeners, but it has %d: %s",
                    actual.spec().name(), expected, listeners.size(),
                    listeners.stream().map(l -> l.id() + " on " + l.boundAddress()).toList());
        }
        return this;
    }

    /**
     * Checks the load balancer has a backend service of this name, and moves on to it.
     *
     * @param name the service's name
     * @return assertions on the service
     */
    public BackendServiceAssert backendService(String name) {
        isNotNull();
        try {
            return new BackendServiceAssert(actual.backendService(name));
        } catch (IllegalArgumentException e) {
            failWithMessage("Expected load balancer \"%s\" to have backend service \"%s\": %s", actual.spec().name(),
                    name, e.getMessage());
            return null; // not reached
        }
    }
}
