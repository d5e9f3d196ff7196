package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * The outcome of a migration, clone or checkpoint (reply of NODE_MIGRATE / NODE_CHECKPOINT).
 *
 * <pre>
 * report := string name, string fromNode, string toNode, string mode, string outcome, i64 epoch,
 *           i64 totalMs, i64 downtimeMicros, i64 stateBytes, i64 bytesSent, i32 rounds,
 *           i64 pagesFetchedOnDemand, i64 pagesPushedAfterResume, i64 forwardedCommands, i32 throttlePercent,
 *           i64 freezeAtMs, string detail
 * </pre>
 *
 * @param outcome        "committed", "resumed-at-source" (failed before commit), "cloned", "checkpointed", "failed"
 * @param downtimeMicros from the freeze at the source until the destination took commands
 * @param forwardedCommands commands queued at the source during the switch-over and run at the destination
 * @param throttlePercent the most the process was slowed down (auto-converge), 0 if never
 * @param freezeAtMs     when the process was frozen, in ms after the migration started (-1 if never)
 */
public record MigrationReport(String name, String fromNode, String toNode, String mode, String outcome, long epoch,
                              long totalMs, long downtimeMicros, long stateBytes, long bytesSent, int rounds,
                              long pagesFetchedOnDemand, long pagesPushedAfterResume, long forwardedCommands,
                              int throttlePercent, long freezeAtMs, String detail) {
    public void writeTo(BodyWriter w) {
        w.string(name).string(fromNode).string(toNode).string(mode).string(outcome).i64(epoch).i64(totalMs)
                .i64(downtimeMicros).i64(stateBytes).i64(bytesSent).i32(rounds).i64(pagesFetchedOnDemand)
                .i64(pagesPushedAfterResume).i64(forwardedCommands).i32(throttlePercent).i64(freezeAtMs).string(detail);
    }

    public static MigrationReport readFrom(BodyReader r) {
        return new MigrationReport(r.string(), r.string(), r.string(), r.string(), r.string(), r.i64(), r.i64(), r.i64(),
                r.i64(), r.i64(), r.i32(), r.i64(), r.i64(), r.i64(), r.i32(), r.i64(), r.string());
    }

    /** Bytes sent ÷ state size. */
    public double bytesRatio() {
        return stateBytes == 0 ? 0 : (double) bytesSent / stateBytes;
    }
}
