package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ResourceProtocol;

import java.util.List;

/**
 * What the source sends the destination about one resource of a migrating process, in the
 * process API's terms; it travels as a {@link ResourceProtocol.Transfer} (layout and codes there,
 * the one codec) through {@link #toWire} and {@link #fromWire}. Immutable once built; the payload
 * array is shared, not copied, and must not be mutated.
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
    /** The largest file one transfer carries (bigger ones are left behind as GR). */
    public static final int MAX_PAYLOAD_BYTES = ResourceProtocol.MAX_PAYLOAD_BYTES;

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

    /** This transfer as it travels. */
    public ResourceProtocol.Transfer toWire() {
        return new ResourceProtocol.Transfer(name, code(BINDINGS, binding), code(ATTACHMENTS, attachment), code(ACTIONS, action),
                fallback == null ? 0 : code(ACTIONS, fallback), sourceUri, referenceUri, payload);
    }

    /** A transfer as it arrived, checked as the constructor checks (safe name, parseable URIs, payload only where needed). */
    public static ResourceTransfer fromWire(ResourceProtocol.Transfer t) {
        return new ResourceTransfer(t.name(), BINDINGS[t.binding()], ATTACHMENTS[t.attachment()], ACTIONS[t.action()],
                t.fallback() == 0 ? null : ACTIONS[t.fallback()], t.sourceUri(), t.referenceUri(), t.payload());
    }

    /** MIG_RESOURCES's body for these transfers. */
    public static byte[] resourcesBody(String process, List<ResourceTransfer> transfers) {
        return ResourceProtocol.resourcesBody(process, transfers.stream().map(ResourceTransfer::toWire).toList());
    }

    /** Transfers as they arrived in a MIG_RESOURCES body ({@link ResourceProtocol#readResources}). */
    public static List<ResourceTransfer> fromWire(List<ResourceProtocol.Transfer> transfers) {
        return transfers.stream().map(ResourceTransfer::fromWire).toList();
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

}
