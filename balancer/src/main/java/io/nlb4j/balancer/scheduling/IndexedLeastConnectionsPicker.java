package io.nlb4j.balancer.scheduling;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Weighted least connections for larger snapshots: a tournament tree over the candidates, kept up to
 * date by {@link #loadChanged(Candidate)}, so that a pick is O(1) and a change of load O(log N).
 *
 * <p>The tree is an int array of {@code 2 * P} nodes, {@code P} the smallest power of two of at least N:
 * leaf {@code P + i} is candidate {@code i} (leaves past N are padding, {@code -1}), and each internal node
 * holds the index of the less loaded of its two children's winners, compared as
 * {@code a.conns * b.weight < b.conns * a.weight} on the live counts; on a tie the left one. The root,
 * node 1, is therefore the least loaded candidate, and a pick reads it. After a candidate's count
 * changes, {@link #loadChanged} recomputes the nodes on the path from its leaf to the root. The leaf is
 * found through an open-addressing identity table built with the snapshot (no allocation, no boxing); a
 * candidate not in this snapshot is not in the table and is ignored after a probe or two.
 *
 * <p>Ties spread although the tree prefers the left child: every pick is followed by an increment of the
 * picked candidate's count and a walk, which makes it lose the next comparison against an equal
 * neighbour. With equal weights and no connection, N picks reach N distinct candidates.
 *
 * <p>Concurrency: event loops walk concurrently without a lock, each writing the nodes of its path with
 * plain (opaque) stores; two walks that cross may overwrite each other's result at a shared node with a
 * value computed from counts read a moment earlier, so the tree can briefly name a candidate that is no
 * longer the least loaded. That is acceptable: the counts themselves are exact (they are the runtime's
 * atomics, never stored here), every change of a count triggers a walk that recomputes the root from
 * the live counts of its children's winners, so a stale node lasts only until the next change beneath it,
 * and a stale answer only makes one connection go to a server that is a few connections busier than the
 * best, which least connections then corrects. A node only ever holds an index written by the build or
 * by a walk, i.e. {@code -1} for all-padding subtrees or a valid index in {@code [0, N)}, and the root
 * always covers real leaves, so a pick never returns a candidate outside this snapshot. Counts that change
 * between the build of a snapshot and its publication were reported to the previous picker; the next
 * change of each such count repairs this one.
 *
 * <p>For {@code attempt > 0} (an earlier pick failed to connect) the picker returns the second best
 * candidate as the tree knows it: the best of the winners of the siblings along the root winner's path,
 * which in a tournament tree is exactly the runner-up. O(log N) and allocation-free.
 */
final class IndexedLeastConnectionsPicker<C extends Candidate> extends Snapshot<C> {

    private static final VarHandle NODE = MethodHandles.arrayElementVarHandle(int[].class);

    /** The first leaf: a power of two of at least the number of candidates. */
    private final int leaves;
    private final int[] tree;
    /** An open-addressing identity table from candidate to leaf: keys, and the leaf of each key. */
    private final Candidate[] keys;
    private final int[] leafOf;
    private final int mask;

    IndexedLeastConnectionsPicker(List<C> list, int[] weights) {
        super(list, weights);
        int n = servers.length;
        int p = Integer.highestOneBit(Math.max(n - 1, 1)) << 1;
        this.leaves = p;
        int[] t = new int[2 * p];
        for (int i = 0; i < p; i++) {
            t[p + i] = i < n ? i : -1;
        }
        int slots = Integer.highestOneBit(4 * n - 1) << 1; // at most a quarter full
        Candidate[] k = new Candidate[slots];
        int[] v = new int[slots];
        for (int i = 0; i < n; i++) {
            int slot = slot(servers[i], slots - 1);
            while (k[slot] != null && k[slot] != servers[i]) {
                slot = (slot + 1) & (slots - 1);
            }
            if (k[slot] == null) { // a candidate listed twice keeps its first leaf
                k[slot] = servers[i];
                v[slot] = p + i;
            }
        }
        this.keys = k;
        this.leafOf = v;
        this.mask = slots - 1;
        for (int node = p - 1; node >= 1; node--) {
            t[node] = better(t[2 * node], t[2 * node + 1]);
        }
        this.tree = t;
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        int best = (int) NODE.getOpaque(tree, 1);
        if (attempt > 0) {
            best = runnerUp(best);
        }
        return server(best);
    }

    @Override
    public void loadChanged(C candidate) {
        Candidate[] k = keys;
        int slot = slot(candidate, mask);
        Candidate key;
        while ((key = k[slot]) != candidate) {
            if (key == null) {
                return; // not in this snapshot
            }
            slot = (slot + 1) & mask;
        }
        int leaf = leafOf[slot];
        // Carries the winner of the subtree walked so far, with its load read once, up to the root: each
        // level reads only the sibling's winner and its count.
        Candidate[] s = servers;
        int[] w = weights;
        int[] t = tree;
        int node = leaf;
        int best = node - leaves;
        long bestConns = Math.max(candidate.activeConnections(), 0);
        long bestWeight = w[best];
        while (node > 1) {
            int sibling = (int) NODE.getOpaque(t, node ^ 1);
            if (sibling >= 0) {
                long conns = Math.max(s[sibling].activeConnections(), 0);
                long weight = w[sibling];
                // the left child wins ties: the sibling is on the left when this node is a right child
                long lhs = conns * bestWeight;
                long rhs = bestConns * weight;
                if (lhs < rhs || (lhs == rhs && (node & 1) == 1)) {
                    best = sibling;
                    bestConns = conns;
                    bestWeight = weight;
                }
            }
            node >>>= 1;
            if ((int) NODE.getOpaque(t, node) != best) { // leaves unchanged lines clean in other cores' caches
                NODE.setOpaque(t, node, best);
            }
        }
    }

    private static int slot(Candidate c, int mask) {
        int h = System.identityHashCode(c) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The best of the siblings' winners along the path of {@code winner}'s leaf, or {@code winner} if none. */
    private int runnerUp(int winner) {
        int[] t = tree;
        int second = -1;
        for (int node = leaves + winner; node > 1; node >>>= 1) {
            second = better(second, (int) NODE.getOpaque(t, node ^ 1));
        }
        return second >= 0 ? second : winner;
    }

    /** The less loaded of two candidates by index, {@code a} on a tie; {@code -1} stands for none. */
    private int better(int a, int b) {
        if (a < 0) {
            return b;
        }
        if (b < 0) {
            return a;
        }
        Candidate[] s = servers;
        return lessLoaded(s[b].activeConnections(), weights[b], s[a].activeConnections(), weights[a]) ? b : a;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[servers=" + servers.length + ", root=" + tree[1] + ']';
    }
}
