package io.nlb4j.samples.cli;

import io.nlb4j.control.Failures;
import io.nlb4j.model.Violation;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The nlb4j command line: {@code java -jar nlb4j.jar run --config lb.yaml} runs a load balancer from a
 * specification file until interrupted; {@code validate --config lb.yaml [--cloud]} checks one.
 */
@Command(name = "nlb4j", mixinStandardHelpOptions = true, version = "nlb4j 0.1.0-SNAPSHOT",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the command could not do its job (invalid file, port in use, ...)",
            "2:a usage mistake (unknown command or option, missing --config)"},
        description = "Runs and checks nlb4j load balancers described in YAML or JSON files.",
        subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class Nlb4j implements Runnable {

    /** Exit code of a command that could not do its job: bad file, invalid specification, port in use. */
    static final int FAILED = 1;

    /** Exit code of a usage mistake: an unknown command or option, or a missing or malformed option. */
    static final int USAGE = 2;

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
     * code {@value #FAILED}; a usage mistake (unknown command or option, missing option) is one line on
     * standard error and exit code {@value #USAGE}. Never a stack trace.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Nlb4j())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("nlb4j: " + Failures.sentence(e));
                    cmd.getErr().flush();
                    return FAILED;
                })
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println("nlb4j: " + usageProblem(e) + "; see '"
                            + cmd.getCommandSpec().qualifiedName() + " --help'");
                    cmd.getErr().flush();
                    return USAGE;
                });
    }

    /** One line: what was wrong with the command line, with picocli's suggestions if it has any. */
    private static String usageProblem(CommandLine.ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException) {
            CommandLine.UnmatchedArgumentException u = (CommandLine.UnmatchedArgumentException) e;
            List<String> unmatched = u.getUnmatched();
            Set<String> commands = cmd.getSubcommands().keySet();
            if (!commands.isEmpty() && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
                message = "unknown command " + Violation.quoted(unmatched.get(0)) + " (expected: one of "
                        + String.join(", ", commands) + ')';
            }
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + '?';
            }
        }
        return message.strip().replace(System.lineSeparator(), " ").replace('\n', ' ');
    }
}
