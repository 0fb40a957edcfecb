package io.nlb4j.cluster;

import io.nlb4j.group.GroupOptions;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.model.AvailabilityGroup;
import java.time.Duration;

/** One node of a load balancer that runs on several: what it reads from the registry, and the groups it may own. */
public interface ClusterNode extends AutoCloseable {

    /**
     * Returns this node's name.
     *
     * @return the name, unique among the nodes
     */
    String name();

    /**
     * Returns the instances of an availability group as registered by its owner, whichever node that is.
     *
     * @param group the group's name
     * @return the provider; the caller closes it
     */
    MembershipProvider groupInstances(String group);

    /**
     * Takes part in the choice of a group's owner: the node chosen runs the group and registers its instances.
     *
     * @param group the group, the same on every node
     * @param options how the group runs on this node when it owns it
     * @param drain how long an instance drains between leaving the registry and its termination
     * @return the ownership; closing it stops the group if it runs here
     */
    GroupOwnership own(AvailabilityGroup group, GroupOptions options, Duration drain);

    /**
     * Shares the health of a backend service's servers with the other nodes.
     *
     * @param service the backend service's name
     * @return this node's part; the caller closes it
     */
    HealthViews healthViews(String service);

    /** Leaves the cluster. */
    @Override
    void close();
}
