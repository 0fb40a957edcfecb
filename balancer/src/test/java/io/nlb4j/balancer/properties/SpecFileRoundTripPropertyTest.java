package io.nlb4j.balancer.properties;

import static io.nlb4j.balancer.properties.Checks.require;

import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * For every valid specification the builders make, writing it and reading it back gives the same specification,
 * in YAML and in JSON, and writing is stable; a part that cannot be written is refused by name.
 */
class SpecFileRoundTripPropertyTest {

    static final int ROUND_TRIP_TRIES = 500;
    static final int UNWRITABLE_TRIES = 50;

    @Test
    void writeThenReadIsIdentityInYaml(TestReporter reporter) {
        roundTrip(ConfigFormat.YAML, reporter);
    }

    @Test
    void writeThenReadIsIdentityInJson(TestReporter reporter) {
        roundTrip(ConfigFormat.JSON, reporter);
    }

    private static void roundTrip(ConfigFormat format, TestReporter reporter) {
        Property.forAll("write then read is identity (" + format + ")",
                        r -> SpecGen.valid(r, SpecGen.Env.files()).build())
                .tries(ROUND_TRIP_TRIES)
                .shrinkWith(SpecShrink::candidates)
                .describeWith(SpecFileRoundTripPropertyTest::describe)
                .check(reporter, spec -> {
                    String text = SpecFiles.write(spec, format);
                    LoadBalancerSpec back;
                    try {
                        back = SpecFiles.read(text, format);
                    } catch (io.nlb4j.config.ConfigException e) {
                        throw new AssertionError("written " + format + " does not read back ("
                                + (e.problems().isEmpty() ? "" : e.problems().get(0).path().replaceAll("\\[\\d+]",
                                "[]")) + "): " + Docs.visible(e.getMessage(), 3000), e);
                    }
                    require(back.equals(spec), "read back different", "wrote\n" + Docs.visible(text, 6000)
                            + "\n--- read back and written again\n" + Docs.visible(SpecFiles.write(back, format), 6000));
                    require(SpecFiles.write(back, format).equals(text), "writing is not stable",
                            Docs.visible(text, 3000));
                    io.nlb4j.model.CloudCompatibility.check(spec);
                    return sources(spec);
                });
    }

    /** A launcher made from a lambda cannot be written; writing says so naming the field, whatever else is there. */
    @Test
    void anUnwritableLauncherIsRefusedByItsPath(TestReporter reporter) {
        Property.forAll("an in-process launcher made from a lambda is refused by path when written", r -> {
                    LoadBalancerSpec base = SpecGen.valid(r, SpecGen.Env.files()).build();
                    int index = r.nextInt(base.listeners().size() + 1);
                    LoadBalancerSpec.Builder b = base.toBuilder().clearListeners();
                    for (int i = 0; i <= base.listeners().size(); i++) {
                        if (i == index) {
                            b.listener(Listener.tcp(0).backendService(BackendService.builder("lambda-" + r.nextInt(1000))
                                    .port(9000).availabilityGroup(AvailabilityGroup.builder("lambda-group")
                                            .placement(base.placement())
                                            .template(InstanceTemplate.builder("t")
                                                    .launcher(InstanceLauncher.inProcess(ctx -> null))))));
                        }
                        if (i < base.listeners().size()) {
                            b.listener(base.listeners().get(i));
                        }
                    }
                    return new Object[] {b.build(), index};
                })
                .tries(UNWRITABLE_TRIES)
                .describeWith(c -> describe((LoadBalancerSpec) c[0]))
                .check(reporter, c -> {
                    LoadBalancerSpec spec = (LoadBalancerSpec) c[0];
                    int index = (Integer) c[1];
                    String expected = "listeners[" + index + "].backendService.servers.availabilityGroup.template"
                            + ".launcher.inProcess";
                    for (ConfigFormat format : ConfigFormat.values()) {
                        try {
                            SpecFiles.write(spec, format);
                            throw new AssertionError("written: a lambda launcher was written as " + format);
                        } catch (IllegalArgumentException e) {
                            require(e.getMessage() != null && e.getMessage().startsWith(expected + ": "),
                                    "refusal without the path", "expected " + expected + ", got: " + e.getMessage());
                        }
                    }
                    return "refused";
                });
    }

    static String sources(LoadBalancerSpec spec) {
        return spec.listeners().stream().map(l -> l.backendService().servers()).map(s -> s instanceof ServerSource.Static
                ? "static" : s instanceof ServerSource.Group ? "group" : "provider").distinct().sorted()
                .collect(Collectors.joining("+"));
    }

    /**
     * A specification as JSON, every character that is not plain shown by its code ({@code \uD800}): what the
     * values hold exactly, which a YAML rendering could hide.
     */
    static String describe(LoadBalancerSpec spec) {
        try {
            return Docs.visible(SpecFiles.write(spec, ConfigFormat.JSON), 8000);
        } catch (RuntimeException e) {
            return spec.toString();
        }
    }
}
