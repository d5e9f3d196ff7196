package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * A progress report pushed as {@link dev.caravan.wire.Op#EVENT} frames while a migration,
 * clone or checkpoint runs. Produced by the source's migration thread; every figure covers the
 * whole operation so far unless it says otherwise.
 *
 * <pre>
 * progress   := u8 phase, i32 round, i64 pagesSent, i64 statePages, i64 bytesSent, i64 dirtyPages,
 *               i64 dirtyPagesPerSec, i64 bandwidthBytesPerSec, i64 remainingPages, i64 elapsedMs,
 *               i32 throttlePercent,                                   ── version 1 ends here (73 bytes)
 *               u8 version (=2), i64 pagesPushed, i64 pagesFetched, i64 faultsServed
 * </pre>
 *
 * Versions only append. A version-1 reader stops after {@code throttlePercent} and ignores the
 * rest; this reader takes a body that ends there as version 1 (the post-copy figures 0), and from a
 * later version reads the fields it knows and ignores what follows them.
 *
 * @param round                pre-copy rounds completed (0 while the first round runs)
 * @param pagesSent            pages that left the source so far: every round, the last pages, the
 *                             post-copy push and the pages answered to faults (a checkpoint: written)
 * @param statePages           pages the process has allocated
 * @param bytesSent            bytes that left the source on the page stream, in push frames and in fault
 *                             answers (headers included); the final report's {@code bytesSent} at the end
 * @param bandwidthBytesPerSec {@code bytesSent} over the time since the first page went (the start of
 *                             round 0, of the stop-and-copy, or of post-copy's switch-over): above 0 once
 *                             any byte was sent
 * @param remainingPages       pages known to be still missing at the destination: the current round's
 *                             unsent pages, the last pages unsent, or post-copy's pages neither pushed nor
 *                             fetched; 0 once the last page went
 * @param pagesPushed          post-copy: pages pushed in the background after the commit
 * @param pagesFetched         post-copy: pages sent in answer to the destination's faults (a fault's page
 *                             and its pre-paged neighbours)
 * @param faultsServed         post-copy: fault requests the source answered
 */
public record MigrationProgress(MigrationPhase phase, int round, long pagesSent, long statePages, long bytesSent,
                                long dirtyPages, long dirtyPagesPerSec, long bandwidthBytesPerSec, long remainingPages,
                                long elapsedMs, int throttlePercent, long pagesPushed, long pagesFetched,
                                long faultsServed) {
    /** The version this build writes. */
    public static final int VERSION = 2;

    public void writeTo(BodyWriter w) {
        w.u8(phase.value()).i32(round).i64(pagesSent).i64(statePages).i64(bytesSent).i64(dirtyPages).i64(dirtyPagesPerSec)
                .i64(bandwidthBytesPerSec).i64(remainingPages).i64(elapsedMs).i32(throttlePercent);
        w.u8(VERSION).i64(pagesPushed).i64(pagesFetched).i64(faultsServed);
    }

    public static MigrationProgress readFrom(BodyReader r) {
        MigrationPhase phase = MigrationPhase.of(r.u8());
        int round = r.i32();
        long pagesSent = r.i64();
        long statePages = r.i64();
        long bytesSent = r.i64();
        long dirtyPages = r.i64();
        long dirtyPagesPerSec = r.i64();
        long bandwidth = r.i64();
        long remaining = r.i64();
        long elapsedMs = r.i64();
        int throttle = r.i32();
        long pushed = 0;
        long fetched = 0;
        long faults = 0;
        if (r.remaining() > 0) {
            int version = r.u8();
            if (version < 2) {
                throw ErrorCode.MALFORMED.exception("migration progress version " + version + " after the version-1 fields");
            }
            pushed = r.i64();
            fetched = r.i64();
            faults = r.i64();
        }
        return new MigrationProgress(phase, round, pagesSent, statePages, bytesSent, dirtyPages, dirtyPagesPerSec, bandwidth,
                remaining, elapsedMs, throttle, pushed, fetched, faults);
    }
}
