package io.nlb4j.balancer.internal.forwarding;

import java.util.function.LongSupplier;

/**
 * One event loop's connection pairs, in an intrusive list: adding and removing touch only the pair and its
 * neighbours, and every operation runs on the loop itself.
 */
final class LoopState {

    private ProxyConnection head;
    private int size;
    /** The control clock: pairs stamp their activity with it. */
    final LongSupplier clock;

    LoopState(LongSupplier clock) {
        this.clock = clock;
    }

    void add(ProxyConnection c) {
        c.prev = null;
        c.next = head;
        if (head != null) {
            head.prev = c;
        }
        head = c;
        size++;
    }

    void remove(ProxyConnection c) {
        if (c.prev != null) {
            c.prev.next = c.next;
        } else if (head == c) {
            head = c.next;
        } else {
            return; // not in the list
        }
        if (c.next != null) {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
        size--;
    }

    /** The pairs now, so that closing one while iterating cannot disturb the walk. */
    private ProxyConnection[] snapshot() {
        ProxyConnection[] all = new ProxyConnection[size];
        int i = 0;
        for (ProxyConnection c = head; c != null && i < all.length; c = c.next) {
            all[i++] = c;
        }
        return all;
    }

    void sweep(long now) {
        for (ProxyConnection c : snapshot()) {
            if (c != null && c.idleFor(now)) {
                c.closeIdle(now);
            }
        }
    }

    int closeTo(Endpoint endpoint) {
        return closeIf(c -> c.endpoint() == endpoint);
    }

    int closeOf(ListenerPipe listener) {
        return closeIf(c -> c.listener() == listener);
    }

    private int closeIf(java.util.function.Predicate<ProxyConnection> which) {
        int n = 0;
        for (ProxyConnection c : snapshot()) {
            if (c != null && which.test(c)) {
                c.closeNow(Termination.DRAIN_DEADLINE);
                n++;
            }
        }
        return n;
    }

    int applyFault(Faults scope, Faults.Active fault) {
        int n = 0;
        for (ProxyConnection c : snapshot()) {
            if (c != null && c.faultAdded(scope, fault)) {
                n++;
            }
        }
        return n;
    }

    int closeAll() {
        return closeIf(c -> true);
    }

    int size() {
        return size;
    }
}
