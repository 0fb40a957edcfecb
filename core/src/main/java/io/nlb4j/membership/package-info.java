/**
 * Membership: where a backend service's servers come from. Every source — a static list, an availability
 * group, a provider such as a watched file or a registry — publishes {@link io.nlb4j.membership.Member}
 * snapshots as a {@link io.nlb4j.membership.MembershipProvider}; health checking decorates that membership with
 * each member's {@link io.nlb4j.membership.HealthStatus}, and the load balancer turns each snapshot into a
 * picker and drains the servers that left. Providers named by type in a specification are made by a
 * {@link io.nlb4j.membership.MembershipProviderFactory}.
 *
 * <p>All types are non-null unless documented otherwise.
 */
package io.nlb4j.membership;
