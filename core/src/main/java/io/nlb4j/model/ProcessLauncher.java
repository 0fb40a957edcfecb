package io.nlb4j.model;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts each instance as an operating-system process: the settings only; the availability group's runtime
 * runs the processes.
 *
 * <p>Every argument of the command and every environment value may hold the placeholders
 * {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and {@code {group}}. When the
 * instance's port is {@code 0}, a free port is chosen before the process starts. The instance is ready
 * when its port accepts a TCP connection; if that does not happen within {@code readyTimeout}, or the
 * process exits first, the launch fails and the process is stopped. The process's standard output and
 * error go to SLF4J, logger {@code io.nlb4j.instance}, each line tagged with the instance id. Stopping
 * sends a graceful termination signal, waits {@code stopGracePeriod}, then kills the process and its
 * descendants.
 */
public final class ProcessLauncher implements InstanceLauncher {

    /** Default time a process has to accept connections, in seconds. */
    public static final long DEFAULT_READY_TIMEOUT_SECONDS = 30;
    /** Default time a stopping process has before it is killed, in seconds. */
    public static final long DEFAULT_STOP_GRACE_PERIOD_SECONDS = 10;

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
     * @param command the program and its arguments, with placeholders
     * @return a builder
     */
    public static Builder builder(String... command) {
        return builder(Arrays.asList(command));
    }

    /**
     * Starts building a process launcher.
     *
     * @param command the program and its arguments, with placeholders
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
         * @param environment the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Lists.copy(environment);
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder workingDirectory(String directory) {
            this.workingDirectory = directory;
            return this;
        }

        /**
         * Sets how long a process has to accept connections. Default {@value #DEFAULT_READY_TIMEOUT_SECONDS}s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a stopping process has before it is killed. Default
         * {@value #DEFAULT_STOP_GRACE_PERIOD_SECONDS}s.
         *
         * @param gracePeriod zero or a positive duration
         * @return this builder
         */
        public Builder stopGracePeriod(Duration gracePeriod) {
            this.stopGracePeriod = gracePeriod;
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
