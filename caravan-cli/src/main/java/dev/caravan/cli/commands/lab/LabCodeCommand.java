package dev.caravan.cli.commands.lab;

import dev.caravan.cli.bench.code.CodeLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code caravan lab code}: remote evaluation against client-server over the same data. */
@Command(name = "code", mixinStandardHelpOptions = true,
        description = {"Remote evaluation against client-server: count the values matching a pattern in a KV process,"
                + " once by fetching every value to the client, once by shipping a counting function to the data;"
                + " bytes moved and time, as a table, JSON and PNG plots. Starts a 1-node local cluster.",
                "  caravan lab code --size 1g"})
public final class LabCodeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "lab-results", description = "Output directory for JSON and PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--size", defaultValue = "64m", converter = dev.caravan.cli.options.SizeConverter.class, description = "Bytes of values to load, e.g. 64m, 1g (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--value-bytes", defaultValue = "1024", description = "Bytes per value (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each approach, alternating (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--work-dir", hidden = true, defaultValue = ".caravan/lab-code", description = "Where the cluster keeps its files.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        CodeLab lab;
        try {
            lab = new CodeLab(size, valueBytes, runs, out, workDir);
        } catch (dev.caravan.wire.CaravanException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        var result = lab.run(LabRunner.progress(System.err));
        LabRunner.publish(result, out, System.out);
        return 0;
    }
}
