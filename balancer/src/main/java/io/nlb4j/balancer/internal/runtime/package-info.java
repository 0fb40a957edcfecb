/**
 * The runtime: it owns a load balancer's listeners, backend services, availability groups and lifecycle, all in
 * one {@link io.nlb4j.control.ControlContext}. Implementation, not API: its classes are package-private, reached
 * through {@link io.nlb4j.balancer.internal.runtime.LoadBalancerRuntime#start}.
 *
 * <p>The membership pipeline of a backend service: its source ({@link
 * io.nlb4j.balancer.internal.runtime.StaticMembership}, {@link io.nlb4j.balancer.internal.runtime.GroupMembers} or a
 * provider made by a factory) publishes member snapshots; {@link io.nlb4j.healthcheck.HealthCheckedMembers}
 * decorates them with health; {@link io.nlb4j.balancer.internal.runtime.ServiceRuntime} turns each snapshot into a
 * picker published to the data plane and drains the servers that left.
 *
 * <p>All types are non-null unless documented otherwise.
 */
package io.nlb4j.balancer.internal.runtime;
