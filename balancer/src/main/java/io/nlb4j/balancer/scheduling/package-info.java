/**
 * Scheduling: how a backend service picks a server for a new connection.
 *
 * <p>The model follows gRPC's picker: on the control plane, whenever membership, weights, health or
 * draining change, a {@link io.nlb4j.balancer.scheduling.SchedulingAlgorithm} builds an immutable
 * {@link io.nlb4j.balancer.scheduling.Picker} over the servers in service; the runtime swaps it in
 * atomically, and event loops call {@link io.nlb4j.balancer.scheduling.Picker#pick(int, int)} for each
 * new connection. A pick takes no lock and allocates nothing; it reads the immutable snapshot, at most
 * one atomic cursor, and (for the load-aware algorithms) each server's current connection count.
 *
 * <p>Algorithms, chosen with {@link io.nlb4j.balancer.scheduling.SchedulingAlgorithm#of(io.nlb4j.model.Scheduling)}:
 * <ul>
 *   <li>weighted round robin: nginx's smooth weighted round robin, precomputed per snapshot;</li>
 *   <li>weighted least connections: the fewest active connections relative to weight, ties taken in turn;
 *       above 16 servers through a tournament tree the runtime updates with
 *       {@link io.nlb4j.balancer.scheduling.Picker#loadChanged(io.nlb4j.balancer.scheduling.Candidate)};</li>
 *   <li>source-IP hash: a hash of the client's address modulo the number of servers;</li>
 *   <li>Maglev: consistent hashing with a lookup table (Eisenbud et al., NSDI 2016), weighted;</li>
 *   <li>power of two choices: two servers drawn at random, the less loaded wins.</li>
 * </ul>
 *
 * <p>All types are non-null unless documented otherwise.
 */
package io.nlb4j.balancer.scheduling;
