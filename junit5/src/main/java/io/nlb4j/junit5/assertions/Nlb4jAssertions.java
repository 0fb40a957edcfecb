package io.nlb4j.junit5.assertions;

import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.junit5.EventLog;

/**
 * AssertJ entry points for nlb4j: {@code import static io.nlb4j.junit5.assertions.Nlb4jAssertions.assertThat;}
 * beside AssertJ's own. Every failure message shows the state the assertion saw.
 */
public final class Nlb4jAssertions {

    private Nlb4jAssertions() {
    }

    /**
     * Starts assertions on a running load balancer.
     *
     * @param actual the load balancer
     * @return the assertions
     */
    public static LoadBalancerAssert assertThat(RunningLoadBalancer actual) {
        return new LoadBalancerAssert(actual);
    }

    /**
     * Starts assertions on a running backend service (its servers as they are at each assertion).
     *
     * @param actual the service
     * @return the assertions
     */
    public static BackendServiceAssert assertThat(RunningBackendService actual) {
        return new BackendServiceAssert(actual);
    }

    /**
     * Starts assertions on a server's state, as it was when the statistics were taken.
     *
     * @param actual the server's statistics
     * @return the assertions
     */
    public static ServerAssert assertThat(ServerStats actual) {
        return new ServerAssert(actual, null);
    }

    /**
     * Starts assertions on a load balancer's events.
     *
     * @param actual the event log
     * @return the assertions
     */
    public static EventLogAssert assertThat(EventLog actual) {
        return new EventLogAssert(actual);
    }
}
