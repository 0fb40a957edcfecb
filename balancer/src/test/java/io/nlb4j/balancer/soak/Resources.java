package io.nlb4j.balancer.soak;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What this process holds at one moment: its open file descriptors (from {@code /proc/self/fd}, with what each
 * refers to), its live threads, and its live descendant processes.
 */
final class Resources {

    /**
     * Idle workers of the JVM-wide pools that the load balancer borrows: Reactor's {@code boundedElastic} (instance
     * launches and stops), nlb4j's own process-output readers, the JDK's process reapers and the common fork-join
     * pool. A worker lingers idle for up to 60 s after its last task, then ends by itself.
     */
    private static final List<String> SHARED_POOL_PREFIXES = List.of("boundedElastic-", "nlb4j-instance-output-",
            "process reaper", "ForkJoinPool.commonPool-worker-");

    final Map<Integer, String> fds;
    final Set<Thread> threads;
    final Map<Long, String> processes;

    private Resources(Map<Integer, String> fds, Set<Thread> threads, Map<Long, String> processes) {
        this.fds = fds;
        this.threads = threads;
        this.processes = processes;
    }

    static Resources now() {
        Map<Integer, String> fds = new TreeMap<>();
        Path dir = Path.of("/proc/self/fd");
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(p).toString();
                    } catch (IOException e) {
                        continue; // closed meanwhile, or the directory stream's own descriptor
                    }
                    fds.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list /proc/self/fd: " + e, e);
            }
        }
        Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
        threads.addAll(Thread.getAllStackTraces().keySet());
        Map<Long, String> processes = new TreeMap<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .forEach(p -> processes.put(p.pid(), p.info().commandLine().orElse("?")));
        return new Resources(fds, threads, processes);
    }

    /** The descriptors open now that were not open then, or now refer to something else. */
    Map<Integer, String> newFds(Resources before) {
        Map<Integer, String> out = new TreeMap<>();
        fds.forEach((fd, target) -> {
            if (!target.equals(before.fds.get(fd))) {
                out.put(fd, target);
            }
        });
        return out;
    }

    /**
     * The new descriptors that are not leaks: jar files the class loader opened for classes first needed since (it
     * keeps them open for good).
     */
    static boolean isClassPathFile(String target) {
        return target.endsWith(".jar") || target.endsWith(".jmod") || target.endsWith("/modules");
    }

    /** The threads alive now that were not alive then. */
    List<Thread> newThreads(Resources before) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive() && !before.threads.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether a thread is an idle worker of one of the JVM-wide pools, which ends by itself within a minute. */
    static boolean isIdleSharedPoolWorker(Thread t) {
        if (SHARED_POOL_PREFIXES.stream().noneMatch(t.getName()::startsWith)) {
            return false;
        }
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> (f.getClassName().equals(
                "java.util.concurrent.ThreadPoolExecutor") && f.getMethodName().equals("getTask"))
                || (f.getClassName().equals("java.util.concurrent.ForkJoinPool") && f.getMethodName().equals(
                "awaitWork")));
    }

    int liveThreads() {
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    static String describe(List<Thread> threads) {
        return threads.stream().map(t -> t.getName() + " (" + t.getState() + ')').sorted()
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String stackOf(Thread t) {
        return Arrays.stream(t.getStackTrace()).limit(12).map(f -> "    at " + f).collect(Collectors.joining("\n"));
    }
}
