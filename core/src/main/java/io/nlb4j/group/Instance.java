package io.nlb4j.group;

import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.InstanceHandle;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

/** One instance of a running group; mutated only in the group's control context. */
final class Instance {
    final String id;
    final String zone;
    final Instant launchedAt;
    InstanceState state = InstanceState.PENDING;
    InstanceHandle handle;
    InetSocketAddress address;
    HealthStatus health = HealthStatus.PENDING;
    /** A pending instance no longer wanted: terminated as soon as its launch completes. */
    boolean abandoned;
    /** Asks its launch to stop, when it is abandoned while pending. */
    final LaunchAbort abort = new LaunchAbort();
    /** Its handle is being closed. */
    boolean closing;
    /** Since when it has been reported unhealthy, in clock nanoseconds; meaningful while unhealthy. */
    long unhealthySince;
    /** Unhealthy for too long: leaving the group once a replacement is in service. */
    boolean replaceRequested;
    /** For an instance being replaced: its replacement being launched, if any. */
    Instance replacement;
    /** For a replacement: the instance it replaces. */
    Instance replacing;

    Instance(String id, String zone, Instant launchedAt) {
        this.id = id;
        this.zone = zone;
        this.launchedAt = launchedAt;
    }

    /** Counts towards the desired capacity: pending or in service, and not leaving. */
    boolean isActive() {
        return (state == InstanceState.PENDING && !abandoned)
                || (state == InstanceState.IN_SERVICE && !replaceRequested);
    }

    boolean unhealthy() {
        return health == HealthStatus.UNHEALTHY;
    }

    InstanceInfo info() {
        return new InstanceInfo(id, zone, state, Optional.ofNullable(address),
                state == InstanceState.IN_SERVICE ? health : HealthStatus.PENDING, launchedAt);
    }

    Optional<String> replacingId() {
        return Optional.ofNullable(replacing).map(r -> r.id);
    }

    @Override
    public String toString() {
        return id + '(' + zone + ", " + state + ')';
    }
}
