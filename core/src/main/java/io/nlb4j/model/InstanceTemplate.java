package io.nlb4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one instance of an availability group is and how it is started.
 */
public final class InstanceTemplate {

    private final String name;
    private final InstanceLauncher launcher;
    private final OptionalInt port;
    private final Map<String, String> labels;
    private final OptionalInt maxConnections;

    private InstanceTemplate(Builder b) {
        this.name = b.name;
        this.launcher = b.inProcess != null ? b.inProcess : b.process.make();
        this.port = b.port == null ? OptionalInt.empty() : OptionalInt.of(b.port);
        this.labels = Map.copyOf(b.labels);
        this.maxConnections = b.maxConnections == null ? OptionalInt.empty() : OptionalInt.of(b.maxConnections);
    }

    /**
     * Starts building a template.
     *
     * @param name the template's name; {@code null} (not set, as a file may leave it out) is reported when the
     *        template is built
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Returns a builder holding this template's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(name).launcher(launcher).labels(labels);
        port.ifPresent(b::port);
        maxConnections.ifPresent(b::maxConnections);
        return b;
    }

    /**
     * Returns the template's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns how instances are started.
     *
     * @return the launcher
     */
    public InstanceLauncher launcher() {
        return launcher;
    }

    /**
     * Returns the port instances serve traffic on.
     *
     * @return the port; empty means the backend service's port; {@code 0} lets each instance bind an ephemeral
     *         port and report it (local runs and tests)
     */
    public OptionalInt port() {
        return port;
    }

    /**
     * Returns the most connections each instance is given at once: a full instance is skipped by every scheduling
     * algorithm, and a connection that finds every one full is refused.
     *
     * @return the limit per instance; empty for none
     */
    public OptionalInt maxConnections() {
        return maxConnections;
    }

    /**
     * Returns the free-form labels passed to the launcher.
     *
     * @return the labels
     */
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceTemplate t && name.equals(t.name) && launcher.equals(t.launcher)
                && port.equals(t.port) && labels.equals(t.labels) && maxConnections.equals(t.maxConnections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, launcher, port, labels, maxConnections);
    }

    @Override
    public String toString() {
        return "InstanceTemplate(" + name + ", " + launcher + (port.isPresent() ? ", port " + port.getAsInt() : "")
                + ')';
    }

    /** Builds an {@link InstanceTemplate}. */
    public static final class Builder {
        String name;
        InProcessLauncher inProcess;
        ProcessLauncher.Builder process;
        Integer port;
        Integer maxConnections;
        final Map<String, String> labels = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Limits the connections each instance is given at once. Default: no limit.
         *
         * @param max 1-{@value Listener#MAX_CONNECTIONS_LIMIT}
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Sets how instances are started. Required.
         *
         * @param launcher the launcher
         * @return this builder
         */
        public Builder launcher(InstanceLauncher launcher) {
            Objects.requireNonNull(launcher, "launcher");
            if (launcher instanceof InProcessLauncher l) {
                this.inProcess = l;
                this.process = null;
            } else {
                this.inProcess = null;
                this.process = ((ProcessLauncher) launcher).toBuilder();
            }
            return this;
        }

        /**
         * Sets a process launcher from a builder; it is validated with this template.
         *
         * @param launcher the launcher builder
         * @return this builder
         */
        public Builder launcher(ProcessLauncher.Builder launcher) {
            Objects.requireNonNull(launcher, "launcher");
            this.inProcess = null;
            this.process = launcher.copy();
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
         * @param key the label's key; {@code null} is reported when the template is built
         * @param value the label's value; {@code null} is reported when the template is built
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /**
         * Adds labels.
         *
         * @param labels the labels; a {@code null} key or value is reported when the template is built
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            this.labels.putAll(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /** The launcher, for validation. */
        Optional<Object> launcherDraft() {
            return Optional.ofNullable(inProcess != null ? inProcess : process);
        }

        /**
         * Builds and validates the template.
         *
         * @return the template
         * @throws SpecValidationException listing every violation
         */
        public InstanceTemplate build() {
            SpecValidator.throwIfInvalid(SpecValidator.named("instance template", name),
                    v -> v.template("", this));
            return make();
        }

        InstanceTemplate make() {
            return new InstanceTemplate(this);
        }

        Builder copy() {
            Builder b = new Builder(name);
            b.inProcess = inProcess;
            b.process = process == null ? null : process.copy();
            b.port = port;
            b.maxConnections = maxConnections;
            b.labels.putAll(labels);
            return b;
        }
    }
}
