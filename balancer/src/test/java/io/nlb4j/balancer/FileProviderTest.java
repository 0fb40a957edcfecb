package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.nameOfNextConnection;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.OutlierDetection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** The {@code file} membership provider under traffic: edits, broken edits, atomic replacement. */
class FileProviderTest {

    @TempDir
    Path dir;

    private static String line(TestBackend b) {
        return "127.0.0.1:" + b.port() + "\n";
    }

    private static Set<String> reached(RunningLoadBalancer lb, int connections) throws IOException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < connections; i++) {
            names.add(nameOfNextConnection(lb.listeners().get(0)));
        }
        return names;
    }

    @Test
    void editsAddAndDrainServersABrokenEditKeepsTheLastOnesAndARenameIsPickedUp() throws Exception {
        try (TestBackend a = TestBackend.start("a", TestBackend.NAMED_ECHO);
             TestBackend b = TestBackend.start("b", TestBackend.NAMED_ECHO)) {
            Path file = dir.resolve("servers.txt");
            Files.writeString(file, "# the servers\n" + line(a));
            RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("file-lb")
                    .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                            .healthCheck(HealthCheck.none(OutlierDetection.off()))
                            .connectionDraining(Duration.ofSeconds(1))
                            .provider("file", Map.of("path", file.toString()))))
                    .build(), Fixtures.options());
            List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
            Disposable sub = lb.events().subscribe(events::add);
            try (lb) {
                assertThat(reached(lb, 5)).containsExactly("a");

                // An in-place edit adds b.
                Files.writeString(file, line(a) + line(b));
                await().atMost(Duration.ofSeconds(5)).until(() -> reached(lb, 6).equals(Set.of("a", "b")));

                // A broken edit: the last servers keep serving, and the problem names the line.
                Files.writeString(file, line(a) + "127.0.0.1\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.MembershipProblem p && p.provider().equals("file")
                                && p.problem().contains(file + ":2: \"127.0.0.1\" (expected: HOST:PORT")));
                assertThat(reached(lb, 6)).containsExactlyInAnyOrder("a", "b");

                // An atomic replace (a new file renamed over it) removes a: it drains, b takes everything.
                Path next = dir.resolve("servers.txt.new");
                Files.writeString(next, line(b));
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                InetSocketAddress aAddress = new InetSocketAddress("127.0.0.1", a.port());
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.ServerDraining d && d.server().equals(aAddress)));
                assertThat(reached(lb, 5)).containsExactly("b");

                // The file gone: a failing source never empties the service.
                Files.delete(file);
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e ->
                        e instanceof LoadBalancerEvent.MembershipProblem p && p.problem().contains("cannot be read")));
                assertThat(reached(lb, 3)).containsExactly("b");
            } finally {
                sub.dispose();
            }
        }
    }

    @Test
    void aFileThatCannotBeReadAtStartFailsTheStartNamingThePath() {
        Path missing = dir.resolve("nope.txt");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetworkLoadBalancer.startNow(specBuilder("file-lb")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web")
                        .healthCheck(HealthCheck.none()).provider("file", Map.of("path", missing.toString()))))
                .build(), Fixtures.options()))
                .isInstanceOf(LoadBalancerStartException.class)
                .hasMessageStartingWith("listeners[0].backendService.servers.provider.properties: path: " + missing
                        + ": cannot be read (NoSuchFileException");
    }
}
