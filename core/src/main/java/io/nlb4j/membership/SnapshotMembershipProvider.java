package io.nlb4j.membership;

import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * A provider whose {@link #members()} and {@link #problems()} are its {@link Snapshots}: it publishes what it reads
 * with {@code snapshots.publish(...)} and {@code snapshots.problem(...)}.
 */
public abstract class SnapshotMembershipProvider implements MembershipProvider {

    /** What the provider publishes. */
    protected final Snapshots snapshots = new Snapshots();

    /** For subclasses. */
    protected SnapshotMembershipProvider() {
    }

    @Override
    public final Flux<Set<Member>> members() {
        return snapshots.members();
    }

    @Override
    public final Flux<String> problems() {
        return snapshots.problems();
    }
}
