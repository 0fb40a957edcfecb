package io.nlb4j.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * How the instances of a template are started: inside this JVM by an {@link InstanceFactory}
 * ({@link InProcessLauncher}), or as operating-system processes ({@link ProcessLauncher}). A launcher is a
 * description; the availability group's runtime acts on it.
 */
public sealed interface InstanceLauncher permits InProcessLauncher, ProcessLauncher {

    /**
     * A launcher that starts each instance inside this JVM by calling a factory on a worker thread, never
     * on an event loop. A launcher made from a lambda cannot be written to a configuration file; use
     * {@link #inProcess(Class)} for one that can.
     *
     * @param factory starts one instance
     * @return the launcher
     */
    static InProcessLauncher inProcess(InstanceFactory factory) {
        return InProcessLauncher.of(factory);
    }

    /**
     * A launcher that starts each instance inside this JVM with a new instance of a factory class, which
     * must have a public no-argument constructor. It can be written to and read from a configuration file
     * ({@code launcher: {inProcess: com.example.EchoFactory}}).
     *
     * @param factoryClass the factory class
     * @return the launcher
     * @throws IllegalArgumentException if the class has no public no-argument constructor
     */
    static InProcessLauncher inProcess(Class<? extends InstanceFactory> factoryClass) {
        return InProcessLauncher.of(factoryClass);
    }

    /**
     * A launcher that starts each instance as an operating-system process, with the default ready timeout
     * and stop grace period; {@link ProcessLauncher#builder(String...)} sets those. Arguments may hold the
     * placeholders {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and {@code {group}}, and
     * doubled braces for literal ones, as {@link ProcessLauncher} says.
     *
     * @param command the program and its arguments
     * @return the launcher
     * @throws SpecValidationException if the command is empty or an argument is invalid
     */
    static ProcessLauncher process(String... command) {
        return ProcessLauncher.builder(Arrays.asList(Objects.requireNonNull(command, "command"))).build();
    }
}
