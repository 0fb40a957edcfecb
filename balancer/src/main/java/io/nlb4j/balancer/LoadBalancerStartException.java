package io.nlb4j.balancer;

/**
 * Thrown when a load balancer cannot start: a port is in use, an address cannot be bound, a membership provider is
 * unknown, an availability group cannot reach its minimum capacity, a backend service has no healthy server, or
 * starting took too long. Nothing of the load balancer is left bound or running.
 */
public final class LoadBalancerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with which value, and what was expected
     * @param cause the underlying failure, or {@code null}
     */
    public LoadBalancerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
