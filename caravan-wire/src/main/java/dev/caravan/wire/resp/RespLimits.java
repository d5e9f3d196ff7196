package dev.caravan.wire.resp;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;
import java.util.Map;

/**
 * Ceilings a RESP decoder enforces before it allocates anything, and where it starts keeping
 * arguments off the Java heap.
 *
 * @param maxBulkBytes       largest bulk string accepted (Redis's {@code proto-max-bulk-len}, 512 MiB)
 * @param maxArrayElements   most elements in one multibulk request or reply array (Redis accepts
 *                           up to {@code INT_MAX}; memory is bounded by the two query limits)
 * @param maxInlineBytes     longest inline command or header line ({@code *n}, {@code $n})
 * @param maxQueryBytes      most bytes in all the arguments of one command, on and off the heap
 *                           ({@code client-query-buffer-limit}, 1 GiB). Redis bounds the unparsed
 *                           buffer, which holds at most one big argument; we bound the whole
 *                           command, so that one client cannot hold more than this. A command
 *                           over it closes the connection without a reply, as Redis does.
 * @param maxQueryHeapBytes  most Java-heap bytes the on-heap arguments of one command may take,
 *                           each counted as its length + {@value #HEAP_BYTES_PER_ARGUMENT}
 *                           (array slot and object header): a command of millions of small
 *                           arguments is refused with a protocol error before it exhausts the
 *                           heap. Default: a quarter of the JVM's maximum heap, 16 MiB..1 GiB.
 * @param offHeapBulkBytes   bulk strings longer than this are kept off the heap
 *                           ({@link dev.caravan.wire.command.OffHeapBytes}); {@code maxBulkBytes}
 *                           or more keeps everything on the heap
 */
public record RespLimits(long maxBulkBytes, int maxArrayElements, int maxInlineBytes, long maxQueryBytes,
                         long maxQueryHeapBytes, long offHeapBulkBytes) {
    /** Heap bytes counted per on-heap argument on top of its length (array header, reference, padding). */
    public static final int HEAP_BYTES_PER_ARGUMENT = 32;
    /** Heap bytes counted for an off-heap argument (its holder object). */
    public static final int HEAP_BYTES_PER_OFF_HEAP_ARGUMENT = 128;
    /** Arguments longer than this are kept off the heap unless configured otherwise (1 MiB). */
    public static final long DEFAULT_OFF_HEAP_BULK_BYTES = 1L << 20;
    /** Config key of {@link #maxBulkBytes} (a size). */
    public static final String PROTO_MAX_BULK_LEN = "proto-max-bulk-len";
    /** Config key of {@link #maxArrayElements} (a count). */
    public static final String PROTO_MAX_MULTIBULK_LEN = "proto-max-multibulk-len";
    /** Config key of {@link #maxQueryBytes} (a size). */
    public static final String CLIENT_QUERY_BUFFER_LIMIT = "client-query-buffer-limit";
    /** Config key of {@link #maxQueryHeapBytes} (a size). */
    public static final String CLIENT_QUERY_HEAP_LIMIT = "client-query-heap-limit";

    /**
     * Redis 7.0's defaults: 512 MiB bulks, {@code INT_MAX} elements, 64 KiB inline lines, 1 GiB
     * per command; arguments over 1 MiB off-heap; the heap bound from this JVM's heap.
     */
    public static final RespLimits DEFAULTS = new RespLimits(512L * 1024 * 1024, Integer.MAX_VALUE, 64 * 1024,
            1L << 30, defaultQueryHeapBytes(Runtime.getRuntime().maxMemory()), DEFAULT_OFF_HEAP_BULK_BYTES);

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
        if (maxQueryBytes < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxQueryBytes must be positive, got " + maxQueryBytes);
        }
        if (maxQueryHeapBytes < HEAP_BYTES_PER_ARGUMENT) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxQueryHeapBytes must be at least " + HEAP_BYTES_PER_ARGUMENT
                    + ", got " + maxQueryHeapBytes);
        }
        if (offHeapBulkBytes < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("offHeapBulkBytes must not be negative, got " + offHeapBulkBytes);
        }
    }

    /** The given bulk, element and line ceilings with the default query bounds and off-heap threshold. */
    public RespLimits(long maxBulkBytes, int maxArrayElements, int maxInlineBytes) {
        this(maxBulkBytes, maxArrayElements, maxInlineBytes, DEFAULTS.maxQueryBytes, DEFAULTS.maxQueryHeapBytes,
                DEFAULTS.offHeapBulkBytes);
    }

    /** A quarter of {@code maxHeapBytes}, kept within 16 MiB..1 GiB. */
    public static long defaultQueryHeapBytes(long maxHeapBytes) {
        return Math.clamp(maxHeapBytes / 4, 16L << 20, 1L << 30);
    }

    public RespLimits withMaxBulkBytes(long bytes) {
        return new RespLimits(bytes, maxArrayElements, maxInlineBytes, maxQueryBytes, maxQueryHeapBytes, offHeapBulkBytes);
    }

    public RespLimits withMaxArrayElements(int n) {
        return new RespLimits(maxBulkBytes, n, maxInlineBytes, maxQueryBytes, maxQueryHeapBytes, offHeapBulkBytes);
    }

    public RespLimits withMaxQueryBytes(long bytes) {
        return new RespLimits(maxBulkBytes, maxArrayElements, maxInlineBytes, bytes, maxQueryHeapBytes, offHeapBulkBytes);
    }

    public RespLimits withMaxQueryHeapBytes(long bytes) {
        return new RespLimits(maxBulkBytes, maxArrayElements, maxInlineBytes, maxQueryBytes, bytes, offHeapBulkBytes);
    }

    public RespLimits withOffHeapBulkBytes(long bytes) {
        return new RespLimits(maxBulkBytes, maxArrayElements, maxInlineBytes, maxQueryBytes, maxQueryHeapBytes, bytes);
    }

    /** These limits with nothing kept off the heap (tools and tests that want plain {@code Bulk} replies). */
    public RespLimits onHeap() {
        return withOffHeapBulkBytes(Long.MAX_VALUE);
    }

    /**
     * These limits overridden by whichever of {@value #PROTO_MAX_BULK_LEN},
     * {@value #PROTO_MAX_MULTIBULK_LEN}, {@value #CLIENT_QUERY_BUFFER_LIMIT} and
     * {@value #CLIENT_QUERY_HEAP_LIMIT} {@code settings} holds (other keys are ignored). Sizes
     * are bytes or a number with a k/m/g suffix, optionally followed by b ({@code 512mb}, {@code 1g}).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the key of a bad value
     */
    public RespLimits with(Map<String, String> settings) {
        RespLimits l = this;
        String v = settings.get(PROTO_MAX_BULK_LEN);
        if (v != null) {
            l = l.withMaxBulkBytes(parseSize(PROTO_MAX_BULK_LEN, v, 1, Integer.MAX_VALUE - 16));
        }
        v = settings.get(PROTO_MAX_MULTIBULK_LEN);
        if (v != null) {
            l = l.withMaxArrayElements((int) parseSize(PROTO_MAX_MULTIBULK_LEN, v, 1, Integer.MAX_VALUE));
        }
        v = settings.get(CLIENT_QUERY_BUFFER_LIMIT);
        if (v != null) {
            l = l.withMaxQueryBytes(parseSize(CLIENT_QUERY_BUFFER_LIMIT, v, 1 << 20, Long.MAX_VALUE));
        }
        v = settings.get(CLIENT_QUERY_HEAP_LIMIT);
        if (v != null) {
            l = l.withMaxQueryHeapBytes(parseSize(CLIENT_QUERY_HEAP_LIMIT, v, 1 << 20, Long.MAX_VALUE));
        }
        return l;
    }

    /** Parses a size setting ({@code 1024}, {@code 64k}, {@code 512mb}, {@code 1g}) within {@code [min, max]}. */
    static long parseSize(String key, String text, long min, long max) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = s.isEmpty() ? 0 : switch (s.charAt(s.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 0 || value > Long.MAX_VALUE >> shift || (value << shift) < min || (value << shift) > max) {
            throw ErrorCode.INVALID_ARGUMENT.exception(key + " must be a size from " + min + " to " + max
                    + " (bytes, or with a k/m/g suffix), got '" + text + "'");
        }
        return value << shift;
    }
}
