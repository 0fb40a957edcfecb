package io.nlb4j.group;

import io.nlb4j.group.internal.BlockingLaunches;
import io.nlb4j.group.internal.ProcessInstance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Starts each instance as an operating-system process.
 *
 * <p>Every argument of the command and every environment value may hold the placeholders
 * {@code {port}}, {@code {host}}, {@code {instanceId}}, {@code {zone}} and {@code {group}}. When the
 * instance's port is {@code 0}, a free port is chosen before the process starts. The instance is ready
 * when its port accepts a TCP connection; if that does not happen within {@code readyTimeout}, or the
 * process exits first, the launch fails and the process is stopped. The process's standard output and
 * error go to SLF4J, logger {@code io.nlb4j.instance}, each line tagged with the instance id. Stopping
 * sends a graceful termination signal, waits {@code stopGracePeriod}, then kills the process and its
 * descendants. Cancelling a launch stops the process, also when it became ready at the same moment.
 *
 * @param command the program and its arguments, with placeholders
 * @param environment extra environment variables, with placeholders
 * @param workingDirectory the working directory; absent means this JVM's
 * @param readyTimeout how long the process has to accept connections; default {@value #DEFAULT_READY_TIMEOUT_SECONDS}s
 * @param stopGracePeriod how long a stopping process has before it is killed; default
 *        {@value #DEFAULT_STOP_GRACE_PERIOD_SECONDS}s
 */
public record ProcessLauncher(List<String> command, Map<String, String> environment, Optional<String> workingDirectory,
                              Duration readyTimeout, Duration stopGracePeriod) implements InstanceLauncher {

    /** Default time a process has to accept connections, in seconds. */
    public static final long DEFAULT_READY_TIMEOUT_SECONDS = 30;
    /** Default time a stopping process has before it is killed, in seconds. */
    public static final long DEFAULT_STOP_GRACE_PERIOD_SECONDS = 10;

    /**
     * Creates a process launcher; absent values take their defaults.
     */
    public ProcessLauncher {
        command = command == null ? List.of() : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        workingDirectory = workingDirectory == null ? Optional.empty() : workingDirectory;
        readyTimeout = readyTimeout == null ? Duration.ofSeconds(DEFAULT_READY_TIMEOUT_SECONDS) : readyTimeout;
        stopGracePeriod = stopGracePeriod == null ? Duration.ofSeconds(DEFAULT_STOP_GRACE_PERIOD_SECONDS)
                : stopGracePeriod;
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

    @Override
    public Mono<InstanceHandle> launch(InstanceContext context) {
        return BlockingLaunches.start(context.instanceId(), () -> ProcessInstance.start(this, context));
    }

    /** Builds a {@link ProcessLauncher}. */
    public static final class Builder {
        private final List<String> command;
        private Map<String, String> environment = Map.of();
        private String workingDirectory;
        private Duration readyTimeout;
        private Duration stopGracePeriod;

        private Builder(List<String> command) {
            this.command = List.copyOf(Objects.requireNonNull(command, "command"));
        }

        /**
         * Sets extra environment variables; values may hold placeholders.
         *
         * @param environment the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder workingDirectory(String directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how long a process has to accept connections.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long a stopping process has before it is killed.
         *
         * @param gracePeriod a non-negative duration
         * @return this builder
         */
        public Builder stopGracePeriod(Duration gracePeriod) {
            this.stopGracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
            return this;
        }

        /**
         * Builds the launcher. Its settings are validated with the specification that uses it.
         *
         * @return the launcher
         */
        public ProcessLauncher build() {
            return new ProcessLauncher(command, environment, Optional.ofNullable(workingDirectory), readyTimeout,
                    stopGracePeriod);
        }
    }
}
