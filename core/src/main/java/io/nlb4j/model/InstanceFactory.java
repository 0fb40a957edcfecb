package io.nlb4j.model;

/**
 * Starts an in-process instance: a server inside this JVM, typically in tests and demos. See
 * {@link InstanceLauncher#inProcess(InstanceFactory)}.
 */
@FunctionalInterface
public interface InstanceFactory {

    /**
     * Starts a server for an instance and returns once it accepts connections. Called on a worker thread,
     * never on an event loop or the control thread; it may block.
     *
     * @param context the instance to start; listen on {@code context.host()} and {@code context.port()}
     * @return a handle reporting the server's address and stopping it
     * @throws Exception if the server could not be started
     */
    InstanceHandle start(InstanceContext context) throws Exception;
}
