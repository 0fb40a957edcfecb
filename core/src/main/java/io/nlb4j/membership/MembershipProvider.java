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
     * Returns the problems the provider meets while it runs (a file it cannot read, a registry it cannot reach),
     * each said in a sentence that names the provider's source and the cause. They do not end
     * {@link #members()}: the last good snapshot stands. A source that fails never empties a service; only a
     * snapshot that lists no servers does. The default has none.
     *
     * @return the problems, as they happen
     */
    default Flux<String> problems() {
        return Flux.never();
    }

    /**
     * Releases what the provider holds. The default does nothing.
     */
    @Override
    default void close() {
    }
}
