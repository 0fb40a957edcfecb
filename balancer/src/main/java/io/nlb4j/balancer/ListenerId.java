package io.nlb4j.balancer;

import java.util.Objects;
import java.util.Optional;

/**
 * Which listener of a load balancer: its index in the specification, its name if it has one, and its configured
 * port. {@link #toString()} is {@code listeners[0]} or the name, with the port.
 *
 * @param index the index in {@link io.nlb4j.model.LoadBalancerSpec#listeners()}
 * @param name the listener's name, if it has one
 * @param port the configured port; 0 for an ephemeral one
 */
public record ListenerId(int index, Optional<String> name, int port) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if the name is {@code null}
     */
    public ListenerId {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return name.map(n -> "listener " + n).orElse("listeners[" + index + ']') + " (port " + port + ')';
    }
}
