package io.nlb4j.balancer;

import static io.nlb4j.balancer.Fixtures.options;
import static io.nlb4j.balancer.Fixtures.service;
import static io.nlb4j.balancer.Fixtures.specBuilder;
import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.group.RunningAvailabilityGroup;
import io.nlb4j.membership.HealthStatus;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public method of the balancer's API that takes an object fails at once on {@code null}, with a
 * {@link NullPointerException} whose message is the parameter's name — never later, never a bare one or the JVM's
 * "Cannot invoke ..." about an internal variable. Found by reflection, so that a
 * method added later is held to it too.
 */
class PublicApiArgumentsTest {

    @Test
    void theStaticEntryPointsAndTheOptionsBuilderNameANullArgument() {
        List<String> problems = new ArrayList<>();
        check(NetworkLoadBalancer.class, null, problems);
        check(LoadBalancerOptions.Builder.class, LoadBalancerOptions.builder(), problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void aRunningLoadBalancerItsListenersServicesAndGroupsNameANullArgument() throws Exception {
        AvailabilityGroup group = AvailabilityGroup.builder("ag").region("local").vpc("lo").zones("z1")
                .template(InstanceTemplate.builder("t").port(0).launcher(Fixtures.echoInstances()))
                .capacity(1, 1, 2).build();
        try (TestBackend a = TestBackend.echo("a");
             RunningLoadBalancer lb = NetworkLoadBalancer.startNow(specBuilder("nulls")
                     .listener(Listener.tcp(0).backendService(service("web", a)))
                     .listener(Listener.tcp(0).backendService(BackendService.builder("grouped")
                             .healthCheck(HealthCheck.none()).availabilityGroup(group)))
                     .build(), options())) {
            List<String> problems = new ArrayList<>();
            check(RunningLoadBalancer.class, lb, problems);
            check(RunningListener.class, lb.listeners().get(0), problems);
            check(RunningBackendService.class, lb.backendService("web"), problems);
            check(RunningAvailabilityGroup.class, lb.availabilityGroup("ag"), problems);
            assertThat(problems).isEmpty();
        }
    }

    /** Calls each public method of {@code type} with {@code null} in one object parameter at a time. */
    private static void check(Class<?> type, Object target, List<String> problems) {
        for (Method m : type.getMethods()) {
            boolean isStatic = Modifier.isStatic(m.getModifiers());
            if (m.getDeclaringClass() == Object.class || (target == null) != isStatic) {
                continue;
            }
            Parameter[] params = m.getParameters();
            for (int i = 0; i < params.length; i++) {
                if (params[i].getType().isPrimitive()) {
                    continue;
                }
                Object[] args = new Object[params.length];
                for (int k = 0; k < params.length; k++) {
                    args[k] = k == i ? null : sample(params[k].getType());
                }
                String where = type.getSimpleName() + '.' + m.getName() + " with a null " + params[i].getName();
                try {
                    m.invoke(target, args);
                    problems.add(where + ": accepted");
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof NullPointerException) || cause.getMessage() == null
                            || !cause.getMessage().startsWith(params[i].getName())) {
                        problems.add(where + ": " + cause);
                    }
                } catch (IllegalAccessException e) {
                    problems.add(where + ": " + e);
                }
            }
        }
    }

    private static Object sample(Class<?> type) {
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == String.class) {
            return "x";
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type == InetSocketAddress.class) {
            return new InetSocketAddress("127.0.0.1", 1);
        }
        if (type == HealthStatus.class) {
            return HealthStatus.HEALTHY;
        }
        if (type == LoadBalancerSpec.class) {
            return specBuilder("sample").listener(Listener.tcp(0).backendService(BackendService.builder("s")
                    .healthCheck(HealthCheck.none()).staticServers(io.nlb4j.model.StaticServer.of("127.0.0.1", 1))))
                    .build();
        }
        if (type == LoadBalancerOptions.class) {
            return options();
        }
        if (type == FaultTarget.class) {
            return FaultTarget.service("web");
        }
        if (type == Fault.class) {
            return Fault.latency(Duration.ofMillis(1), Duration.ZERO);
        }
        if (type == SocketTransport.class) {
            return SocketTransport.AUTO;
        }
        return null; // a type with no sample: the call fails on that argument first, which the message shows
    }
}
