package io.nlb4j.membership;

import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * Publishes the servers of a backend service as a stream of complete snapshots. The load balancer turns
 * each snapshot into registrations and deregistrations (deregistered servers drain).
 *
 * <p>Where the members come from (a static list, an availability group, a file, DNS, a registry) is the
 * provider's business; how one is picked is the scheduler's. A provider passed in by the caller is never
 * closed by the load balancer.
 */
public interface MembershipProvider extends AutoCloseable {

    /**
     * Returns the member snapshots: each element is the whole current set. The flux should replay the
     * latest snapshot to a new subscriber and never complete while the provider is open.
     *
     * @return the snapshots
     */
    Flux<Set<Member>> members();

    /**
     * Releases what the provider holds. The default does nothing.
     */
    @Override
    default void close() {
    }
}
