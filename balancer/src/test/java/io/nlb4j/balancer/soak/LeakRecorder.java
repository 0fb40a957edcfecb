package io.nlb4j.balancer.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs Netty's leak detector at {@code PARANOID} (every buffer tracked, with its access records) and records every
 * leak it reports, instead of only logging it. Detectors created from now on come from a factory whose detectors
 * record their reports; the buffers' detector, created once when Netty's buffer classes load (possibly by an
 * earlier test in this JVM), is given a leak listener. {@link #collect()} makes the detector look for leaks:
 * garbage collection, then allocations, which is when a detector reports what the collector found unreleased.
 */
final class LeakRecorder implements AutoCloseable {

    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final ResourceLeakDetector.Level previousLevel;
    private final ResourceLeakDetectorFactory previousFactory;
    private final ResourceLeakDetector<?> bufferDetector;

    private LeakRecorder() {
        previousLevel = ResourceLeakDetector.getLevel();
        previousFactory = ResourceLeakDetectorFactory.instance();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Recording());
        bufferDetector = bufferDetector();
        if (!(bufferDetector instanceof RecordingDetector)) {
            bufferDetector.setLeakListener((type, records) -> leaks.add("LEAK of " + type + ": " + records));
        }
    }

    /** Sets the level to PARANOID and starts recording; {@link #close()} puts everything back. */
    static LeakRecorder install() {
        return new LeakRecorder();
    }

    /** The detector of every {@link ByteBuf}: Netty's {@code AbstractByteBuf.leakDetector}. */
    private static ResourceLeakDetector<?> bufferDetector() {
        try {
            Class<?> c = Class.forName("io.netty.buffer.AbstractByteBuf", true, ByteBuf.class.getClassLoader());
            Field f = c.getDeclaredField("leakDetector");
            f.setAccessible(true);
            return (ResourceLeakDetector<?>) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach Netty's buffer leak detector (AbstractByteBuf.leakDetector),"
                    + " so leaks would go unrecorded: " + e, e);
        }
    }

    /**
     * Makes the detectors report what is unreleased: a few rounds of garbage collection, each followed by buffer
     * allocations (a detector reports the leaks the collector has found when it tracks a new buffer).
     *
     * @return every leak reported since {@link #install()}
     */
    List<String> collect() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(100);
            for (ByteBufAllocator a : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT,
                    UnpooledByteBufAllocator.DEFAULT)) {
                for (int i = 0; i < 20; i++) {
                    a.buffer(64).release();
                    a.directBuffer(64).release();
                    a.heapBuffer(64).release();
                }
            }
        }
        return List.copyOf(leaks);
    }

    /**
     * Reports and forgets what leaked before this test began (an earlier test in the same JVM), so that it is not
     * blamed on this one.
     *
     * @return the leaks forgotten
     */
    List<String> forgetEarlierLeaks() throws InterruptedException {
        List<String> earlier = collect();
        leaks.clear();
        return earlier;
    }

    /**
     * Leaks a buffer on purpose and waits for the detector to report it, so that "no leak" means something; then
     * forgets that report.
     *
     * @throws IllegalStateException if the detector does not report it
     */
    void proveItReports() throws InterruptedException {
        String hint = "nlb4j soak: leaked on purpose " + System.nanoTime();
        leakOne(hint);
        for (int round = 0; round < 20 && leaks.stream().noneMatch(l -> l.contains(hint)); round++) {
            collect();
        }
        if (leaks.stream().noneMatch(l -> l.contains(hint))) {
            throw new IllegalStateException("Netty's leak detector did not report a buffer leaked on purpose (level "
                    + ResourceLeakDetector.getLevel() + "), so a real leak would go unseen too; reported: " + leaks);
        }
        leaks.removeIf(l -> l.contains(hint));
    }

    private static void leakOne(String hint) {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeLong(42);
        leaked.touch(hint);
    }

    @Override
    public void close() {
        if (!(bufferDetector instanceof RecordingDetector)) {
            bufferDetector.setLeakListener(null);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(previousFactory);
        ResourceLeakDetector.setLevel(previousLevel);
    }

    private final class Recording extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in Netty 4.2: every factory implements it
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when the logger's ERROR level is off
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            leaks.add("LEAK of " + resourceType + ": " + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            leaks.add("LEAK of " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
