package dev.caravan.node.quota;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.NodeProtocol;

/**
 * A node's quota settings: {@code caravan node --handler-timeout DURATION} (the handler limit of
 * processes that set no {@code quota.handler-ms}) and {@code --max-bundle-size SIZE} (the largest
 * bundle NODE_PUT_BUNDLE accepts, checked from the frame's length before its body is read).
 *
 * @param handlerTimeoutMs the node's default handler limit, ms
 * @param maxBundleBytes   the largest bundle accepted, bytes (at most {@link NodeProtocol#MAX_BUNDLE_BYTES}: a bundle
 *                         travels in one frame)
 */
public record QuotaSettings(long handlerTimeoutMs, long maxBundleBytes) {
    /** 10 s; 48 MiB (the most one frame carries with room to spare). */
    public static final QuotaSettings DEFAULTS = new QuotaSettings(10_000, NodeProtocol.MAX_BUNDLE_BYTES);

    public QuotaSettings {
        if (handlerTimeoutMs < 1 || handlerTimeoutMs > 86_400_000L) {
            throw ErrorCode.INVALID_ARGUMENT.exception("handler-timeout must be 1 ms..24 h, got " + handlerTimeoutMs + " ms");
        }
        if (maxBundleBytes < 1024 || maxBundleBytes > NodeProtocol.MAX_BUNDLE_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("max-bundle-size must be 1k.." + NodeProtocol.MAX_BUNDLE_BYTES
                    + " bytes (one frame), got " + maxBundleBytes);
        }
    }
}
