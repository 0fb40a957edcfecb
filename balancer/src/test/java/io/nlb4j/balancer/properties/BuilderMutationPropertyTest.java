package io.nlb4j.balancer.properties;

import static io.nlb4j.balancer.properties.Checks.require;

import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.SpecValidationException;
import io.nlb4j.model.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Builders given wrong values in random places — names out of the rules and of a megabyte, blank texts, ports and
 * weights out of range, durations zero, negative or beyond the longest, duplicate listeners, zones not served —
 * either build a valid specification (which then writes and reads back as itself) or throw one
 * {@link SpecValidationException} whose every violation names its path, within the documented message length.
 * Nothing else escapes.
 */
class BuilderMutationPropertyTest {

    static final int TRIES = 1000;
    private static final double[] BAD_RATES = {0.01, 0.03, 0.1, 0.3};

    @Test
    void aMutatedBuilderGivesAValidSpecOrViolationsWithPaths(TestReporter reporter) {
        Property.forAll("a mutated builder gives a valid spec or violations with paths",
                        r -> SpecGen.mutated(r, BAD_RATES[r.nextInt(BAD_RATES.length)]))
                .tries(TRIES)
                .shrinkWith(b -> {
                    try {
                        return SpecShrink.candidates(b.build()).map(LoadBalancerSpec::toBuilder);
                    } catch (RuntimeException e) {
                        return java.util.stream.Stream.empty(); // invalid builders are not shrunk
                    }
                })
                .describeWith(b -> {
                    try {
                        return "a valid builder:\n" + SpecFileRoundTripPropertyTest.describe(b.build());
                    } catch (SpecValidationException e) {
                        return "an invalid builder: " + Docs.visible(e.getMessage(), 6000);
                    } catch (RuntimeException e) {
                        return "a builder whose build() throws " + e;
                    }
                })
                .check(reporter, builder -> {
                    LoadBalancerSpec spec;
                    try {
                        spec = builder.build();
                    } catch (SpecValidationException e) {
                        require(!e.violations().isEmpty(), "no violations", e.getMessage());
                        require(e.violations().equals(builder.violations()), "violations() differs from build()",
                                e.violations() + " vs " + builder.violations());
                        String message = e.getMessage();
                        require(message.length() <= SpecValidationException.MAX_MESSAGE_LENGTH, "message too long",
                                message.length() + " characters");
                        require(message.lines().allMatch(Checks::noControl), "control character in the message",
                                Docs.visible(message, 2000));
                        for (Violation v : e.violations()) {
                            require(!v.path().isEmpty(), "violation without a path", v.toString());
                            require(Checks.noControl(v.toString()), "control character in a violation",
                                    Docs.visible(v.toString(), 600));
                            require(v.value().length() <= SpecValidationException.MAX_VALUE_LENGTH + 2 + Checks.CUT_TAIL
                                    || v.value().startsWith("["), "violation value too long",
                                    v.value().length() + " characters: " + Docs.visible(v.toString(), 600));
                        }
                        return "violations";
                    }
                    Checks.writesAndReadsBack(spec);
                    return "valid";
                });
    }
}
