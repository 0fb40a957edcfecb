package io.nlb4j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of the model, found by reflection over its compiled classes, with a valid receiver for every
 * class whose public methods take objects and a valid sample for every parameter type: tests that must hold for
 * every public method (null arguments, duration bounds) then cover methods added later, and fail with a clear
 * message when a new class or parameter type needs a receiver or sample.
 */
final class ModelApi {

    private ModelApi() {
    }

    // ---- valid values and builders ----

    static LoadBalancerSpec.Builder lb() {
        return LoadBalancerSpec.builder("web-lb").region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .listener(listener());
    }

    static Listener.Builder listener() {
        return Listener.tcp(8080).backendService(service());
    }

    static BackendService.Builder service() {
        return BackendService.builder("web").port(9000).staticServers(StaticServer.of("10.0.0.1"));
    }

    static InstanceTemplate.Builder template() {
        return InstanceTemplate.builder("web-template").launcher(InstanceLauncher.inProcess(Specs.NoopFactory.class))
                .port(9100);
    }

    static AvailabilityGroup.Builder group() {
        return AvailabilityGroup.builder("web-ag").region("cn-north-1").vpc("vpc-web").zones("az-a")
                .template(template()).capacity(1, 1, 2);
    }

    static ProcessLauncher.Builder process() {
        return ProcessLauncher.builder("server", "--port={port}");
    }

    static InstanceContext instance() {
        return new InstanceContext("web-ag-1", "web-ag", "az-a", "127.0.0.1", 9100, Map.of());
    }

    /** A fresh, valid receiver for the instance methods declared by each class (a subclass for abstract ones). */
    private static final Map<Class<?>, Supplier<?>> RECEIVERS = receivers();

    private static Map<Class<?>, Supplier<?>> receivers() {
        Map<Class<?>, Supplier<?>> r = new LinkedHashMap<>();
        r.put(LoadBalancerSpec.Builder.class, ModelApi::lb);
        r.put(PlacedBuilder.class, ModelApi::lb);
        r.put(Placement.Builder.class, () -> Placement.builder().region("cn-north-1").vpc("vpc-web").zones("az-a"));
        r.put(Cluster.Builder.class, () -> Cluster.builder().zookeeper("zk1:2181"));
        r.put(Listener.Builder.class, ModelApi::listener);
        r.put(BackendService.Builder.class, ModelApi::service);
        r.put(SessionPersistence.Builder.class, () -> SessionPersistence.builder()
                .mode(SessionPersistence.Mode.SOURCE_IP));
        r.put(HealthCheck.Builder.class, HealthCheck::tcp);
        r.put(HealthCheck.Active.Builder.class, HealthCheck::tcp);
        r.put(HealthCheck.Tcp.Builder.class, HealthCheck::tcp);
        r.put(HealthCheck.Http.Builder.class, () -> HealthCheck.http("/health"));
        r.put(HealthCheck.SendExpect.Builder.class, () -> HealthCheck.sendExpect("PING", "+PONG"));
        r.put(HealthCheck.None.Builder.class, HealthCheck.None::builder);
        r.put(OutlierDetection.Builder.class, OutlierDetection::builder);
        r.put(StaticServer.Builder.class, () -> StaticServer.builder("10.0.0.1").port(9000));
        r.put(StaticServer.class, () -> StaticServer.of("10.0.0.1", 9000));
        r.put(SecurityGroup.Builder.class, () -> SecurityGroup.builder("office"));
        r.put(InboundRule.Builder.class, () -> InboundRule.builder(InboundRule.Action.ALLOW, "10.0.0.0/8"));
        r.put(InboundRule.class, () -> InboundRule.allow("10.0.0.0/8"));
        r.put(AvailabilityGroup.Builder.class, ModelApi::group);
        r.put(InstanceTemplate.Builder.class, ModelApi::template);
        r.put(TargetTracking.Builder.class, () -> TargetTracking.builder(50));
        r.put(TargetTracking.class, () -> TargetTracking.activeConnectionsPerInstance(50));
        r.put(ProcessLauncher.Builder.class, ModelApi::process);
        r.put(ProcessLauncher.class, () -> process().build());
        r.put(Violation.class, () -> new Violation("port", "0", "1-65535"));
        r.put(Cidr.class, () -> Cidr.parse("10.0.0.0/8"));
        return r;
    }

    /** A valid, non-null argument of each parameter type. */
    private static final Map<Class<?>, Supplier<?>> SAMPLES = samples();

    private static Map<Class<?>, Supplier<?>> samples() {
        Map<Class<?>, Supplier<?>> s = new LinkedHashMap<>(RECEIVERS);
        s.put(String.class, () -> "a");
        s.put(Integer.class, () -> 1);
        s.put(Duration.class, () -> Duration.ofSeconds(1));
        s.put(List.class, List::of);
        s.put(Map.class, Map::of);
        s.put(Class.class, () -> Specs.NoopFactory.class);
        s.put(InetAddress.class, InetAddress::getLoopbackAddress);
        s.put(InstanceFactory.class, () -> (InstanceFactory) context -> null);
        s.put(InstanceContext.class, ModelApi::instance);
        s.put(InstanceLauncher.class, () -> InstanceLauncher.inProcess(Specs.NoopFactory.class));
        s.put(LoadBalancerSpec.class, Specs::full);
        s.put(Listener.class, () -> listener().build());
        s.put(BackendService.class, () -> service().build());
        s.put(SessionPersistence.class, SessionPersistence::off);
        s.put(HealthCheck.class, HealthCheck::defaults);
        s.put(OutlierDetection.class, OutlierDetection::defaults);
        s.put(ServerSource.class, ServerSource::staticServers);
        s.put(SecurityGroup.class, SecurityGroup::allowAll);
        s.put(Placement.class, () -> Placement.of("cn-north-1", "vpc-web", "az-a"));
        s.put(PortRange.class, () -> PortRange.ALL);
        s.put(AvailabilityGroup.class, () -> group().build());
        s.put(InstanceTemplate.class, () -> template().build());
        s.put(Capacity.class, () -> Capacity.DEFAULT);
        return s;
    }

    static Object receiver(Class<?> type) {
        Supplier<?> r = RECEIVERS.get(type);
        if (r == null) {
            throw new AssertionError("no receiver for " + type.getName() + ": add one to ModelApi.receivers()");
        }
        return r.get();
    }

    static Object sample(Class<?> type) {
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type.isArray()) {
            return Array.newInstance(type.getComponentType(), 0);
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        Supplier<?> s = SAMPLES.get(type);
        if (s == null) {
            throw new AssertionError("no sample argument of type " + type.getName() + ": add one to ModelApi.samples()");
        }
        return s.get();
    }

    // ---- the public API ----

    /** Every public class of the model, nested ones included, in name order. */
    static List<Class<?>> publicClasses() {
        Path dir;
        try {
            dir = Path.of(Durations.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("io/nlb4j/model");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                    .map(n -> "io.nlb4j.model." + n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .<Class<?>>map(ModelApi::load)
                    .filter(ModelApi::isApi)
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ModelApi.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isApi(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every public method and constructor of the model that takes an argument: static methods of every public
     * class, instance methods of classes (those of interfaces are implemented by users), constructors, but not
     * {@code equals} nor what the compiler writes for enums.
     */
    static List<Executable> publicExecutables() {
        List<Executable> out = new ArrayList<>();
        for (Class<?> c : publicClasses()) {
            Stream.of(c.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge())
                    .filter(m -> m.getParameterCount() > 0 && !m.getName().equals("equals"))
                    .filter(m -> Modifier.isStatic(m.getModifiers()) || !c.isInterface())
                    .filter(m -> !(c.isEnum() && m.getName().equals("valueOf")))
                    .sorted(Comparator.comparing(ModelApi::signature))
                    .forEach(out::add);
            Stream.of(c.getConstructors()).filter(k -> k.getParameterCount() > 0)
                    .sorted(Comparator.comparing(ModelApi::signature)).forEach(out::add);
        }
        return out;
    }

    /** {@code HealthCheck.Http.Builder.path(String)}, {@code Violation(String,String,String)}. */
    static String signature(Executable e) {
        String owner = e.getDeclaringClass().getName().substring("io.nlb4j.model.".length()).replace('$', '.');
        String params = Arrays.stream(e.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(","));
        return (e instanceof Constructor<?> ? owner : owner + '.' + e.getName()) + '(' + params + ')';
    }

    /**
     * Calls a method or constructor with the given arguments, on a fresh receiver for an instance method.
     *
     * @return what it returned
     * @throws Throwable what it threw
     */
    static Object invoke(Executable e, Object[] args) throws Throwable {
        try {
            if (e instanceof Constructor<?> k) {
                return k.newInstance(args);
            }
            Method m = (Method) e;
            Object target = Modifier.isStatic(m.getModifiers()) ? null : receiver(m.getDeclaringClass());
            return m.invoke(target, args);
        } catch (InvocationTargetException ex) {
            throw ex.getCause();
        }
    }

    /** Sample arguments for every parameter, {@code replacement} at {@code index}. */
    static Object[] arguments(Executable e, int index, Object replacement) {
        Class<?>[] types = e.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = i == index ? replacement : sample(types[i]);
        }
        return args;
    }
}
