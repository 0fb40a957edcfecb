package io.nlb4j.samples.cli;

import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.SpecDiff;
import io.nlb4j.balancer.UpdateRejectedException;
import io.nlb4j.config.ConfigException;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.control.Failures;
import io.nlb4j.model.LoadBalancerSpec;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the runner's specification file into the running load balancer ({@link RunningLoadBalancer#update}), one
 * reload at a time, on SIGHUP and, with {@code --watch}, whenever the file changes: edited in place or replaced by a
 * rename. A reload that fails — the file unreadable or invalid, or the update rejected — logs every problem and keeps
 * the running configuration; a successful one logs what changed.
 */
final class Reloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("nlb4j");
    /** How long a reload may take: binding, resolving, and the new services' first health checks. */
    private static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(120);
    /** After a change is seen, how long to wait for more (an editor's several writes) before reading the file. */
    private static final long SETTLE_MILLIS = 100;

    private final Path file;
    private final RunningLoadBalancer lb;
    private final ExecutorService reloads;
    private volatile byte[] lastRead;
    private volatile WatchService watcher;
    private volatile boolean closed;

    Reloader(Path file, RunningLoadBalancer lb) {
        this.file = file.toAbsolutePath();
        this.lb = lb;
        this.reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nlb4j-reload");
            t.setDaemon(true);
            return t;
        });
        this.lastRead = read();
    }

    /** Asks for a reload; reloads run one after the other. */
    void reload(String why) {
        if (!closed) {
            reloads.execute(() -> reloadNow(why, false));
        }
    }

    /**
     * Watches the file's directory for changes to the file: each change whose content differs from what was read
     * last is reloaded.
     */
    void watch() throws IOException {
        WatchService w = FileSystems.getDefault().newWatchService();
        file.getParent().register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.OVERFLOW);
        watcher = w;
        Thread t = new Thread(() -> watchLoop(w), "nlb4j-watch");
        t.setDaemon(true);
        t.start();
        log.info("watching {} for changes", file);
    }

    private void watchLoop(WatchService w) {
        try {
            while (!closed) {
                WatchKey key = w.take();
                boolean ours = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    ours |= e.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(e.context());
                }
                key.reset();
                if (!ours) {
                    continue;
                }
                // An editor may write several times: let the writes settle, then take whatever came meanwhile.
                // At most ten waits: other files of the directory written often must not hold the reload off.
                WatchKey more = w.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                for (int waits = 1; more != null && waits < 10; waits++) {
                    more.pollEvents();
                    more.reset();
                    more = w.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                }
                if (more != null) {
                    more.pollEvents();
                    more.reset();
                }
                reloads.execute(() -> reloadNow("the file changed", true));
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** The file's bytes, or null if it cannot be read now. */
    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void reloadNow(String why, boolean onlyIfChanged) {
        if (closed || lb.isDisposed()) {
            return;
        }
        byte[] content = read();
        if (onlyIfChanged && content != null && Arrays.equals(content, lastRead)) {
            return; // touched, or written again alike
        }
        lastRead = content;
        LoadBalancerSpec next;
        try {
            next = SpecFiles.read(file);
        } catch (ConfigException e) {
            log.warn("reload ({}) failed, the running configuration is kept: {}", why, e.getMessage());
            return;
        }
        try {
            SpecDiff diff = lb.update(next).block(UPDATE_TIMEOUT);
            log.info("reloaded {} ({}): {}", file, why, diff);
        } catch (UpdateRejectedException e) {
            log.warn("reload ({}) failed, the running configuration is kept: {}", why, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("reload ({}) failed, the running configuration is kept: {}", why, Failures.sentence(e));
        }
    }

    @Override
    public void close() {
        closed = true;
        WatchService w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // closing
            }
        }
        reloads.shutdownNow();
    }
}
