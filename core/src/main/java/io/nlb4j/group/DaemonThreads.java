package io.nlb4j.group;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, so that nothing the group starts keeps the JVM alive or goes unnamed. */
final class DaemonThreads {

    private DaemonThreads() {
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + '-' + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
