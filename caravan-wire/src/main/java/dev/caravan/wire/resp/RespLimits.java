package dev.caravan.wire.resp;

import dev.caravan.wire.ErrorCode;

/**
 * Ceilings a RESP decoder enforces before it allocates anything.
 *
 * @param maxBulkBytes     largest bulk string accepted (Redis's {@code proto-max-bulk-len})
 * @param maxArrayElements most elements in one multibulk request or reply array
 * @param maxInlineBytes   longest inline command or header line ({@code *n}, {@code $n})
 */
public record RespLimits(long maxBulkBytes, int maxArrayElements, int maxInlineBytes) {
    /** Redis's defaults: 512 MiB bulks, 1 Mi elements, 64 KiB inline lines. */
    public static final RespLimits DEFAULTS = new RespLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024);

    public RespLimits {
        if (maxBulkBytes < 0 || maxBulkBytes > Integer.MAX_VALUE - 16) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxBulkBytes must lie in 0..2^31-17, got " + maxBulkBytes);
        }
        if (maxArrayElements < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxArrayElements must be positive, got " + maxArrayElements);
        }
        if (maxInlineBytes < 64) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxInlineBytes must be at least 64, got " + maxInlineBytes);
        }
    }
}
