package io.nlb4j.group;

import io.nlb4j.group.internal.BlockingLaunches;
import java.util.Arrays;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Factories for the built-in {@link InstanceLauncher}s.
 */
public final class InstanceLaunchers {

    private InstanceLaunchers() {
    }

    /**
     * A launcher that starts each instance inside this JVM by calling a factory. The factory runs on a
     * worker thread, never on an event loop, and may block until its server is ready.
     *
     * <p>A launcher made from a lambda cannot be written to a configuration file; use
     * {@link #inProcess(Class)} for one that can.
     *
     * @param factory starts one instance
     * @return the launcher
     */
    public static InstanceLauncher inProcess(InstanceFactory factory) {
        return new InProcessLauncher(Objects.requireNonNull(factory, "factory"), null);
    }

    /**
     * A launcher that starts each instance inside this JVM with a new instance of a factory class, which
     * must have a public no-argument constructor. Unlike a lambda, it can be written to and read from a
     * configuration file ({@code launcher: {inProcess: com.example.EchoFactory}}).
     *
     * @param factoryClass the factory class
     * @return the launcher
     * @throws IllegalArgumentException if the class has no public no-argument constructor
     */
    public static InstanceLauncher inProcess(Class<? extends InstanceFactory> factoryClass) {
        Objects.requireNonNull(factoryClass, "factoryClass");
        InstanceFactory factory;
        try {
            factory = factoryClass.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("launcher.inProcess: " + factoryClass.getName()
                    + " (expected: an InstanceFactory class with a public no-argument constructor): " + e, e);
        }
        return new InProcessLauncher(factory, factoryClass);
    }

    /**
     * A launcher that starts each instance as an operating-system process. Arguments may hold the
     * placeholders {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and {@code {group}}.
     *
     * @param command the program and its arguments
     * @return a builder of the launcher
     */
    public static ProcessLauncher.Builder process(String... command) {
        return ProcessLauncher.builder(Arrays.asList(command));
    }

    /**
     * The launcher behind {@link #inProcess(InstanceFactory)} and {@link #inProcess(Class)}.
     */
    public static final class InProcessLauncher implements InstanceLauncher {
        private final InstanceFactory factory;
        private final Class<? extends InstanceFactory> factoryClass;

        InProcessLauncher(InstanceFactory factory, Class<? extends InstanceFactory> factoryClass) {
            this.factory = factory;
            this.factoryClass = factoryClass;
        }

        /**
         * Returns the factory class this launcher was made from, if it was made from a class.
         *
         * @return the factory class, or empty for a lambda or object
         */
        public java.util.Optional<Class<? extends InstanceFactory>> factoryClass() {
            return java.util.Optional.ofNullable(factoryClass);
        }

        @Override
        public Mono<InstanceHandle> launch(InstanceContext context) {
            return BlockingLaunches.start(context.instanceId(), () -> factory.start(context));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof InProcessLauncher)) {
                return false;
            }
            InProcessLauncher other = (InProcessLauncher) o;
            return factoryClass != null ? factoryClass.equals(other.factoryClass) : factory == other.factory;
        }

        @Override
        public int hashCode() {
            return factoryClass != null ? factoryClass.hashCode() : System.identityHashCode(factory);
        }

        @Override
        public String toString() {
            return "inProcess(" + (factoryClass != null ? factoryClass.getName() : factory) + ')';
        }
    }
}
