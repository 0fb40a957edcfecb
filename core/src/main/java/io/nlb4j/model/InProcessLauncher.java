package io.nlb4j.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Starts each instance inside this JVM by calling an {@link InstanceFactory}. Made with
 * {@link InstanceLauncher#inProcess(InstanceFactory)} or {@link InstanceLauncher#inProcess(Class)}.
 * Two launchers are equal when they were made from the same factory class, or from the same factory object.
 */
public final class InProcessLauncher implements InstanceLauncher {

    private final InstanceFactory factory;
    private final Class<? extends InstanceFactory> factoryClass;

    private InProcessLauncher(InstanceFactory factory, Class<? extends InstanceFactory> factoryClass) {
        this.factory = factory;
        this.factoryClass = factoryClass;
    }

    static InProcessLauncher of(InstanceFactory factory) {
        return new InProcessLauncher(Objects.requireNonNull(factory, "factory"), null);
    }

    static InProcessLauncher of(Class<? extends InstanceFactory> factoryClass) {
        Objects.requireNonNull(factoryClass, "factoryClass");
        InstanceFactory factory;
        try {
            factory = factoryClass.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("launcher.inProcess: \"" + factoryClass.getName()
                    + "\" (expected: an InstanceFactory class with a public no-argument constructor): " + e, e);
        }
        return new InProcessLauncher(factory, factoryClass);
    }

    /**
     * Returns the factory that starts instances.
     *
     * @return the factory
     */
    public InstanceFactory factory() {
        return factory;
    }

    /**
     * Returns the factory class this launcher was made from, if it was made from a class.
     *
     * @return the factory class, or empty for a lambda or object
     */
    public Optional<Class<? extends InstanceFactory>> factoryClass() {
        return Optional.ofNullable(factoryClass);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InProcessLauncher other)) {
            return false;
        }
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
