package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.Fault;
import java.util.concurrent.atomic.AtomicLong;

/** The faults of one scope: a copy-on-write array, read without a lock by the connections. */
final class Faults implements FaultScope {

    static final Active[] NONE = new Active[0];

    private volatile Active[] active = NONE;

    @Override
    public synchronized Runnable add(Fault fault) {
        Active a = new Active(fault);
        active = CopyOnWrite.with(active, a);
        return new Removal(this, a);
    }

    /** What {@link #add} returns: it removes the fault, and tells {@link LoopStates#applyToOpen} which it is. */
    static final class Removal implements Runnable {
        private final Faults scope;
        final Active active;

        Removal(Faults scope, Active active) {
            this.scope = scope;
            this.active = active;
        }

        @Override
        public void run() {
            scope.remove(active);
        }
    }

    private synchronized void remove(Active a) {
        a.removed = true;
        active = CopyOnWrite.without(active, a);
    }

    /** The faults in place now; {@link #NONE} when there are none. */
    Active[] active() {
        return active;
    }

    /** Whether a fault of this kind in place applies to the next connection (consuming one toxicity draw). */
    static Active firstApplying(Active[] faults, Fault.Kind kind) {
        for (Active a : faults) {
            if (a.fault.kind() == kind && a.appliesToNext()) {
                return a;
            }
        }
        return null;
    }

    /** A fault in place, and the sequence that decides which new connections it applies to. */
    static final class Active {
        final Fault fault;
        private final AtomicLong connections = new AtomicLong();
        private final AtomicLong open = new AtomicLong();
        private final AtomicLong applied = new AtomicLong();
        volatile boolean removed;

        /** A number for the randomness (jitter, slice sizes) of the next connection it acts on. */
        long nextConnectionSeed() {
            return applied.getAndIncrement() * 0x9E3779B97F4A7C15L;
        }

        Active(Fault fault) {
            this.fault = fault;
        }

        /** Whether it applies to the next new connection: the k-th draw of the fault's seeded sequence. */
        boolean appliesToNext() {
            return draw(connections, fault.seed());
        }

        /**
         * Whether it applies to a connection already open when it was added: a sequence of its own, so that the
         * connections open at that moment (some may be closing) do not shift which new ones it applies to.
         */
        boolean appliesToOpen() {
            return draw(open, fault.seed() ^ 0x5DEECE66DL);
        }

        private boolean draw(AtomicLong counter, long seed) {
            double toxicity = fault.toxicity();
            if (toxicity >= 1) {
                return true;
            }
            if (toxicity <= 0) {
                return false;
            }
            return unit(seed, counter.getAndIncrement()) < toxicity;
        }

        /** The k-th number of the sequence seeded so, uniform in [0, 1): SplitMix64's finalizer. */
        static double unit(long seed, long k) {
            long z = seed + (k + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return (z >>> 11) * 0x1.0p-53;
        }
    }
}
