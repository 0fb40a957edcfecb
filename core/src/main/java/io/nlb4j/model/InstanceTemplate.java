package io.nlb4j.model;

import io.nlb4j.group.InstanceLauncher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one instance of an availability group is and how it is started.
 *
 * @param name the template's name
 * @param launcher starts an instance
 * @param port the port instances serve traffic on; absent means the backend service's port; {@code 0} lets
 *        each instance bind an ephemeral port and report it (local runs and tests)
 * @param labels free-form labels passed to the launcher
 */
public record InstanceTemplate(String name, InstanceLauncher launcher, Optional<Integer> port,
                               Map<String, String> labels) {

    /**
     * Creates a template; absent values are read as empty.
     */
    public InstanceTemplate {
        port = port == null ? Optional.empty() : port;
        labels = Lists.copy(labels);
    }

    /**
     * Starts building a template.
     *
     * @param name the template's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds an {@link InstanceTemplate}. */
    public static final class Builder {
        private final String name;
        private InstanceLauncher launcher;
        private Integer port;
        private final Map<String, String> labels = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Sets how instances are started. Required.
         *
         * @param launcher the launcher
         * @return this builder
         */
        public Builder launcher(InstanceLauncher launcher) {
            this.launcher = Objects.requireNonNull(launcher, "launcher");
            return this;
        }

        /**
         * Sets the port instances serve traffic on, instead of the backend service's port.
         *
         * @param port 1-65535, or 0 to let each instance bind an ephemeral port and report it
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Adds a label.
         *
         * @param key the label's key
         * @param value the label's value
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Builds and validates the template.
         *
         * @return the template
         * @throws SpecValidationException listing every violation
         */
        public InstanceTemplate build() {
            InstanceTemplate t = new InstanceTemplate(name, launcher, Optional.ofNullable(port), labels);
            SpecValidator.throwIfInvalid("instance template \"" + name + '"', v -> v.template(t, ""));
            return t;
        }
    }
}
