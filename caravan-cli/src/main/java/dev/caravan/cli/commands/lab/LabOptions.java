package dev.caravan.cli.commands.lab;

import dev.caravan.lab.LabSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every {@code caravan lab} subcommand shares. */
public final class LabOptions {
    @Option(names = "--out", defaultValue = "lab-results", description = "Output directory for JSON, PNG and HTML (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--duration", defaultValue = "1000", description = "Milliseconds per timed run of one solution (default: ${DEFAULT-VALUE}).")
    long durationMs;

    @Option(names = "--size", defaultValue = "1", description = "Multiplier for counts and rounds; 0.1 is a quick run (default: ${DEFAULT-VALUE}).")
    double size;

    LabSettings settings() {
        try {
            return new LabSettings(out, durationMs, size);
        } catch (IllegalArgumentException e) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception(e.getMessage());
        }
    }
}
