package io.nlb4j.balancer.properties;

import io.nlb4j.membership.Member;
import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/**
 * The membership provider of runnable generated specifications ({@value SpecGen#TEST_PROVIDER}): it lists one
 * server, a {@link UniversalServer} of the test, whatever its properties say. Counts the providers open, so that a
 * test can check that a stopped load balancer closed each one it made.
 */
final class OneServerProviders implements MembershipProviderFactory {

    static final AtomicInteger OPEN = new AtomicInteger();

    private final int serverPort;

    OneServerProviders(int serverPort) {
        this.serverPort = serverPort;
    }

    @Override
    public String type() {
        return SpecGen.TEST_PROVIDER;
    }

    @Override
    public MembershipProvider create(Map<String, String> properties) {
        OPEN.incrementAndGet();
        return new MembershipProvider() {
            private boolean closed;

            @Override
            public Flux<Set<Member>> members() {
                return Flux.concat(Flux.just(Set.of(Member.of("127.0.0.1", serverPort))), Flux.never());
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    OPEN.decrementAndGet();
                }
            }
        };
    }
}
