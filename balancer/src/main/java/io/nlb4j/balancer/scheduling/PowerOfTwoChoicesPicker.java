package io.nlb4j.balancer.scheduling;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: two distinct servers drawn uniformly at random ({@link ThreadLocalRandom}, so
 * no shared state), the one with fewer active connections relative to its weight wins; on a tie the
 * first draw wins, which is itself random. O(1) whatever the number of servers, and the spread of load
 * stays within ln ln N of the mean (Mitzenmacher), as in Finagle, Linkerd and Envoy.
 */
final class PowerOfTwoChoicesPicker<C extends Candidate> extends Snapshot<C> {

    PowerOfTwoChoicesPicker(List<C> list, int[] weights) {
        super(list, weights);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        Candidate[] s = servers;
        int n = s.length;
        // One random long gives both draws, each mapped onto its range by a multiply-shift rather than a
        // division (Lemire); the bias, at most n / 2^32, is immaterial.
        long random = ThreadLocalRandom.current().nextLong();
        int a = (int) (((random & 0xFFFFFFFFL) * n) >>> 32);
        int b = (int) (((random >>> 32) * (n - 1)) >>> 32);
        if (b >= a) {
            b++;
        }
        int[] w = weights;
        return server(lessLoaded(s[b].activeConnections(), w[b], s[a].activeConnections(), w[a]) ? b : a);
    }
}
