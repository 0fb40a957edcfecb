package io.nlb4j.membership.zookeeper;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/** Starting the Curator clients the provider and the cluster support make for themselves. */
final class Curators {

    /** How long a start waits for ZooKeeper, in seconds. */
    static final int CONNECT_SECONDS = 10;

    private Curators() {
    }

    /**
     * Starts a client and waits until it is connected; closes it if it is not.
     *
     * @param client a client not yet started
     * @param field the path of the setting that names the ensemble, for the error
     * @param connect the ensemble
     * @return the client, connected
     * @throws IllegalArgumentException naming the field, the ensemble and what was expected, if no connection comes
     *         within {@value #CONNECT_SECONDS} seconds
     */
    static CuratorFramework connected(CuratorFramework client, String field, String connect) {
        client.start();
        try {
            if (!client.blockUntilConnected(CONNECT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalArgumentException(field + ": \"" + connect + "\" (expected: a reachable ZooKeeper"
                        + " ensemble; no connection within " + CONNECT_SECONDS + " s)");
            }
            return client;
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(field + ": \"" + connect + "\": interrupted while connecting", e);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
