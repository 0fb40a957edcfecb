package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the model, called by reflection with {@code null} for each of its object
 * parameters in turn: it must fail at once with a {@link NullPointerException} (or an
 * {@link IllegalArgumentException}) whose message names the parameter, unless the parameter is one of the few
 * whose documentation says what {@code null} means (see the package documentation), listed below. A method added
 * later is covered as soon as it exists.
 */
class NullArgumentsTest {

    /**
     * The parameters that take {@code null}, as their Javadoc says: a value the specification requires and a file
     * may leave out, reported as {@code absent} when built; a list element or a builder added to a list, reported
     * likewise; or an optional text, where {@code null} means none or the default.
     */
    private static final Set<String> NULL_ACCEPTED = Set.of(
            // required values and builders added to lists: reported as absent when built
            "LoadBalancerSpec.builder(String)#0",
            "LoadBalancerSpec.Builder.name(String)#0",
            "LoadBalancerSpec.Builder.securityGroup(Builder)#0",
            "LoadBalancerSpec.Builder.listener(Builder)#0",
            "PlacedBuilder.region(String)#0",
            "PlacedBuilder.vpc(String)#0",
            "Placement.of(String,String,String[])#0",
            "Placement.of(String,String,String[])#1",
            "BackendService.builder(String)#0",
            "BackendService.Builder.staticServer(Builder)#0",
            "BackendService.Builder.provider(String,Map)#0",
            "ServerSource.provider(String,Map)#0",
            "HealthCheck.sendExpect(String,String)#0",
            "HealthCheck.sendExpect(String,String)#1",
            "HealthCheck.SendExpect.Builder.send(String)#0",
            "HealthCheck.SendExpect.Builder.expect(String)#0",
            "InboundRule.allow(String)#0",
            "InboundRule.deny(String)#0",
            "InboundRule.builder(Action,String)#0",
            "InboundRule.builder(Action,String)#1",
            "InboundRule.Builder.action(Action)#0",
            "InboundRule.Builder.source(String)#0",
            "SecurityGroup.builder(String)#0",
            "SecurityGroup.of(String,InboundRule[])#0",
            "SecurityGroup.Builder.rule(Builder)#0",
            "StaticServer.builder(String)#0",
            "StaticServer.of(String)#0",
            "StaticServer.of(String,int)#0",
            "AvailabilityGroup.builder(String)#0",
            "AvailabilityGroup.Builder.template(Builder)#0",
            "AvailabilityGroup.Builder.capacity(Integer,Integer,Integer)#0",
            "AvailabilityGroup.Builder.capacity(Integer,Integer,Integer)#1",
            "AvailabilityGroup.Builder.capacity(Integer,Integer,Integer)#2",
            "InstanceTemplate.builder(String)#0",
            "InstanceTemplate.Builder.label(String,String)#0",
            "InstanceTemplate.Builder.label(String,String)#1",
            "TargetTracking.builder(Integer)#0",
            "ProcessLauncher.builder(List)#0",
            // optional texts: none, or the default
            "PlacedBuilder.subnet(String)#0",
            "Listener.Builder.name(String)#0",
            "HealthCheck.http(String)#0",
            "HealthCheck.Http.Builder.path(String)#0",
            "HealthCheck.Http.Builder.host(String)#0",
            "HealthCheck.Http.Builder.expectBody(String)#0",
            "ProcessLauncher.Builder.workingDirectory(String)#0",
            "BackendService.Builder.provider(String,Map)#1",
            "ServerSource.provider(String,Map)#1");

    @Test
    void everyPublicMethodRejectsANullArgumentAtOnceNamingTheParameterOrTakesItAsDocumented() {
        List<String> problems = new ArrayList<>();
        Set<String> accepted = new HashSet<>();
        int checked = 0;
        for (Executable e : ModelApi.publicExecutables()) {
            Parameter[] parameters = e.getParameters();
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i].getType().isPrimitive()) {
                    continue;
                }
                checked++;
                String key = ModelApi.signature(e) + '#' + i;
                String name = parameters[i].getName();
                Throwable thrown = null;
                try {
                    ModelApi.invoke(e, ModelApi.arguments(e, i, null));
                } catch (Throwable t) {
                    thrown = t;
                }
                if (NULL_ACCEPTED.contains(key)) {
                    accepted.add(key);
                    // null means missing or none: no exception, or, from a factory that builds at once, the
                    // missing value reported
                    if (thrown != null && !(thrown instanceof SpecValidationException sve
                            && sve.violations().stream().anyMatch(v -> v.value().equals("absent")))) {
                        problems.add(key + " (" + name + "): documented to take null, but threw " + thrown);
                    }
                } else if (!(thrown instanceof NullPointerException || thrown instanceof IllegalArgumentException)
                        || thrown.getMessage() == null || !thrown.getMessage().contains(name)) {
                    problems.add(key + " (" + name + "): expected a NullPointerException naming \"" + name
                            + "\", got " + thrown);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " parameters mishandle null:\n  " + String.join("\n  ", problems));
        }
        assertThat(accepted).as("parameters listed as taking null that no longer exist")
                .containsExactlyInAnyOrderElementsOf(NULL_ACCEPTED);
        assertThat(checked).as("object parameters checked").isGreaterThan(120);
    }

    @Test
    void aNullElementOfAListOfValuesIsNamedByItsIndex() {
        StaticServer server = StaticServer.of("10.0.0.1");
        List<StaticServer> servers = new ArrayList<>();
        servers.add(server);
        servers.add(null);
        assertThatThrownBy(() -> ServerSource.staticServers(servers))
                .isInstanceOf(NullPointerException.class).hasMessage("servers[1]");
        BackendService.Builder service = ModelApi.service();
        assertThatThrownBy(() -> service.staticServers(servers))
                .isInstanceOf(NullPointerException.class).hasMessage("servers[1]");
        assertThat(service.build().servers()).as("unchanged by the failed call")
                .isEqualTo(ServerSource.staticServers(StaticServer.of("10.0.0.1")));
        assertThatThrownBy(() -> SecurityGroup.of("office",
                        InboundRule.allow("10.0.0.0/8"), null))
                .isInstanceOf(NullPointerException.class).hasMessage("rules[1]");
    }
}
