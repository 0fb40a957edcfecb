package io.nlb4j.balancer.scheduling;

import java.util.List;

/**
 * Source-IP hash: {@code servers[mix(sourceHash) mod N]}, so a client keeps reaching one server for as
 * long as the snapshot does not change. Any change of N remaps most clients; use Maglev where that
 * matters. Weights are not taken into account, as in the cloud's source-IP algorithm.
 *
 * <p>Attempt {@code a > 0} maps {@code mix(sourceHash + a * K)} (K the golden ratio) onto the other N-1
 * servers, so a retry never returns to the first server and the clients of a failing server spread
 * evenly over the rest.
 */
final class SourceIpHashPicker<C extends Candidate> extends Snapshot<C> {

    SourceIpHashPicker(List<C> list, int[] weights) {
        super(list, weights);
    }

    @Override
    public C pick(int sourceHash, int attempt) {
        int n = servers.length;
        int first = Math.floorMod(Hashing.fmix32(sourceHash), n);
        if (attempt == 0) {
            return server(first);
        }
        int other = first + 1 + Math.floorMod(Hashing.attemptHash(sourceHash, attempt), n - 1);
        return server(other >= n ? other - n : other);
    }
}
