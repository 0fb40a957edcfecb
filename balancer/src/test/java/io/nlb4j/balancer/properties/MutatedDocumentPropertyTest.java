package io.nlb4j.balancer.properties;

import io.nlb4j.config.ConfigException;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every document made by mutating a valid one — keys deleted, duplicated or renamed, values of the wrong type,
 * extreme numbers and durations, long strings, unicode and control characters, deep nesting, anchors, aliases,
 * merge keys and tags, characters spliced in, lines duplicated, the text truncated or oversized, invalid UTF-8 in
 * a file — reads as a valid specification (which then writes and reads back as itself), or is refused with a
 * {@link ConfigException} whose every problem names a path (or, alone, the whole document) within the documented
 * lengths. Nothing else escapes: no other exception, no {@link StackOverflowError}, no {@link OutOfMemoryError}.
 */
class MutatedDocumentPropertyTest {

    static final int TRIES = 1500;

    @TempDir
    Path dir;

    @Test
    void everyMutatedDocumentGivesASpecOrProblemsWithPaths(TestReporter reporter) {
        Property.forAll("every mutated document gives a spec or problems with paths",
                        r -> DocumentCase.generate(r, SpecGen.valid(r, SpecGen.Env.files()).build(), false))
                .tries(TRIES)
                .shrinkWith(c -> c.shrink(path -> true))
                .describeWith(DocumentCase::describe)
                .check(reporter, this::read);
    }

    private String read(DocumentCase c) throws Exception {
        String text = c.render();
        LoadBalancerSpec spec;
        try {
            if (c.bytes().isEmpty()) {
                spec = SpecFiles.read(text, c.format());
            } else {
                byte[] bytes = c.renderBytes();
                Path file = Files.createTempFile(dir, "spec", c.format() == ConfigFormat.JSON ? ".json" : ".yaml");
                Files.write(file, bytes);
                text = new String(bytes, StandardCharsets.UTF_8);
                try {
                    spec = SpecFiles.read(file);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        } catch (ConfigException e) {
            String label = Checks.refusal(e, text, c.bytes().isEmpty() ? c.format().name()
                    .toLowerCase(java.util.Locale.ROOT) + " text" : e.source());
            Checks.require(!c.unmutated(), "an unmutated document is refused", e.getMessage());
            return label;
        }
        if (c.unmutated()) {
            Checks.require(spec.equals(c.base()), "an unmutated document reads differently",
                    SpecFileRoundTripPropertyTest.describe(spec));
        }
        Checks.writesAndReadsBack(spec);
        return "valid spec";
    }
}
