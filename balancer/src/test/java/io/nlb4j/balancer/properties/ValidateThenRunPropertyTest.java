package io.nlb4j.balancer.properties;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.config.ConfigException;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Whatever reading a file accepts, running accepts: a runnable specification (listeners on port 0, servers at live
 * test servers that pass its health checks), written, mutated in the values it may change without pointing
 * elsewhere (durations, thresholds, weights, limits, names, policies, texts, structure) and read, either is refused
 * by the reading, with problems as {@link MutatedDocumentPropertyTest} requires, or starts with
 * {@link NetworkLoadBalancer#startNow} and closes leaving no thread, no listening socket, no instance and no
 * provider behind.
 */
class ValidateThenRunPropertyTest {

    static final int TRIES = 100;
    private static final int SERVERS = 3;

    private static final List<UniversalServer> servers = new ArrayList<>();
    private static UniversalServer greeter;
    private static LoadBalancerOptions options;

    @BeforeAll
    static void startServers() throws IOException {
        for (int i = 0; i < SERVERS; i++) {
            servers.add(UniversalServer.start());
        }
        greeter = UniversalServer.greeter();
        options = LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1)
                .startTimeout(Duration.ofSeconds(10))
                .membershipProvider(new OneServerProviders(servers.get(0).port()))
                .build();
    }

    @AfterAll
    static void stopServers() throws IOException {
        for (UniversalServer s : servers) {
            s.close();
        }
        servers.clear();
        greeter.close();
    }

    static SpecGen.Env env() {
        return SpecGen.Env.running(servers.stream().map(UniversalServer::port).toList(), greeter.port());
    }

    @Test
    void whateverReadingAcceptsRunningAccepts(TestReporter reporter) {
        Property.forAll("whatever validate accepts, run accepts",
                        r -> DocumentCase.generate(r, SpecGen.valid(r, env()).build(), true))
                .tries(TRIES)
                .shrinkWith(c -> c.shrink(path -> !Mutations.frozenForRun(path)))
                .describeWith(DocumentCase::describe)
                .check(reporter, c -> {
                    String text = c.render();
                    LoadBalancerSpec spec;
                    try {
                        spec = SpecFiles.read(text, c.format());
                    } catch (ConfigException e) {
                        Checks.refusal(e, text, c.format().name().toLowerCase(Locale.ROOT) + " text");
                        Checks.require(!c.unmutated(), "an unmutated runnable document is refused", e.getMessage());
                        return "refused by reading";
                    }
                    run(spec);
                    return c.unmutated() ? "ran (unmutated)" : "ran (mutated)";
                });
    }

    /** Starts and closes a specification, and checks that nothing of it is left. */
    static void run(LoadBalancerSpec spec) {
        int instances = EchoInstanceFactory.LIVE.get();
        int providers = OneServerProviders.OPEN.get();
        List<InetSocketAddress> bound = new ArrayList<>();
        RunningLoadBalancer lb;
        try {
            lb = NetworkLoadBalancer.startNow(spec, options);
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            int colon = m.indexOf(':');
            String key = (colon > 0 ? m.substring(0, colon) : m.substring(0, Math.min(60, m.length())))
                    .replaceAll("\\d+", "N");
            throw new AssertionError("run refused a valid specification (" + e.getClass().getSimpleName() + ' ' + key
                    + "): " + m, e);
        }
        try (RunningLoadBalancer running = lb) {
            for (RunningListener l : running.listeners()) {
                InetSocketAddress a = l.boundAddress();
                Checks.require(a != null && a.getPort() > 0, "listener not bound", String.valueOf(a));
                bound.add(a);
            }
        }
        Checks.noThreadsLeft(spec);
        Checks.nothingListening(bound);
        Checks.backTo(EchoInstanceFactory.LIVE, instances, "in-process instances");
        Checks.backTo(OneServerProviders.OPEN, providers, "membership providers");
    }
}
