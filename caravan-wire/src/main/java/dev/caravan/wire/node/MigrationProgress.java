package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * A progress report pushed as {@link dev.caravan.wire.Op#EVENT} frames while a migration,
 * clone or checkpoint runs.
 *
 * <pre>
 * progress := string phase, i32 round, i64 pagesSent, i64 statePages, i64 bytesSent, i64 dirtyPages,
 *             i64 dirtyPagesPerSec, i64 bandwidthBytesPerSec, i64 remainingPages, i64 elapsedMs, i32 throttlePercent
 * </pre>
 */
public record MigrationProgress(String phase, int round, long pagesSent, long statePages, long bytesSent, long dirtyPages,
                                long dirtyPagesPerSec, long bandwidthBytesPerSec, long remainingPages, long elapsedMs,
                                int throttlePercent) {
    public void writeTo(BodyWriter w) {
        w.string(phase).i32(round).i64(pagesSent).i64(statePages).i64(bytesSent).i64(dirtyPages).i64(dirtyPagesPerSec)
                .i64(bandwidthBytesPerSec).i64(remainingPages).i64(elapsedMs).i32(throttlePercent);
    }

    public static MigrationProgress readFrom(BodyReader r) {
        return new MigrationProgress(r.string(), r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(),
                r.i64(), r.i32());
    }
}
