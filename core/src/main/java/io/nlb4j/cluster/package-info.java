/**
 * Several nodes of one load balancer: the service-provider interface through which they share a registry
 * ({@link io.nlb4j.cluster.ClusterSupport}, found with {@link java.util.ServiceLoader}; the {@code nlb4j-zookeeper}
 * module provides it), the instances of each availability group, and one owner per group.
 */
package io.nlb4j.cluster;
