package io.nlb4j.balancer;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when a live update ({@link RunningLoadBalancer#update}) cannot be applied: a static server that does not
 * resolve or is the load balancer itself, a provider block that is wrong, a change the running load balancer cannot
 * make in place (its name, its cluster, an availability group's template), a new listener whose port cannot be
 * bound. It lists every problem found, each naming the field, the value and what was expected; nothing of the update
 * has been applied, and nothing it bound is left open.
 */
public final class UpdateRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /**
     * Creates the exception.
     *
     * @param loadBalancer the load balancer's name
     * @param problems every problem, at least one
     * @param cause the underlying failure, or {@code null}
     */
    public UpdateRejectedException(String loadBalancer, List<String> problems, Throwable cause) {
        super(message(Objects.requireNonNull(loadBalancer, "loadBalancer"), problems), cause);
        this.problems = List.copyOf(problems);
    }

    private static String message(String loadBalancer, List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
        }
        String heading = "update of load balancer \"" + loadBalancer + "\" rejected, nothing changed";
        if (problems.size() == 1) {
            return heading + ": " + problems.get(0);
        }
        return heading + ", " + problems.size() + " problems:\n  " + String.join("\n  ", problems);
    }

    /**
     * Returns every problem, in the order of the specification's fields.
     *
     * @return the problems, each starting with the field's path, such as {@code listeners[1].port}
     */
    public List<String> problems() {
        return problems;
    }
}
