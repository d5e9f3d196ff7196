package dev.caravan.cli;

import dev.caravan.launch.DaemonJvm;
import dev.caravan.launch.LocalCluster;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM settings of the daemons a command starts ({@code up}, {@code demo}): node heap and
 * extra JVM options on top of {@link DaemonJvm}'s defaults.
 */
public final class DaemonJvmOptions {
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = DaemonJvm.DEFAULT_HEAP,
            description = "Java heap of each node JVM (process data lives off-heap; default: ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "an extra option for every daemon JVM, e.g. --jvm-option=-XX:+UseG1GC (repeatable; given last, so it "
                    + "overrides the defaults: " + DaemonJvm.COLLECTOR + ", full JIT)")
    List<String> jvmOptions = new ArrayList<>();

    public String heap() {
        return heap;
    }

    public List<String> jvmOptions() {
        return List.copyOf(jvmOptions);
    }

    /** Applies these settings to {@code builder}; a bad size or option is refused before any JVM starts. */
    public LocalCluster.Builder applyTo(LocalCluster.Builder builder) {
        return builder.daemonJvm(heap, jvmOptions);
    }
}
