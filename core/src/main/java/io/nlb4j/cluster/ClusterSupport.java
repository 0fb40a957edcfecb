package io.nlb4j.cluster;

import io.nlb4j.model.Cluster;

/**
 * Joins a node to the other nodes of a load balancer ({@code cluster} in a specification). Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.nlb4j.cluster.ClusterSupport}); the
 * {@code nlb4j-zookeeper} module holds the one for ZooKeeper.
 */
public interface ClusterSupport {

    /**
     * Joins the cluster.
     *
     * @param cluster where the nodes meet and this node's name
     * @param loadBalancer the load balancer's name: its nodes share the state under it
     * @return this node; closing it leaves the cluster
     * @throws IllegalArgumentException naming the field, its value and what was expected, if the registry cannot
     *         be reached or refuses
     */
    ClusterNode join(Cluster cluster, String loadBalancer);
}
