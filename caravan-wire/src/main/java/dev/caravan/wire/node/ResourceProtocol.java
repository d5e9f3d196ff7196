package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bodies of the two resource operations and where they sit in a migration.
 *
 * <pre>
 * source S (process suspended)                         destination D
 *   prepare(): plan, read MV/CP bytes, export GR'd ones
 *   MIG_RESOURCES string process, i32 n,         ───▶  install(process, transfers): write MV/CP files,
 *                 n × {@link Transfer}                          resolve RB, keep GR references
 *                                                 ◀───  i32 n, n × (string name, string uri)
 *   MIG_COMMIT …                                  ───▶  commit (the process starts with the new URIs)
 *   after commit: finishAtSource() deletes MOVEd files.   D aborts: discardInstalled(); S: abandon()
 *
 * any node N ─ NODE_READ_RESOURCE string process/resource, i64 offset, i32 maxBytes ─▶ node that exported it
 *             ◀─ bytes (at most maxBytes; empty at the end)     (only GR'd resources; else NOT_FOUND)
 * </pre>
 *
 * {@link #MAX_TRANSFERS} transfers and {@link #MAX_TOTAL_PAYLOAD_BYTES} of payload per
 * MIG_RESOURCES keep the frame under the wire's 64 MiB; the planner budgets for it. This is the one
 * codec of these messages; caravan-migration's {@code ResourceTransfer} maps a {@link Transfer}'s codes
 * to the process API's binding kinds. Stateless.
 */
public final class ResourceProtocol {
    /** Resources per process that one migration carries. */
    public static final int MAX_TRANSFERS = 256;
    /** Payload bytes one MIG_RESOURCES frame carries in all. */
    public static final long MAX_TOTAL_PAYLOAD_BYTES = 48L * 1024 * 1024;
    /** The largest chunk one NODE_READ_RESOURCE returns. */
    public static final int MAX_READ_CHUNK_BYTES = 1024 * 1024;

    /** The codec version of one {@link Transfer}. */
    public static final int TRANSFER_VERSION = 1;
    /** The largest file one transfer carries (bigger ones are left behind as a global reference). */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ResourceProtocol() {
    }

    /**
     * One resource of a migrating process as it travels.
     *
     * <pre>
     * u8     version            1
     * string name               the process's name for the resource (a safe segment)
     * u8     binding            1 BY_IDENTIFIER, 2 BY_VALUE, 3 BY_TYPE
     * u8     attachment         1 UNATTACHED, 2 FASTENED, 3 FIXED
     * u8     action             1 MOVE, 2 GLOBAL_REFERENCE, 3 COPY, 4 REBIND
     * u8     fallback           0 none, else an action code (REBIND only)
     * string sourceUri          the URI the process used at the source
     * string referenceUri       GR: the global URI (caravan-ref:// or tcp://); else ""
     * i64    payloadBytes       0..{@link #MAX_PAYLOAD_BYTES}; larger is TOO_LARGE, refused before allocating
     * bytes  payload            i32 length (must equal payloadBytes) then the file's bytes
     * </pre>
     * The numeric codes are part of the format: never renumber, only add. The payload array is
     * shared, not copied.
     */
    public record Transfer(String name, int binding, int attachment, int action, int fallback, String sourceUri,
                           String referenceUri, byte[] payload) {
        /** Highest binding, attachment and action codes. */
        public static final int MAX_BINDING = 3;
        public static final int MAX_ATTACHMENT = 3;
        public static final int MAX_ACTION = 4;

        public Transfer {
            checkSegment(name, "resource name");
            code(binding, MAX_BINDING, "binding");
            code(attachment, MAX_ATTACHMENT, "attachment");
            code(action, MAX_ACTION, "action");
            if (fallback != 0) {
                code(fallback, MAX_ACTION, "fallback");
            }
            if (payload.length > MAX_PAYLOAD_BYTES) {
                throw ErrorCode.TOO_LARGE.exception("resource " + name + ": " + payload.length + " bytes exceed "
                        + MAX_PAYLOAD_BYTES);
            }
        }

        public void writeTo(BodyWriter out) {
            out.u8(TRANSFER_VERSION).string(name).u8(binding).u8(attachment).u8(action).u8(fallback)
                    .string(sourceUri).string(referenceUri).i64(payload.length).bytes(payload);
        }

        /**
         * Reads one transfer. Truncated bodies, unknown codes or a length mismatch are MALFORMED; an
         * unknown version is UNSUPPORTED_VERSION; a declared payload over the limit is TOO_LARGE
         * before the bytes are read; an unsafe name is INVALID_ARGUMENT.
         */
        public static Transfer readFrom(BodyReader in) {
            int version = in.u8();
            if (version != TRANSFER_VERSION) {
                throw ErrorCode.UNSUPPORTED_VERSION.exception("resource transfer version " + version + ", expected "
                        + TRANSFER_VERSION);
            }
            String name = in.string();
            int binding = in.u8();
            int attachment = in.u8();
            int action = in.u8();
            int fallback = in.u8();
            String sourceUri = in.string();
            String referenceUri = in.string();
            long declared = in.i64();
            if (declared < 0) {
                throw ErrorCode.MALFORMED.exception("resource " + name + ": negative payload size " + declared);
            }
            if (declared > MAX_PAYLOAD_BYTES) {
                throw ErrorCode.TOO_LARGE.exception("resource " + name + ": payload of " + declared + " bytes exceeds "
                        + MAX_PAYLOAD_BYTES);
            }
            byte[] payload = in.bytes();
            if (payload.length != declared) {
                throw ErrorCode.MALFORMED.exception("resource " + name + ": payload of " + payload.length
                        + " bytes, declared " + declared);
            }
            return new Transfer(name, binding, attachment, action, fallback, sourceUri, referenceUri, payload);
        }

        private static void code(int value, int max, String what) {
            if (value < 1 || value > max) {
                throw ErrorCode.MALFORMED.exception("unknown " + what + " code " + value);
            }
        }
    }

    /** A decoded MIG_RESOURCES request. */
    public record Resources(String process, List<Transfer> transfers) {
    }

    /** Returns {@code s} if it is a safe name segment (1-64 of [A-Za-z0-9_.-], not . or ..), else throws INVALID_ARGUMENT. */
    public static String checkSegment(String s, String what) {
        if (s == null || !SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " '" + s + "' must be 1-64 of [A-Za-z0-9_.-] and not . or ..");
        }
        return s;
    }

    /** A decoded NODE_READ_RESOURCE request. */
    public record ReadRequest(String qualifiedName, long offset, int maxBytes) {
    }

    /** Encodes MIG_RESOURCES's body. */
    public static byte[] resourcesBody(String process, List<Transfer> transfers) {
        if (transfers.size() > MAX_TRANSFERS) {
            throw ErrorCode.TOO_LARGE.exception(transfers.size() + " resources exceed " + MAX_TRANSFERS);
        }
        long total = 0;
        for (Transfer t : transfers) {
            total += t.payload().length;
        }
        BodyWriter w = new BodyWriter((int) Math.min(Integer.MAX_VALUE - 8, 64 + total + 256L * transfers.size()));
        w.string(checkSegment(process, "process name")).i32(transfers.size());
        transfers.forEach(t -> t.writeTo(w));
        return w.toBytes();
    }

    /** Decodes MIG_RESOURCES's body; TOO_LARGE when the payloads add up past the limit. */
    public static Resources readResources(BodyReader in) {
        String process = checkSegment(in.string(), "process name");
        int n = in.count(MAX_TRANSFERS, "resource transfer");
        List<Transfer> out = new ArrayList<>(n);
        long total = 0;
        for (int i = 0; i < n; i++) {
            Transfer t = Transfer.readFrom(in);
            total += t.payload().length;
            if (total > MAX_TOTAL_PAYLOAD_BYTES) {
                throw ErrorCode.TOO_LARGE.exception("resource payloads exceed " + MAX_TOTAL_PAYLOAD_BYTES + " bytes");
            }
            out.add(t);
        }
        in.expectEnd();
        return new Resources(process, List.copyOf(out));
    }

    /** Encodes MIG_RESOURCES's reply: the resources' URIs at the destination. */
    public static byte[] urisBody(Map<String, String> uris) {
        BodyWriter w = new BodyWriter();
        writeUris(w, uris);
        return w.toBytes();
    }

    /** Appends MIG_RESOURCES's reply to {@code out} (for the control handler's reply writer). */
    public static void writeUris(BodyWriter out, Map<String, String> uris) {
        out.i32(uris.size());
        uris.forEach((k, v) -> out.string(k).string(v));
    }

    /** Decodes MIG_RESOURCES's reply, in the order written. */
    public static Map<String, String> readUris(BodyReader in) {
        int n = in.count(MAX_TRANSFERS, "resource URI");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = checkSegment(in.string(), "resource name");
            String uri = in.string();
            if (uri.isEmpty()) {
                throw ErrorCode.MALFORMED.exception("resource " + name + " has an empty URI");
            }
            out.put(name, uri);
        }
        in.expectEnd();
        return out;
    }

    /** Encodes NODE_READ_RESOURCE's body. */
    public static byte[] readBody(String qualifiedName, long offset, int maxBytes) {
        return new BodyWriter().string(qualifiedName).i64(offset).i32(maxBytes).toBytes();
    }

    /** Decodes NODE_READ_RESOURCE's body (the reply is {@code bytes}). */
    public static ReadRequest readReadRequest(BodyReader in) {
        String name = in.string();
        long offset = in.i64();
        int max = in.i32();
        in.expectEnd();
        if (offset < 0 || max < 0 || max > MAX_READ_CHUNK_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("read of " + name + " at " + offset + " for " + max
                    + " bytes: offset must be >= 0 and length 0.." + MAX_READ_CHUNK_BYTES);
        }
        return new ReadRequest(name, offset, max);
    }
}
