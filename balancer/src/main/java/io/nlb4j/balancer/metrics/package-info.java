/**
 * Micrometer meters of a running load balancer ({@link io.nlb4j.balancer.metrics.LoadBalancerMetrics}). Micrometer
 * is an optional dependency: an application that binds the meters has it already.
 */
package io.nlb4j.balancer.metrics;
