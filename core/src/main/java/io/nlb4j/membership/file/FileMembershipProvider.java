package io.nlb4j.membership.file;

import io.nlb4j.membership.Member;
import io.nlb4j.membership.SnapshotMembershipProvider;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers listed in a file ({@link MemberFile} says how), watched: an edit, in place or by renaming a new file
 * over it, is read within a second and published as a new snapshot. A file that cannot be read or parsed keeps the
 * last good snapshot, and the problem, naming the file, the line and what was expected, is reported once per
 * distinct problem.
 */
public final class FileMembershipProvider extends SnapshotMembershipProvider {

    private static final Logger log = LoggerFactory.getLogger(FileMembershipProvider.class);
    /** How long a burst of changes must have been quiet before the file is read (an editor writes in steps). */
    private static final long SETTLE_MILLIS = 100;
    /** How often the file's size and time are compared, should a change not be reported by the file system. */
    private static final long POLL_MILLIS = 1000;

    private final Path file;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;
    private Object lastStamp;

    /**
     * Reads the file and starts watching it.
     *
     * @param file the file of servers
     * @throws IllegalArgumentException if it cannot be read or parsed now, naming the file, line and what was
     *     expected
     */
    public FileMembershipProvider(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        try {
            snapshots.publish(MemberFile.read(this.file));
        } catch (MemberFile.BadFile e) {
            throw new IllegalArgumentException("path: " + e.getMessage(), e);
        }
        lastStamp = stamp();
        try {
            watcher = FileSystems.getDefault().newWatchService();
            this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.OVERFLOW);
        } catch (IOException e) {
            throw new IllegalArgumentException("path: " + this.file + ": its directory cannot be watched (" + e + ')',
                    e);
        }
        thread = new Thread(this::watch, "nlb4j-file-members-" + this.file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Returns the file watched.
     *
     * @return its absolute path
     */
    public Path file() {
        return file;
    }


    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
        snapshots.complete();
    }

    private void watch() {
        while (!closed) {
            boolean changed = false;
            try {
                WatchKey key = watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    changed = concernsFile(key);
                    // Let a burst of writes (truncate, write, rename) settle, then read once.
                    long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
                    while (System.nanoTime() < quietUntil) {
                        WatchKey more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                        if (more != null) {
                            changed |= concernsFile(more);
                            quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
                        }
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Object stamp = stamp();
            if (changed || !Objects.equals(stamp, lastStamp)) {
                lastStamp = stamp;
                reread();
            }
        }
    }

    private boolean concernsFile(WatchKey key) {
        boolean concerns = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW
                    || file.getFileName().equals(e.context())) {
                concerns = true;
            }
        }
        key.reset();
        return concerns;
    }

    /** The file's size and modification time (and identity), or null if it is not there. */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime().toMillis() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void reread() {
        try {
            Set<Member> now = MemberFile.read(file);
            if (snapshots.publish(now)) {
                log.info("membership file {}: {} servers", file, now.size());
            }
        } catch (MemberFile.BadFile e) {
            int kept = snapshots.last().size();
            if (snapshots.problem(snapshots.keepingLast(e.getMessage()))) {
                log.warn("membership file {}: keeping the last {} servers: {}", file, kept, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "file " + file;
    }
}
