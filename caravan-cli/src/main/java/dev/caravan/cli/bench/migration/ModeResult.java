package dev.caravan.cli.bench.migration;

import dev.caravan.wire.node.MigrationReport;

import java.util.List;

/**
 * What one migration did and what its clients saw.
 *
 * @param report      the node's report
 * @param startNs     when the migration was asked for (System.nanoTime of this JVM)
 * @param endNs       when its report arrived
 * @param latency     client requests whose intended send time lies in [startNs, endNs)
 * @param plotLatency client requests from a little before to a little after, for the figure
 * @param failures    failed requests (clients and writer) since the previous migration ended
 * @param lostWrites  acknowledged writes found missing after this migration
 * @param writerBytesPerSec the writer's achieved dirtying rate during the migration
 */
public record ModeResult(MigrationReport report, long startNs, long endNs, SteadyClients.Samples latency,
                         SteadyClients.Samples plotLatency, List<FailureLog.Failure> failures, List<String> lostWrites,
                         double writerBytesPerSec) {
    public String mode() {
        return report.mode().label();
    }

    public double totalSec() {
        return report.totalMs() / 1000.0;
    }

    public double downtimeMs() {
        return report.downtimeMicros() / 1000.0;
    }

    public boolean committed() {
        return report.outcome() == dev.caravan.wire.node.MigrationOutcome.COMMITTED;
    }
}
