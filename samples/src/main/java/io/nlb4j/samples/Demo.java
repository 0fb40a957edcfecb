package io.nlb4j.samples;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.control.Failures;
import io.nlb4j.group.GroupEvent;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.InstanceState;
import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.SecurityGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * The demo behind the README's first command: a load balancer in front of an availability group of
 * in-process echo servers, with real client traffic through a scale-out and a scale-in, and a summary.
 */
public final class Demo {

    private static final int CLIENTS = 8;
    private static final int PAYLOAD = 4096;

    /** The servers the group's launcher started, by instance id. */
    private final Map<String, EchoServer> servers = new ConcurrentHashMap<>();
    private final LongAdder connections = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder healthChanges = new LongAdder();
    private final LongAdder drainedServers = new LongAdder();
    /** The first client failure: when, and why. */
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    /** Connections the load balancer refused, and connects to servers that failed, by kind. */
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();
    private final PrintStream out;

    private Demo(PrintStream out) {
        this.out = out;
    }

    /**
     * The demo's load balancer: an availability group of 2 (up to 6) echo servers behind a TCP listener.
     *
     * @param launcherTarget receives each started server, by instance id
     * @return the specification
     */
    static LoadBalancerSpec spec(Map<String, EchoServer> launcherTarget) {
        AvailabilityGroup group = AvailabilityGroup.builder("demo-ag")
                .region("local").vpc("loopback").zones("az-a", "az-b")
                .template(InstanceTemplate.builder("echo")
                        .launcher(InstanceLauncher.inProcess(ctx -> {
                            EchoServer s = EchoServer.start(ctx.host(), ctx.port(), ctx.instanceId());
                            launcherTarget.put(ctx.instanceId(), s);
                            return s;
                        }))
                        .port(0)
                        .build())
                .capacity(2, 2, 6)
                .build();
        return LoadBalancerSpec.builder("demo-lb")
                .region("local").vpc("loopback").zones("az-a", "az-b")
                .securityGroup(SecurityGroup.allowAll())
                .listener(Listener.tcp(0)
                        .idleTimeout(Duration.ofMinutes(1))
                        .backendService(BackendService.builder("echo")
                                .scheduling(Scheduling.WEIGHTED_LEAST_CONNECTIONS)
                                .connectionDraining(Duration.ofSeconds(5))
                                .healthCheck(HealthCheck.tcp()
                                        .interval(Duration.ofMillis(200))
                                        .timeout(Duration.ofMillis(100))
                                        .healthyThreshold(2)
                                        .unhealthyThreshold(2))
                                .availabilityGroup(group)))
                .build();
    }

    /**
     * Runs the demo and prints its summary.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.exit(run(System.out) ? 0 : 1);
    }

    /**
     * Runs the demo.
     *
     * @param out where the summary goes
     * @return {@code true} if every client connection succeeded with every byte intact
     */
    public static boolean run(PrintStream out) {
        return new Demo(out).go();
    }

    private boolean go() {
        LoadBalancerSpec spec = spec(servers);
        out.println("Starting load balancer \"" + spec.name() + "\" in front of availability group \"demo-ag\"...");
        try (RunningLoadBalancer lb = NetworkLoadBalancer.startNow(spec,
                LoadBalancerOptions.builder().bindAddress("127.0.0.1").build())) {
            lb.events().subscribe(this::count);
            InetSocketAddress address = lb.listener(0).boundAddress();
            RunningAvailabilityGroup group = lb.availabilityGroup("demo-ag");
            out.println("Listening on " + address + " with " + inService(group) + " instances in service.");

            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                long seed = i;
                Thread t = new Thread(() -> {
                    try {
                        clientLoop(address, running, new Random(seed));
                    } finally {
                        done.countDown();
                    }
                }, "demo-client-" + i);
                t.setDaemon(true);
                t.start();
            }
            phase("Traffic on 2 instances", Duration.ofSeconds(1));
            out.println("Scaling out to 6 instances...");
            group.setDesiredCapacity(6).block(Duration.ofSeconds(30));
            group.awaitServing(6).block(Duration.ofSeconds(30)); // in service and passing their health checks
            phase("Traffic on 6 instances", Duration.ofSeconds(2));
            out.println("Scaling in to 2 instances (leaving instances drain first)...");
            Mono<Void> scaledIn = group.events().ofType(GroupEvent.Terminated.class).take(4).then().cache();
            scaledIn.subscribe();
            group.setDesiredCapacity(2).block(Duration.ofSeconds(30));
            scaledIn.block(Duration.ofSeconds(30)); // the four leaving instances drained and were terminated
            phase("Traffic on 2 instances", Duration.ofSeconds(1));
            running.set(false);
            done.await(30, TimeUnit.SECONDS);
            printSummary(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return failures.sum() == 0 && mismatches.sum() == 0 && connections.sum() > 0;
    }

    private void count(LoadBalancerEvent e) {
        if (e instanceof LoadBalancerEvent.ServerHealthy || e instanceof LoadBalancerEvent.ServerUnhealthy) {
            healthChanges.increment();
        } else if (e instanceof LoadBalancerEvent.ServerRemoved) {
            drainedServers.increment();
        } else if (e instanceof LoadBalancerEvent.ConnectionRejected r) {
            refusals.computeIfAbsent("refused " + r.reason(), k -> new LongAdder()).increment();
        } else if (e instanceof LoadBalancerEvent.ConnectFailed f) {
            refusals.computeIfAbsent("connect to a server failed: " + Failures.sentence(f.cause()),
                    k -> new LongAdder()).increment();
        }
    }

    /** One client: connects, sends a random payload, checks the echo, closes; again until told to stop. */
    private void clientLoop(InetSocketAddress address, AtomicBoolean running, Random random) {
        byte[] payload = new byte[PAYLOAD];
        byte[] echo = new byte[PAYLOAD];
        while (running.get()) {
            random.nextBytes(payload);
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream o = s.getOutputStream();
                InputStream in = s.getInputStream();
                o.write(payload);
                s.shutdownOutput();
                int read = in.readNBytes(echo, 0, PAYLOAD);
                if (read != PAYLOAD || !Arrays.equals(payload, echo) || in.read() != -1) {
                    mismatches.increment();
                }
                connections.increment();
                bytes.addAndGet(2L * PAYLOAD);
            } catch (IOException e) {
                failures.increment();
                firstFailure.compareAndSet(null, String.format("after %.1f s: %s",
                        (System.nanoTime() - startNanos) / 1e9, Failures.sentence(e)));
            }
        }
    }

    private void phase(String name, Duration length) throws InterruptedException {
        long before = connections.sum();
        Thread.sleep(length.toMillis());
        out.printf("  %-24s %6d connections%n", name + ":", connections.sum() - before);
    }

    private static long inService(RunningAvailabilityGroup group) {
        return group.instances().stream().filter(i -> i.state() == InstanceState.IN_SERVICE).count();
    }

    private void printSummary(RunningAvailabilityGroup group) {
        List<String> live = new ArrayList<>();
        for (InstanceInfo i : group.instances()) {
            live.add(i.id());
        }
        out.println();
        out.println("Connections per instance:");
        servers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.printf(
                "  %-10s %6d  %s%n", e.getKey(), e.getValue().acceptedConnections(),
                live.contains(e.getKey()) ? "in service" : "scaled in (drained, then terminated)"));
        out.println();
        out.printf("Client connections:  %d succeeded, %d failed, %d with mismatched bytes (%d KiB checked)%n",
                connections.sum(), failures.sum(), mismatches.sum(), bytes.get() / 1024);
        if (firstFailure.get() != null) {
            out.printf("First failure:       %s%n", firstFailure.get());
        }
        if (!refusals.isEmpty()) {
            Map<String, Long> sorted = new TreeMap<>();
            refusals.forEach((k, v) -> sorted.put(k, v.sum()));
            out.printf("Load balancer:       %s%n", sorted);
        }
        out.printf("Health changes:      %d%n", healthChanges.sum());
        out.printf("Servers drained out: %d%n", drainedServers.sum());
        out.println(failures.sum() == 0 && mismatches.sum() == 0 ? "Result: OK" : "Result: FAILED");
    }
}
