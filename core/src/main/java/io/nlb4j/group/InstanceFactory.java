package io.nlb4j.group;

/**
 * Starts an in-process instance: a server inside this JVM, typically in tests and demos.
 * See {@link InstanceLaunchers#inProcess(InstanceFactory)}.
 */
@FunctionalInterface
public interface InstanceFactory {

    /**
     * Starts a server for an instance and returns once it accepts connections.
     *
     * @param context the instance to start; listen on {@code context.host()} and {@code context.port()}
     * @return a handle reporting the server's address and stopping it
     * @throws Exception if the server could not be started
     */
    InstanceHandle start(InstanceContext context) throws Exception;
}
