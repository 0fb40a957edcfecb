package io.nlb4j.group;

import io.nlb4j.membership.HealthStatus;
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
 * @param health what the load balancer's health checks say of it: {@link HealthStatus#PENDING} until the first
 *        report (or while not in service), then the last one; with a membership that does not
 *        {@linkplain GroupMembership#reportsHealth() report health}, {@link HealthStatus#HEALTHY} once in service
 * @param launchedAt when the group started launching the instance (measured with the group's clock)
 */
public record InstanceInfo(String id, String zone, InstanceState state, Optional<InetSocketAddress> address,
                           HealthStatus health, Instant launchedAt) {

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
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(launchedAt, "launchedAt");
    }

    /**
     * Tells whether the instance is in service and healthy: it takes connections.
     *
     * @return {@code true} when in service and healthy
     */
    public boolean servesTraffic() {
        return state == InstanceState.IN_SERVICE && health == HealthStatus.HEALTHY;
    }
}
