package io.nlb4j.samples.cli;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningListener;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.config.ConfigException;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nlb4j run --config FILE}: runs a load balancer until SIGINT or SIGTERM, then drains and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a load balancer from a specification file until interrupted.",
                "SIGINT or SIGTERM stops accepting connections, drains open ones and exits 0."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("nlb4j");

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The specification: a .yaml, .yml or .json file.")
    Path config;

    @Option(names = "--bind-address", paramLabel = "ADDRESS", defaultValue = LoadBalancerOptions.DEFAULT_BIND_ADDRESS,
            description = "The local address listeners bind to (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long open connections may continue at stop, such as 30s "
                    + "(default: the longest connection draining timeout of the backend services).")
    Duration drainTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LoadBalancerSpec lb;
        try {
            lb = SpecFiles.read(config);
        } catch (ConfigException e) {
            err.println("nlb4j: " + e.getMessage());
            err.flush();
            return Nlb4j.FAILED;
        }
        RunningLoadBalancer running = NetworkLoadBalancer.startNow(lb,
                LoadBalancerOptions.defaults().bindAddress(bindAddress));
        for (RunningListener l : running.listeners()) {
            log.info("listener {} -> backend service {}: listening on {}", l.spec().port(),
                    l.backendService().spec().name(), l.boundAddress());
        }
        running.events().subscribe(e -> log.info("{}", e));
        Duration drain = drainTimeout != null ? drainTimeout : lb.listeners().stream()
                .map(l -> l.backendService().connectionDraining()).max(Duration::compareTo).orElse(Duration.ZERO);
        Signals.onTermination(() -> {
            running.stop(drain).block();
            System.exit(0);
        });
        running.onStopped().block();
        return 0;
    }

    /** Reads {@code 30s}, {@code 5m}, {@code PT30S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.nlb4j.model.Durations.parse(value);
        }
    }
}
