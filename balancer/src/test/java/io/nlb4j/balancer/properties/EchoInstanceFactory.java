package io.nlb4j.balancer.properties;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceFactory;
import io.nlb4j.model.InstanceHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process instance: a {@link UniversalServer} on the host and port the group gives. Named by its class in
 * files ({@code launcher: {inProcess: io.nlb4j.balancer.properties.EchoInstanceFactory}}), so that specifications
 * with availability groups can be written, read and run. Counts the instances running, so that a test can check
 * that a stopped load balancer terminated them all.
 */
public final class EchoInstanceFactory implements InstanceFactory {

    /** Instances started and not yet closed, in this JVM. */
    static final AtomicInteger LIVE = new AtomicInteger();

    /** A public no-argument constructor, as in-process launchers named in files need. */
    public EchoInstanceFactory() {
    }

    @Override
    public InstanceHandle start(InstanceContext context) throws Exception {
        UniversalServer server = UniversalServer.start(new InetSocketAddress(InetAddress.getByName(context.host()),
                context.port()));
        LIVE.incrementAndGet();
        return new InstanceHandle() {
            private boolean closed;

            @Override
            public InetSocketAddress address() {
                return server.address();
            }

            @Override
            public synchronized void close() throws Exception {
                if (!closed) {
                    closed = true;
                    LIVE.decrementAndGet();
                    server.close();
                }
            }
        };
    }
}
