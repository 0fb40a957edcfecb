package io.nlb4j.junit5;

import io.nlb4j.model.InProcessLauncher;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Test servers started as the instances of an availability group: its {@link #launcher()} goes in the group's
 * instance template, and each instance the group launches is a test server named by its instance id, which the test
 * finds with {@link #server(String)} to make it unhealthy, slow or refusing.
 *
 * <pre>{@code
 * static final TestServerFleet<WhoAmIServer> fleet = TestServers.whoAmIFleet();
 * ... AvailabilityGroup.builder("web-ag").template(InstanceTemplate.builder("web").launcher(fleet.launcher())) ...
 * fleet.server("web-ag-2").unhealthy(true);
 * }</pre>
 *
 * @param <S> the kind of test server
 */
public final class TestServerFleet<S extends TestServer> implements AutoCloseable {

    private final BiFunction<InstanceContext, InetAddress, S> start;
    private final Map<String, S> running = new TreeMap<>();
    private final InProcessLauncher launcher;

    TestServerFleet(BiFunction<InstanceContext, InetAddress, S> start) {
        this.start = start;
        this.launcher = InstanceLauncher.inProcess(this::launch);
    }

    /**
     * Returns the launcher to put in an instance template.
     *
     * @return the launcher
     */
    public InProcessLauncher launcher() {
        return launcher;
    }

    /**
     * Returns a running instance's server.
     *
     * @param instanceId the instance id, such as {@code web-ag-2}
     * @return its server
     * @throws IllegalArgumentException if no instance of that id runs, naming those that do
     */
    public synchronized S server(String instanceId) {
        S s = running.get(instanceId);
        if (s == null) {
            throw new IllegalArgumentException("instanceId: \"" + instanceId + "\" (expected: a running instance, one"
                    + " of " + running.keySet() + ')');
        }
        return s;
    }

    /**
     * Returns the servers of the instances running now, by instance id.
     *
     * @return the servers
     */
    public synchronized List<S> servers() {
        return new ArrayList<>(running.values());
    }

    /** Closes the servers of instances still running (the group normally terminates them itself). */
    @Override
    public synchronized void close() {
        running.values().forEach(TestServer::close);
        running.clear();
    }

    private InstanceHandle launch(InstanceContext ctx) throws Exception {
        S server = start.apply(ctx, InetAddress.getByName(ctx.host()));
        synchronized (this) {
            running.put(ctx.instanceId(), server);
        }
        return new InstanceHandle() {
            @Override
            public InetSocketAddress address() {
                return server.address();
            }

            @Override
            public void close() {
                synchronized (TestServerFleet.this) {
                    running.remove(ctx.instanceId(), server);
                }
                server.close();
            }
        };
    }
}
