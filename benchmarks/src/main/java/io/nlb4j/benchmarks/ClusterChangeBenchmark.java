package io.nlb4j.benchmarks;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.NetworkLoadBalancer;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.membership.zookeeper.ZooKeeperRegistration;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.OutlierDetection;
import io.nlb4j.model.Scheduling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import reactor.core.Disposable;

/**
 * How long a membership change made in the registry takes to reach every node: several load balancers read one
 * service from ZooKeeper (Curator's in-process {@code TestingServer}, a real ZooKeeper) with the {@code zookeeper}
 * provider; a server is registered, then unregistered, again and again, and each node's time from the change to
 * its {@code ServerAdded} / {@code ServerDraining} event is recorded. Prints p50, p99 and the maximum.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.nlb4j.benchmarks.ClusterChangeBenchmark [nodes] [changes]</pre>
 */
public final class ClusterChangeBenchmark {

    private ClusterChangeBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the number of nodes (default 2) and of changes (default 200, half additions, half removals)
     * @throws Exception if ZooKeeper or a load balancer cannot start
     */
    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (TestingServer zk = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(200))) {
            client.start();
            client.blockUntilConnected();
            Map<Integer, ZooKeeperRegistration> registrations = new HashMap<>();
            List<RunningLoadBalancer> lbs = new ArrayList<>();
            Map<String, CountDownLatch> waits = new ConcurrentHashMap<>();
            Map<String, Long> arrivals = new ConcurrentHashMap<>();
            List<Disposable> subs = new ArrayList<>();
            try {
                for (int n = 0; n < nodes; n++) {
                    RunningLoadBalancer lb = NetworkLoadBalancer.startNow(LoadBalancerSpec.builder("node-" + n)
                            .region("local").vpc("lo").zones("z1").listener(Listener.tcp(0).backendService(
                                    BackendService.builder("web").scheduling(Scheduling.MAGLEV)
                                            .healthCheck(HealthCheck.none(OutlierDetection.off()))
                                            .connectionDraining(Duration.ZERO)
                                            .provider("zookeeper", Map.of("connect", zk.getConnectString(),
                                                    "service", "web")))).build(),
                            LoadBalancerOptions.builder().bindAddress("127.0.0.1").eventLoopThreads(1).build());
                    lbs.add(lb);
                    int node = n;
                    subs.add(lb.events().subscribe(e -> {
                        String key = e instanceof LoadBalancerEvent.ServerAdded a ? "add " + a.server().getPort()
                                : e instanceof LoadBalancerEvent.ServerDraining d ? "drain " + d.server().getPort()
                                : null;
                        if (key != null) {
                            arrivals.put(key + " @" + node, System.nanoTime());
                            CountDownLatch w = waits.get(key);
                            if (w != null) {
                                w.countDown();
                            }
                        }
                    }));
                }
                long[] latencies = new long[changes * nodes];
                int k = 0;
                for (int c = 0; c < changes / 2; c++) {
                    int port = 20000 + c;
                    for (String kind : new String[] {"add", "drain"}) {
                        String key = kind + ' ' + port;
                        CountDownLatch w = new CountDownLatch(nodes);
                        waits.put(key, w);
                        long t0 = System.nanoTime();
                        if (kind.equals("add")) {
                            registrations.put(port, ZooKeeperRegistration.register(client, "/services", "web",
                                    "127.0.0.1", port));
                        } else {
                            registrations.remove(port).close();
                        }
                        if (!w.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException(key + ": not on every node within 10 s");
                        }
                        for (int n = 0; n < nodes; n++) {
                            latencies[k++] = arrivals.get(key + " @" + n) - t0;
                        }
                    }
                }
                long[] sorted = Arrays.copyOf(latencies, k);
                Arrays.sort(sorted);
                System.out.printf("cluster change: %d nodes, %d changes (register/unregister one server), change to"
                        + " event on each node: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", nodes, k / nodes,
                        ms(sorted[sorted.length / 2]), ms(sorted[(int) Math.min(sorted.length - 1,
                                Math.ceil(sorted.length * 0.99) - 1)]), ms(sorted[sorted.length - 1]));
            } finally {
                subs.forEach(Disposable::dispose);
                for (RunningLoadBalancer lb : lbs) {
                    lb.close();
                }
                for (ZooKeeperRegistration r : registrations.values()) {
                    r.close();
                }
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
