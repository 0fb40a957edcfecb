package io.nlb4j.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The file formats a load balancer specification can be read from and written to. */
public enum ConfigFormat {
    /** YAML 1.1, read with SnakeYAML. */
    YAML,
    /** JSON. */
    JSON;

    /**
     * Chooses the format from a file name: {@code .json} is JSON, {@code .yaml} and {@code .yml} are YAML.
     *
     * @param file the file
     * @return the format
     * @throws ConfigException if the extension is neither
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static ConfigFormat of(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        throw new ConfigException(file.toString(), List.of(new ConfigException.Problem("",
                '"' + file.toString() + '"', "a file name ending in .yaml, .yml or .json", 0, 0)));
    }
}
