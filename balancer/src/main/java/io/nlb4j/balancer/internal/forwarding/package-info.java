/**
 * The per-connection path: accept, access control, pick, connect, forward, close. Implementation, not API.
 *
 * <p>It reads immutable snapshots published by the runtime (the picker of a {@link
 * io.nlb4j.balancer.internal.forwarding.ServiceRoute}, the compiled {@link
 * io.nlb4j.balancer.internal.forwarding.AccessControl}), updates per-server counters and per-event-loop state
 * (each loop's list of its connections, {@link io.nlb4j.balancer.internal.forwarding.Loops}), and tells the runtime
 * what happened through {@link io.nlb4j.balancer.internal.forwarding.ForwardingEvents}. It never imports the
 * runtime. Its classes are package-private; the runtime reaches them through the public interfaces here and their
 * static factories. Netty's {@code HexDumpProxy} is the model of the core loop: both channels of a pair on the
 * accepted channel's event loop, reading off, read after write.
 *
 * <p>All types are non-null unless documented otherwise.
 */
package io.nlb4j.balancer.internal.forwarding;
