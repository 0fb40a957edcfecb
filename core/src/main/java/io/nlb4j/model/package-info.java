/**
 * The specification of a network load balancer: immutable values made by builders, checked by one set of rules.
 *
 * <h2>Validation</h2>
 * {@code build()} reports every violation at once, each as {@code path: value (expected: ...)}, in one
 * {@link io.nlb4j.model.SpecValidationException}. Whatever validates also runs: every duration is at most
 * {@link io.nlb4j.model.Durations#MAX_DURATION} (365 days), and every count has an upper bound as well as a
 * lower one ({@link io.nlb4j.model.Capacity#MAX_INSTANCES}, {@link io.nlb4j.model.Listener#MAX_CONNECTIONS_LIMIT},
 * {@link io.nlb4j.model.HealthCheck#MAX_THRESHOLD}, {@link io.nlb4j.model.OutlierDetection#MAX_CONSECUTIVE_FAILURES},
 * {@link io.nlb4j.model.TargetTracking#MAX_TARGET_CONNECTIONS_PER_INSTANCE}, ports 0/1-65535, weights
 * {@link io.nlb4j.model.StaticServer#MIN_WEIGHT}-{@link io.nlb4j.model.StaticServer#MAX_WEIGHT}, priorities
 * {@link io.nlb4j.model.InboundRule#MIN_PRIORITY}-{@link io.nlb4j.model.InboundRule#MAX_PRIORITY}, percentages
 * 0-100), so that no value overflows when the runtime adds or multiplies it. A value is shown in a violation at
 * most {@link io.nlb4j.model.SpecValidationException#MAX_VALUE_LENGTH} characters long.
 *
 * <h2>Null</h2>
 * Every public method and constructor rejects a {@code null} argument at once with a {@link NullPointerException}
 * naming the parameter, unless its documentation says what {@code null} means. It does so in two cases:
 * <ul>
 *   <li>a value the specification requires and a file may leave out (a name given to {@code builder(...)}, a
 *       region, a VPC, a rule's action and source, a server's address, a send/expect check's texts, a capacity's
 *       parts, a target, a command, a provider's type), an element of a list or map, and a builder added to a list
 *       ({@code listener(Listener.Builder)}): {@code null} means missing, and {@code build()} reports it as
 *       {@code absent} with its path;</li>
 *   <li>an optional text (a listener's name, a subnet, an HTTP check's path, host or expected body, a working
 *       directory, a provider's properties): {@code null} means none, or the default.</li>
 * </ul>
 */
package io.nlb4j.model;
