package dev.caravan.cli.options;

import dev.caravan.launch.DaemonOptions;
import dev.caravan.launch.NodeMain;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The nodes' load-balancing options of a command that starts a cluster ({@code caravan up}),
 * passed to every node as {@code caravan node} takes them. Unset options keep the node's defaults.
 */
public final class BalanceOptions {
    @Option(names = "--balance", paramLabel = "MODE", description = "nodes' load balancing: off, push, pull or both (default: off)")
    String mode;

    @Option(names = "--balance-metric", paramLabel = "METRIC", description = "cpu, memory or rate (default: cpu)")
    String metric;

    @Option(names = "--balance-high", paramLabel = "FRACTION", description = "overload threshold (default: 0.8)")
    String high;

    @Option(names = "--balance-low", paramLabel = "FRACTION", description = "idle threshold (default: 0.3)")
    String low;

    @Option(names = "--balance-probes", paramLabel = "N", description = "nodes probed per decision (default: 3)")
    String probes;

    @Option(names = "--balance-period", paramLabel = "DURATION", description = "decision period (default: 1s)")
    String period;

    @Option(names = "--balance-cooldown", paramLabel = "DURATION", description = "a moved process stays put this long (default: 30s)")
    String cooldown;

    @Option(names = "--balance-rate-capacity", paramLabel = "N", description = "commands/s of a full node for the rate metric "
            + "(default: 10000)")
    String rateCapacity;

    /**
     * The node arguments for the options given, checked as the node would check them.
     *
     * @throws CommandLine.ParameterException (exit 2) when one does not fit
     */
    public List<String> nodeArgs(CommandLine commandLine) {
        List<String> args = new ArrayList<>();
        add(args, "--balance", mode);
        add(args, "--balance-metric", metric);
        add(args, "--balance-high", high);
        add(args, "--balance-low", low);
        add(args, "--balance-probes", probes);
        add(args, "--balance-period", period);
        add(args, "--balance-cooldown", cooldown);
        add(args, "--balance-rate-capacity", rateCapacity);
        try {
            NodeMain.checkBalanceArgs(args);
        } catch (DaemonOptions.UsageException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
        return args;
    }

    private static void add(List<String> args, String name, String value) {
        if (value != null) {
            args.add(name);
            args.add(value);
        }
    }
}
