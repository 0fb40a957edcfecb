package io.nlb4j.group;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable view of one instance of an availability group.
 *
 * @param id the instance's identifier, {@code <group>-<n>} with {@code n} counting launches from 1; never
 *        reused within a group
 * @param zone the availability zone the instance was placed in
 * @param state the instance's state when this view was taken
 * @param address where the instance serves traffic, as its launcher reported it; empty while the instance
 *        is {@link InstanceState#PENDING pending}
 * @param launchedAt when the group started launching the instance (measured with the group's ticker)
 */
public record InstanceInfo(String id, String zone, InstanceState state, Optional<InetSocketAddress> address,
                           Instant launchedAt) {

    /**
     * Creates a view.
     *
     * @throws NullPointerException if any argument is {@code null}
     */
    public InstanceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(launchedAt, "launchedAt");
    }
}
