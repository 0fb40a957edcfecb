package io.nlb4j.samples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands. */
final class ConfigFile {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The specification: a .yaml, .yml or .json file.")
    Path path;
}
