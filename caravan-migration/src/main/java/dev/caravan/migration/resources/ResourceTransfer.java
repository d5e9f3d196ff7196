package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * What the source sends the destination about one resource of a migrating process.
 *
 * <p>Wire layout, version 1 (big-endian, {@link BodyWriter} encodings):
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
 * bytes  payload            i32 length (must equal payloadBytes) then the file's bytes (MOVE, COPY,
 *                           or REBIND with fallback COPY); empty otherwise
 * </pre>
 * The numeric codes are part of the format: never renumber, only add. Immutable once built;
 * the payload array is shared, not copied, and must not be mutated.
 *
 * @param name         the resource's name
 * @param binding      process-to-resource binding
 * @param attachment   resource-to-machine binding
 * @param action       what the planner chose
 * @param fallback     for REBIND, what to do when the destination has no resource of the type; else null
 * @param sourceUri    the URI at the source
 * @param referenceUri the global reference for GR (and for a REBIND whose fallback is GR); else ""
 * @param payload      the bytes for MOVE/COPY (or a COPY fallback); else empty
 */
public record ResourceTransfer(String name, Binding binding, Attachment attachment, Action action, Action fallback,
                               String sourceUri, String referenceUri, byte[] payload) {
    /** The codec version written by {@link #writeTo}. */
    public static final int VERSION = 1;
    /** The largest file one transfer carries (bigger ones are left behind as GR). */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private static final Binding[] BINDINGS = {null, Binding.BY_IDENTIFIER, Binding.BY_VALUE, Binding.BY_TYPE};
    private static final Attachment[] ATTACHMENTS = {null, Attachment.UNATTACHED, Attachment.FASTENED, Attachment.FIXED};
    private static final Action[] ACTIONS = {null, Action.MOVE, Action.GLOBAL_REFERENCE, Action.COPY, Action.REBIND};

    /** Validates: safe name, parseable URIs, a payload only where an action needs one. */
    public ResourceTransfer {
        ResourceUri.checkSegment(name, "resource name");
        if (binding == null || attachment == null || action == null || sourceUri == null || referenceUri == null
                || payload == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + ": missing field");
        }
        ResourceUri.parse(sourceUri);
        if (!referenceUri.isEmpty()) {
            ResourceUri.Kind k = ResourceUri.parse(referenceUri).kind();
            if (k != ResourceUri.Kind.REF && k != ResourceUri.Kind.TCP) {
                throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + ": reference " + referenceUri + " is not global");
            }
        }
        if (fallback != null && action != Action.REBIND) {
            throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + ": only REBIND has a fallback");
        }
        if ((action == Action.GLOBAL_REFERENCE || fallback == Action.GLOBAL_REFERENCE) && referenceUri.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + ": a global reference needs its URI");
        }
        boolean carriesBytes = action == Action.MOVE || action == Action.COPY || fallback == Action.COPY;
        if (!carriesBytes && payload.length > 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + ": " + action + " carries no payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("resource " + name + ": " + payload.length + " bytes exceed "
                    + MAX_PAYLOAD_BYTES);
        }
    }

    /** Appends this transfer in the layout above. */
    public void writeTo(BodyWriter out) {
        out.u8(VERSION).string(name).u8(code(BINDINGS, binding)).u8(code(ATTACHMENTS, attachment))
                .u8(code(ACTIONS, action)).u8(fallback == null ? 0 : code(ACTIONS, fallback))
                .string(sourceUri).string(referenceUri).i64(payload.length).bytes(payload);
    }

    /**
     * Reads one transfer. Truncated bodies, unknown codes or a length mismatch are MALFORMED; an
     * unknown version is UNSUPPORTED_VERSION; a declared payload over the limit is TOO_LARGE
     * before the bytes are read; an unsafe name or URI is INVALID_ARGUMENT.
     */
    public static ResourceTransfer readFrom(BodyReader in) {
        int version = in.u8();
        if (version != VERSION) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception("resource transfer version " + version + ", expected " + VERSION);
        }
        String name = in.string();
        Binding binding = decode(BINDINGS, in.u8(), "binding");
        Attachment attachment = decode(ATTACHMENTS, in.u8(), "attachment");
        Action action = decode(ACTIONS, in.u8(), "action");
        int fb = in.u8();
        Action fallback = fb == 0 ? null : decode(ACTIONS, fb, "fallback");
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
        return new ResourceTransfer(name, binding, attachment, action, fallback, sourceUri, referenceUri, payload);
    }

    @Override
    public String toString() {
        return "ResourceTransfer[" + name + " " + binding + "/" + attachment + " -> " + action
                + (fallback == null ? "" : " (else " + fallback + ")") + ", " + sourceUri
                + (referenceUri.isEmpty() ? "" : " as " + referenceUri) + ", " + payload.length + " bytes]";
    }

    private static <T> int code(T[] table, T value) {
        for (int i = 1; i < table.length; i++) {
            if (table[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("no wire code for " + value);
    }

    private static <T> T decode(T[] table, int code, String what) {
        if (code < 1 || code >= table.length) {
            throw ErrorCode.MALFORMED.exception("unknown " + what + " code " + code);
        }
        return table[code];
    }
}
