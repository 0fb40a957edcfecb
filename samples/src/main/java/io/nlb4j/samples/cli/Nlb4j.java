package io.nlb4j.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The nlb4j command line: {@code java -jar nlb4j.jar run --config lb.yaml} runs a load balancer from a
 * specification file until interrupted; {@code validate --config lb.yaml [--cloud]} checks one.
 */
@Command(name = "nlb4j", mixinStandardHelpOptions = true, version = "nlb4j 0.1.0-SNAPSHOT",
        description = "Runs and checks nlb4j load balancers described in YAML or JSON files.",
        subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class Nlb4j implements Runnable {

    /** Exit code of a command that could not do its job: bad file, invalid specification, port in use. */
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command. */
    public Nlb4j() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run or validate");
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        System.exit(commandLine().execute(args));
    }

    /**
     * Builds the command line with nlb4j's error handling: a failure is one line on standard error and exit
     * code {@value #FAILED}, never a stack trace.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Nlb4j())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("nlb4j: " + e.getMessage());
                    return FAILED;
                });
    }
}
