package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * Body of {@link dev.caravan.wire.Op#NODE_DRAIN}, sent to the node to drain.
 *
 * <pre>
 * request := u8 mode, i64 maxDowntimeMs, i64 timeoutMs, i32 parallel
 * </pre>
 *
 * @param mode          how each process moves (pre-copy unless told otherwise)
 * @param maxDowntimeMs pre-copy's downtime budget per process
 * @param timeoutMs     the whole drain's deadline: moves not committed by then are cancelled and reported
 * @param parallel      processes moved at once, 1 or 2
 */
public record DrainRequest(MigrationMode mode, long maxDowntimeMs, long timeoutMs, int parallel) {
    /** Pre-copy, 50 ms downtime budget, 10 minutes, two at a time. */
    public static final DrainRequest DEFAULTS = new DrainRequest(MigrationMode.PRE_COPY, 50, 600_000, 2);

    public DrainRequest {
        if (maxDowntimeMs < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--max-downtime must be at least 1 ms, got " + maxDowntimeMs);
        }
        if (timeoutMs < 1 || timeoutMs > 86_400_000L) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--timeout must be 1 ms..24 h, got " + timeoutMs + " ms");
        }
        if (parallel < 1 || parallel > 2) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a drain moves 1 or 2 processes at a time, got " + parallel);
        }
    }

    public void writeTo(BodyWriter w) {
        w.u8(mode.value()).i64(maxDowntimeMs).i64(timeoutMs).i32(parallel);
    }

    public static DrainRequest readFrom(BodyReader r) {
        return new DrainRequest(MigrationMode.of(r.u8()), r.i64(), r.i64(), r.i32());
    }
}
