package io.nlb4j.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.nlb4j.model.HealthCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One checker probing many servers every 100 ms: every server is probed on schedule, within its jitter,
 * and no event loop stalls. Prints the probe-delay percentiles. The full load (1,000 servers for 10 s) is
 * tagged {@code load} and runs with {@code mvn verify -Pload}; the default build runs the same code on
 * 200 servers for 4 s.
 */
class ProbeScaleTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    /** Delays and loop lag are measured after this warm-up: every server's first probe is due at once. */
    private static final Duration WARM_UP = Duration.ofSeconds(2);

    @Test
    @Tag("load")
    void thousandServersEveryHundredMillisecondsForTenSeconds() throws Exception {
        long[] delays = run(1000, Duration.ofSeconds(10));
        // Within its jitter: 90% of probes start within one jitter span (10 ms) of their due time, 99% within
        // 50 ms (alone on two cores, p99 is about 2 ms).
        assertThat(pct(delays, 0.90)).as("p90 probe delay").isLessThan(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(pct(delays, 0.99)).as("p99 probe delay").isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void twoHundredServersEveryHundredMillisecondsForFourSeconds() throws Exception {
        long[] delays = run(200, Duration.ofSeconds(4));
        assertThat(pct(delays, 0.50)).as("median probe delay").isLessThan(TimeUnit.MILLISECONDS.toNanos(10));
    }

    /** Probes {@code servers} servers for {@code length}; checks the schedule; returns the sorted delays. */
    private static long[] run(int servers, Duration length) throws Exception {
        EventLoopGroup serverLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup probeLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        List<Channel> listeners = new ArrayList<>();
        List<HealthChecker.Watch> watches = new ArrayList<>();
        try {
            ServerBootstrap sb = new ServerBootstrap().group(serverLoops).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.close();
                        }

                        @Override
                        public boolean isSharable() {
                            return true;
                        }
                    });
            for (int i = 0; i < servers; i++) {
                listeners.add(sb.bind(InetAddress.getLoopbackAddress(), 0).sync().channel());
            }
            // Event loop lag: a task every 10 ms on each probing loop records how late it ran.
            AtomicLong maxLagNanos = new AtomicLong();
            long[] warmedUp = {System.nanoTime() + WARM_UP.toNanos()};
            List<ScheduledFuture<?>> lagProbes = new ArrayList<>();
            for (io.netty.util.concurrent.EventExecutor e : probeLoops) {
                EventLoop loop = (EventLoop) e;
                long[] expected = {System.nanoTime() + 10_000_000L};
                lagProbes.add(loop.scheduleAtFixedRate(() -> {
                    long now = System.nanoTime();
                    long lag = now - expected[0];
                    if (now - warmedUp[0] > 0) {
                        maxLagNanos.accumulateAndGet(lag, Math::max);
                    }
                    expected[0] += 10_000_000L;
                }, 10, 10, TimeUnit.MILLISECONDS));
            }

            HealthChecker checker = new HealthChecker(probeLoops, NioSocketChannel::new);
            HealthCheck.Active hc = HealthCheck.tcp().interval(INTERVAL).timeout(Duration.ofMillis(80)).build();
            AtomicLongArray probesPerServer = new AtomicLongArray(servers);
            AtomicInteger failures = new AtomicInteger();
            long[] delays = new long[servers * (int) (length.toMillis() / INTERVAL.toMillis() + 20)];
            AtomicInteger delayCount = new AtomicInteger();
            ConcurrentHashMap<InetSocketAddress, Integer> index = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            for (int i = 0; i < servers; i++) {
                InetSocketAddress address = (InetSocketAddress) listeners.get(i).localAddress();
                index.put(address, i);
                watches.add(checker.watch(address, hc, new HealthChecker.Listener() {
                    @Override
                    public void onTransition(HealthTransition transition) {
                    }

                    @Override
                    public void onProbe(ProbeResult r) {
                        if (r.startedNanos() > end) {
                            return;
                        }
                        probesPerServer.incrementAndGet(index.get(r.server()));
                        if (!r.success()) {
                            failures.incrementAndGet();
                        }
                        if (r.startedNanos() - warmedUp[0] < 0) {
                            return;
                        }
                        int k = delayCount.getAndIncrement();
                        if (k < delays.length) {
                            delays[k] = r.startedNanos() - r.scheduledNanos();
                        }
                    }
                }));
            }
            await().atMost(length.plusSeconds(10)).until(() -> System.nanoTime() - end > INTERVAL.toNanos() * 2);
            watches.forEach(HealthChecker.Watch::close);
            lagProbes.forEach(f -> f.cancel(false));

            int n = Math.min(delayCount.get(), delays.length);
            long[] sorted = Arrays.copyOf(delays, n);
            Arrays.sort(sorted);
            long minProbes = Long.MAX_VALUE;
            long total = 0;
            for (int i = 0; i < servers; i++) {
                minProbes = Math.min(minProbes, probesPerServer.get(i));
                total += probesPerServer.get(i);
            }
            System.out.printf("probe scale: %d servers, interval %d ms, %d s: %d probes (%.0f/s), %d failed,"
                    + " fewest per server %d%n", servers, INTERVAL.toMillis(), length.toSeconds(), total,
                    total / (double) length.toSeconds(), failures.get(), minProbes);
            System.out.printf("after a %d s warm-up, probe delay after its due time (jitter excluded): p50 %.2f ms, p90 %.2f ms,"
                    + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; event loop max lag %.2f ms%n",
                    WARM_UP.toSeconds(), ms(pct(sorted, 0.50)), ms(pct(sorted, 0.90)), ms(pct(sorted, 0.99)), ms(pct(sorted, 0.999)),
                    ms(sorted[n - 1]), ms(maxLagNanos.get()));

            // On schedule: one probe per interval (+-10% jitter) after the first, allowing for start-up.
            long expected = length.toMillis() / INTERVAL.toMillis();
            assertThat(minProbes).as("fewest probes of one server").isGreaterThanOrEqualTo(expected * 8 / 10);
            assertThat(failures.get()).as("failed probes of healthy servers").isZero();
            assertThat(maxLagNanos.get()).as("event loop max lag").isLessThan(TimeUnit.MILLISECONDS.toNanos(1000));
            return sorted;
        } finally {
            watches.forEach(HealthChecker.Watch::close);
            for (Channel c : listeners) {
                c.close();
            }
            probeLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
