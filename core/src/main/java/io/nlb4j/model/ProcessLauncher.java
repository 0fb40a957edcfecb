package io.nlb4j.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts each instance as an operating-system process: the settings only; the availability group's runtime
 * runs the processes.
 *
 * <p>When the instance's port is {@code 0}, a free port is chosen before the process starts. The instance is ready
 * when its port accepts a TCP connection; if that does not happen within {@code readyTimeout}, or the
 * process exits first, the launch fails and the process is stopped. The process's standard output and
 * error go to SLF4J, logger {@code io.nlb4j.instance}, each line tagged with the instance id. Stopping
 * sends a graceful termination signal, waits {@code stopGracePeriod}, then kills the process and its
 * descendants.
 *
 * <p><b>Placeholders.</b> Every argument of the command (the program too) and every environment value may hold
 * the placeholders {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and {@code {group}}
 * ({@link #PLACEHOLDERS}); {@link #commandFor(InstanceContext)} and {@link #environmentFor(InstanceContext)}
 * replace them, in one pass (a replaced value is not read again). A literal brace is written twice:
 * <code>&#123;&#123;</code> stands for <code>&#123;</code> and <code>&#125;&#125;</code> for <code>&#125;</code>,
 * so that {@code --json={{"port": {port}}}} becomes {@code --json={"port": 8080}}. Any other brace, such as the
 * misspelled {@code {prot}}, is reported when the launcher is built, with its path:
 * {@code command[2]: "--port={prot}" (expected: placeholders among {port}, {host}, {instanceId}, {zone}, {group};
 * {{ and }} for literal braces)}. The working directory is taken as it is, braces included.
 *
 * <p>No argument, environment variable or working directory may hold a NUL character, and variable names are
 * neither blank nor hold {@code =}: no operating system could start such a process, so they are reported when the
 * launcher is built rather than at every launch.
 */
public final class ProcessLauncher implements InstanceLauncher {

    /** Default time a process has to accept connections, in seconds. */
    public static final long DEFAULT_READY_TIMEOUT_SECONDS = 30;
    /** Default time a stopping process has before it is killed, in seconds. */
    public static final long DEFAULT_STOP_GRACE_PERIOD_SECONDS = 10;
    /**
     * The placeholders' names: {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and
     * {@code {group}} are replaced by the instance's port, listening address, identifier, availability zone and
     * availability group name.
     */
    public static final List<String> PLACEHOLDERS = List.of("port", "host", "instanceId", "zone", "group");

    private final List<String> command;
    private final Map<String, String> environment;
    private final Optional<String> workingDirectory;
    private final Duration readyTimeout;
    private final Duration stopGracePeriod;

    private ProcessLauncher(Builder b) {
        this.command = List.copyOf(b.command);
        this.environment = Map.copyOf(b.environment);
        this.workingDirectory = Optional.ofNullable(b.workingDirectory);
        this.readyTimeout = b.readyTimeout();
        this.stopGracePeriod = b.stopGracePeriod();
    }

    /**
     * Starts building a process launcher.
     *
     * @param command the program and its arguments, with placeholders; a {@code null} element is reported when
     *        the launcher is built
     * @return a builder
     */
    public static Builder builder(String... command) {
        return builder(Arrays.asList(Objects.requireNonNull(command, "command")));
    }

    /**
     * Starts building a process launcher.
     *
     * @param command the program and its arguments, with placeholders; {@code null} (no command, as a file may
     *        leave it out) and {@code null} elements are reported when the launcher is built
     * @return a builder
     */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /**
     * Returns a builder holding this launcher's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = builder(command).environment(environment).readyTimeout(readyTimeout)
                .stopGracePeriod(stopGracePeriod);
        b.workingDirectory = workingDirectory.orElse(null);
        return b;
    }

    /**
     * Returns the program and its arguments.
     *
     * @return the command, with placeholders
     */
    public List<String> command() {
        return command;
    }

    /**
     * Returns the command that starts one instance: the command with every placeholder replaced by the instance's
     * value and every doubled brace by a single one.
     *
     * @param instance the instance; {@code {port}} is its {@link InstanceContext#port() port}, so a caller that
     *        chose a free port for an instance of port {@code 0} passes a context holding that port
     * @return the program and its arguments, as the process gets them
     */
    public List<String> commandFor(InstanceContext instance) {
        Map<String, String> values = Placeholders.of(Objects.requireNonNull(instance, "instance"));
        List<String> out = new ArrayList<>(command.size());
        for (String arg : command) {
            out.add(Placeholders.expand(arg, values)); // well formed: validated when built
        }
        return List.copyOf(out);
    }

    /**
     * Returns the extra environment variables of one instance, with the placeholders of their values replaced
     * as {@link #commandFor(InstanceContext)} does.
     *
     * @param instance the instance
     * @return the variables, as the process gets them
     */
    public Map<String, String> environmentFor(InstanceContext instance) {
        Map<String, String> values = Placeholders.of(Objects.requireNonNull(instance, "instance"));
        Map<String, String> out = new LinkedHashMap<>();
        environment.forEach((name, value) -> out.put(name, Placeholders.expand(value, values)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns the extra environment variables.
     *
     * @return the variables, with placeholders in their values
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Returns the working directory.
     *
     * @return the directory; empty means this JVM's
     */
    public Optional<String> workingDirectory() {
        return workingDirectory;
    }

    /**
     * Returns how long a process has to accept connections.
     *
     * @return the timeout; {@value #DEFAULT_READY_TIMEOUT_SECONDS}s by default
     */
    public Duration readyTimeout() {
        return readyTimeout;
    }

    /**
     * Returns how long a stopping process has before it is killed.
     *
     * @return the grace period; {@value #DEFAULT_STOP_GRACE_PERIOD_SECONDS}s by default
     */
    public Duration stopGracePeriod() {
        return stopGracePeriod;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessLauncher p && command.equals(p.command) && environment.equals(p.environment)
                && workingDirectory.equals(p.workingDirectory) && readyTimeout.equals(p.readyTimeout)
                && stopGracePeriod.equals(p.stopGracePeriod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, environment, workingDirectory, readyTimeout, stopGracePeriod);
    }

    @Override
    public String toString() {
        return "process" + command;
    }

    /** Builds a {@link ProcessLauncher}. */
    public static final class Builder {
        List<String> command;
        Map<String, String> environment = Map.of();
        String workingDirectory;
        Duration readyTimeout;
        Duration stopGracePeriod;

        private Builder(List<String> command) {
            this.command = command == null ? null : Lists.copy(command);
        }

        /**
         * Sets extra environment variables; values may hold placeholders.
         *
         * @param environment the variables; a {@code null} name or value is reported when the launcher is built
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Lists.copy(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Sets the working directory. Default this JVM's.
         *
         * @param directory the directory, or {@code null} for this JVM's
         * @return this builder
         */
        public Builder workingDirectory(String directory) {
            this.workingDirectory = directory;
            return this;
        }

        /**
         * Sets how long a process has to accept connections. Default {@value #DEFAULT_READY_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long a stopping process has before it is killed. Default
         * {@value #DEFAULT_STOP_GRACE_PERIOD_SECONDS}s.
         *
         * @param gracePeriod zero or a positive duration, at most {@link Durations#MAX_DURATION}
         * @return this builder
         */
        public Builder stopGracePeriod(Duration gracePeriod) {
            this.stopGracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
            return this;
        }

        Duration readyTimeout() {
            return readyTimeout == null ? Duration.ofSeconds(DEFAULT_READY_TIMEOUT_SECONDS) : readyTimeout;
        }

        Duration stopGracePeriod() {
            return stopGracePeriod == null ? Duration.ofSeconds(DEFAULT_STOP_GRACE_PERIOD_SECONDS) : stopGracePeriod;
        }

        /**
         * Builds and validates the launcher.
         *
         * @return the launcher
         * @throws SpecValidationException listing every violation
         */
        public ProcessLauncher build() {
            SpecValidator.throwIfInvalid("process launcher", v -> v.processLauncher("", this));
            return make();
        }

        ProcessLauncher make() {
            return new ProcessLauncher(this);
        }

        Builder copy() {
            Builder b = new Builder(command);
            b.environment = environment;
            b.workingDirectory = workingDirectory;
            b.readyTimeout = readyTimeout;
            b.stopGracePeriod = stopGracePeriod;
            return b;
        }
    }
}
