package io.nlb4j.membership;

/**
 * The health of one server as its checks see it.
 *
 * <p>Every server starts {@link #PENDING}, including at load balancer start: it gets no traffic until its
 * first probe, which runs at once, succeeds. One success makes a pending server {@link #HEALTHY};
 * {@code unhealthyThreshold} consecutive failures make it {@link #UNHEALTHY}. From then on a healthy server
 * turns unhealthy after {@code unhealthyThreshold} consecutive failures and an unhealthy one healthy after
 * {@code healthyThreshold} consecutive successes.
 */
public enum HealthStatus {
    /** Not yet checked: gets no traffic. */
    PENDING,
    /** Passing its checks: gets traffic. */
    HEALTHY,
    /** Failing its checks: gets no new traffic. */
    UNHEALTHY;

    /**
     * Tells whether a server in this state may take new connections.
     *
     * @return {@code true} only for {@link #HEALTHY}
     */
    public boolean servesTraffic() {
        return this == HEALTHY;
    }
}
