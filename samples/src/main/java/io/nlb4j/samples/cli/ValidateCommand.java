package io.nlb4j.samples.cli;

import io.nlb4j.balancer.LoadBalancerOptions;
import io.nlb4j.balancer.MembershipProviders;
import io.nlb4j.config.ConfigException;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.CloudCompatibility;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Violation;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nlb4j validate --config FILE [--cloud]}: prints every problem of a specification file. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the file is valid (with --cloud: and within the cloud's ranges)",
            "1:the file is missing or invalid (with --cloud: or has values outside the cloud's ranges)",
            "2:a usage mistake"},
        description = {"Checks a load balancer specification file and prints every problem with its path.",
                "Exits 0 if the file is valid, 1 otherwise."})
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ConfigFile configFile;

    @Option(names = "--cloud", description = "Also report values outside the seed cloud's documented ranges.")
    boolean cloud;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadBalancerSpec lb;
        try {
            lb = SpecFiles.read(configFile.path);
        } catch (ConfigException e) {
            if (e.problems().size() == 1 && e.problems().get(0).path().isEmpty() && e.problems().get(0).line() == 0) {
                // Not a specification at all (missing, unreadable, empty, not .yaml/.yml/.json): one line.
                PrintWriter err = spec.commandLine().getErr();
                err.println("nlb4j: " + e.getMessage());
                err.flush();
                return Nlb4j.FAILED;
            }
            out.println(configFile.path + ": invalid, " + e.problems().size()
                    + (e.problems().size() == 1 ? " problem:" : " problems:"));
            e.problems().forEach(p -> out.println("  " + p));
            out.flush();
            return Nlb4j.FAILED;
        }
        List<String> providers = MembershipProviders.check(lb, LoadBalancerOptions.defaults());
        if (!providers.isEmpty()) {
            out.println(configFile.path + ": invalid, " + providers.size()
                    + (providers.size() == 1 ? " problem:" : " problems:"));
            providers.forEach(p -> out.println("  " + p));
            out.flush();
            return Nlb4j.FAILED;
        }
        if (cloud) {
            List<Violation> outside = CloudCompatibility.check(lb);
            if (!outside.isEmpty()) {
                out.println(configFile.path + ": valid for nlb4j, but " + outside.size()
                        + (outside.size() == 1 ? " value is" : " values are") + " outside the cloud's ranges:");
                outside.forEach(v -> out.println("  " + v));
                out.flush();
                return Nlb4j.FAILED;
            }
        }
        out.println(configFile.path + ": valid load balancer \"" + lb.name() + "\" with " + lb.listeners().size()
                + (lb.listeners().size() == 1 ? " listener" : " listeners") + (cloud ? ", within the cloud's ranges" : ""));
        out.flush();
        return 0;
    }
}
