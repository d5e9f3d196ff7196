package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * The outcome of a migration, clone, checkpoint or restore (reply of NODE_MIGRATE / NODE_CHECKPOINT).
 *
 * <pre>
 * report   := string name, string fromNode, string toNode, u8 mode, u8 outcome, u8 endedIn, i64 epoch,
 *             i64 totalMs, i64 downtimeMicros, i64 stateBytes, i64 bytesSent, i32 rounds, u8 stopReason,
 *             i64 maxDowntimeMs, i32 throttlePercent, i64 freezeAtMs, i64 pagesFetchedOnDemand,
 *             i64 pagesPushedAfterResume, i64 forwardedCommands, faults, switchOver, destination, string detail
 * faults      := i64 faults, i64 pages, i64 p50Micros, i64 p99Micros, i64 maxMicros
 * switchOver  := i64 freezeMicros, i64 lastPagesMicros, i64 resourcesMicros, i64 stateMicros, i64 commitMicros
 * destination := i64 allocationMs, i64 freshBytes, i64 hookMicros, i64 registerMicros
 * </pre>
 *
 * @param mode           how the memory moved; a checkpoint is written pre-copy style, a restore stop-and-copy style
 * @param endedIn        the phase the source was in when it ended ({@link MigrationPhase#DONE} on success)
 * @param downtimeMicros the interval in which the process served no one: from the freeze until the
 *                       destination took commands, or until the source resumed after a failure; 0 if never frozen
 * @param stopReason     why pre-copy stopped iterating
 * @param maxDowntimeMs  the downtime budget pre-copy aimed at (0 where none applies)
 * @param forwardedCommands commands queued at the source during the switch-over and run at the destination
 * @param throttlePercent the most the process was slowed down (auto-converge), 0 if never
 * @param freezeAtMs     when the process was frozen, in ms after the migration started (-1 if never)
 * @param faults         post-copy page faults served at the destination
 * @param switchOver     where the downtime went
 * @param destination    what the destination spent preparing memory and in the process's own hooks
 */
public record MigrationReport(String name, String fromNode, String toNode, MigrationMode mode, MigrationOutcome outcome,
                              MigrationPhase endedIn, long epoch, long totalMs, long downtimeMicros, long stateBytes,
                              long bytesSent, int rounds, PreCopyStop stopReason, long maxDowntimeMs, int throttlePercent,
                              long freezeAtMs, long pagesFetchedOnDemand, long pagesPushedAfterResume, long forwardedCommands,
                              FaultStats faults, SwitchOverTimes switchOver, DestinationCosts destination, String detail) {

    /** Post-copy page faults as the destination served them. */
    public record FaultStats(long faults, long pages, long p50Micros, long p99Micros, long maxMicros) {
        public static final FaultStats NONE = new FaultStats(0, 0, 0, 0, 0);

        /** Pages each fault brought on average (the fault's page and its pre-paged neighbours). */
        public double pagesPerFault() {
            return faults == 0 ? 0 : (double) pages / faults;
        }

        public void writeTo(BodyWriter w) {
            w.i64(faults).i64(pages).i64(p50Micros).i64(p99Micros).i64(maxMicros);
        }

        public static FaultStats readFrom(BodyReader r) {
            return new FaultStats(r.i64(), r.i64(), r.i64(), r.i64(), r.i64());
        }
    }

    /** The switch-over's parts, in µs: freeze, last pages, resources, object state, commit. */
    public record SwitchOverTimes(long freezeMicros, long lastPagesMicros, long resourcesMicros, long stateMicros,
                                  long commitMicros) {
        public static final SwitchOverTimes NONE = new SwitchOverTimes(0, 0, 0, 0, 0);

        public void writeTo(BodyWriter w) {
            w.i64(freezeMicros).i64(lastPagesMicros).i64(resourcesMicros).i64(stateMicros).i64(commitMicros);
        }

        public static SwitchOverTimes readFrom(BodyReader r) {
            return new SwitchOverTimes(r.i64(), r.i64(), r.i64(), r.i64(), r.i64());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "switch-over ms: freeze %.1f, last pages %.1f, resources %.1f, state %.1f, commit %.1f",
                    freezeMicros / 1e3, lastPagesMicros / 1e3, resourcesMicros / 1e3, stateMicros / 1e3, commitMicros / 1e3);
        }
    }

    /**
     * What the destination spent by its commit: time allocating memory, bytes of it that had to be
     * faulted in fresh (not reused from its pool), µs in the process's restore hook, and µs to
     * register with the new epoch in naming and start the process (the commit point).
     */
    public record DestinationCosts(long allocationMs, long freshBytes, long hookMicros, long registerMicros) {
        public static final DestinationCosts NONE = new DestinationCosts(0, 0, 0, 0);

        public void writeTo(BodyWriter w) {
            w.i64(allocationMs).i64(freshBytes).i64(hookMicros).i64(registerMicros);
        }

        public static DestinationCosts readFrom(BodyReader r) {
            return new DestinationCosts(r.i64(), r.i64(), r.i64(), r.i64());
        }
    }

    public void writeTo(BodyWriter w) {
        w.string(name).string(fromNode).string(toNode).u8(mode.value()).u8(outcome.value()).u8(endedIn.value()).i64(epoch)
                .i64(totalMs).i64(downtimeMicros).i64(stateBytes).i64(bytesSent).i32(rounds).u8(stopReason.value())
                .i64(maxDowntimeMs).i32(throttlePercent).i64(freezeAtMs).i64(pagesFetchedOnDemand)
                .i64(pagesPushedAfterResume).i64(forwardedCommands);
        faults.writeTo(w);
        switchOver.writeTo(w);
        destination.writeTo(w);
        w.string(detail);
    }

    public static MigrationReport readFrom(BodyReader r) {
        return new MigrationReport(r.string(), r.string(), r.string(), MigrationMode.of(r.u8()), MigrationOutcome.of(r.u8()),
                MigrationPhase.of(r.u8()), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i32(), PreCopyStop.of(r.u8()),
                r.i64(), r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), FaultStats.readFrom(r), SwitchOverTimes.readFrom(r),
                DestinationCosts.readFrom(r), r.string());
    }

    /** Bytes sent ÷ state size. */
    public double bytesRatio() {
        return stateBytes == 0 ? 0 : (double) bytesSent / stateBytes;
    }

    /**
     * The link's throughput as this migration used it: bytes sent ÷ total time, in bytes per second
     * (0 when no time passed). Compare it with the raw bandwidth between the two nodes: it is below
     * it by the time spent not sending (preparing, freezing, committing, waiting for faults).
     */
    public double throughputBytesPerSec() {
        return totalMs <= 0 ? 0 : bytesSent * 1000.0 / totalMs;
    }

    /** Whether a pre-copy's downtime went over the budget it aimed at. */
    public boolean overBudget() {
        return maxDowntimeMs > 0 && mode == MigrationMode.PRE_COPY && downtimeMicros > maxDowntimeMs * 1000;
    }
}
