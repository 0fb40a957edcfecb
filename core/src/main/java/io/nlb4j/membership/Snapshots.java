package io.nlb4j.membership;

import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * What a {@link MembershipProvider} publishes, kept for it: the latest snapshot, replayed to each new subscriber
 * and published again only when it changes, and its problems, each published once until a good snapshot comes. A
 * provider backs {@link MembershipProvider#members()} and {@link MembershipProvider#problems()} with one, calling
 * {@link #publish(Set)} and {@link #problem(String)} from one thread at a time.
 */
public final class Snapshots {

    private final Sinks.Many<Set<Member>> members = Sinks.many().replay().latest();
    private final Sinks.Many<String> problems = Sinks.many().replay().limit(16);
    private Set<Member> last;
    private String lastProblem;

    /**
     * Returns the snapshots.
     *
     * @return the latest snapshot first, then each change
     */
    public Flux<Set<Member>> members() {
        return members.asFlux();
    }

    /**
     * Returns the problems.
     *
     * @return the last few problems first, then each new one
     */
    public Flux<String> problems() {
        return problems.asFlux();
    }

    /**
     * Publishes a snapshot if it differs from the last one.
     *
     * @param snapshot the whole current set
     * @return whether it was published (it changed)
     */
    public boolean publish(Set<Member> snapshot) {
        lastProblem = null;
        if (snapshot.equals(last)) {
            return false;
        }
        last = Set.copyOf(snapshot);
        members.tryEmitNext(last);
        return true;
    }

    /**
     * Publishes a problem, unless it is the one published last since the last good snapshot.
     *
     * @param problem what happened, naming the source and the cause
     * @return whether it was published
     */
    public boolean problem(String problem) {
        if (problem.equals(lastProblem)) {
            return false;
        }
        lastProblem = problem;
        problems.tryEmitNext(problem);
        return true;
    }

    /**
     * Says what a failure keeps: the cause, then how many servers of the last snapshot stay.
     *
     * @param cause what failed, naming the source
     * @return {@code CAUSE; the last N servers are kept}, for {@link #problem(String)}
     */
    public String keepingLast(String cause) {
        return cause + "; the last " + (last == null ? 0 : last.size()) + " servers are kept";
    }

    /**
     * Returns the last snapshot published.
     *
     * @return it, or null if none has been
     */
    public Set<Member> last() {
        return last;
    }

    /** Ends both streams. */
    public void complete() {
        members.tryEmitComplete();
        problems.tryEmitComplete();
    }
}
