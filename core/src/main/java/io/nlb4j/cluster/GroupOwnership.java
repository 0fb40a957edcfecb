package io.nlb4j.cluster;

import io.nlb4j.group.RunningAvailabilityGroup;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** A node's part in the choice of an availability group's owner. */
public interface GroupOwnership extends AutoCloseable {

    /**
     * Returns the group while it runs on this node.
     *
     * @return the running group, or empty where another node owns it
     */
    Optional<RunningAvailabilityGroup> group();

    /**
     * Returns the node that owns the group, as the registry says now.
     *
     * @return its name, or empty if none does or the registry cannot say
     */
    Optional<String> owner();

    /**
     * Returns the owner as it changes: the owner when subscribed (once known), then each new one.
     *
     * @return the owning node's name, or empty while none does
     */
    Flux<Optional<String>> owners();

    /** Stops the group if it runs here, and leaves the choice. */
    @Override
    void close();
}
