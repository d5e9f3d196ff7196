package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * A progress report pushed as {@link dev.caravan.wire.Op#EVENT} frames while a migration,
 * clone or checkpoint runs.
 *
 * <pre>
 * progress := u8 phase, i32 round, i64 pagesSent, i64 statePages, i64 bytesSent, i64 dirtyPages,
 *             i64 dirtyPagesPerSec, i64 bandwidthBytesPerSec, i64 remainingPages, i64 elapsedMs, i32 throttlePercent
 * </pre>
 *
 * @param pagesSent      pages sent so far in the whole operation (every round, the push)
 * @param remainingPages pages still to send in the current phase
 */
public record MigrationProgress(MigrationPhase phase, int round, long pagesSent, long statePages, long bytesSent,
                                long dirtyPages, long dirtyPagesPerSec, long bandwidthBytesPerSec, long remainingPages,
                                long elapsedMs, int throttlePercent) {
    public void writeTo(BodyWriter w) {
        w.u8(phase.value()).i32(round).i64(pagesSent).i64(statePages).i64(bytesSent).i64(dirtyPages).i64(dirtyPagesPerSec)
                .i64(bandwidthBytesPerSec).i64(remainingPages).i64(elapsedMs).i32(throttlePercent);
    }

    public static MigrationProgress readFrom(BodyReader r) {
        return new MigrationProgress(MigrationPhase.of(r.u8()), r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(),
                r.i64(), r.i64(), r.i32());
    }
}
