package dev.caravan.migration.resources;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bodies of the two resource operations and where they sit in a migration.
 *
 * <pre>
 * source S (process suspended)                         destination D
 *   prepare(): plan, read MV/CP bytes, export GR'd ones
 *   MIG_RESOURCES string process, i32 n,         ───▶  install(process, transfers): write MV/CP files,
 *                 n × {@link ResourceTransfer}                  resolve RB, keep GR references
 *                                                 ◀───  i32 n, n × (string name, string uri)
 *   MIG_COMMIT …                                  ───▶  commit (the process starts with the new URIs)
 *   after commit: finishAtSource() deletes MOVEd files.   D aborts: discardInstalled(); S: abandon()
 *
 * any node N ─ NODE_READ_RESOURCE string process/resource, i64 offset, i32 maxBytes ─▶ node that exported it
 *             ◀─ bytes (at most maxBytes; empty at the end)     (only GR'd resources; else NOT_FOUND)
 * </pre>
 *
 * {@link #MAX_TRANSFERS} transfers and {@link #MAX_TOTAL_PAYLOAD_BYTES} of payload per
 * MIG_RESOURCES keep the frame under the wire's 64 MiB; the planner budgets for it. Stateless.
 */
public final class ResourceProtocol {
    /** Suggested op code for the migration step (lead: add to {@code dev.caravan.wire.Op}). */
    public static final int MIG_RESOURCES = dev.caravan.wire.Op.MIG_RESOURCES;
    /** Suggested op code for remote reads of exported resources (node control port). */
    public static final int NODE_READ_RESOURCE = dev.caravan.wire.Op.NODE_READ_RESOURCE;
    /** Resources per process that one migration carries. */
    public static final int MAX_TRANSFERS = 256;
    /** Payload bytes one MIG_RESOURCES frame carries in all. */
    public static final long MAX_TOTAL_PAYLOAD_BYTES = 48L * 1024 * 1024;
    /** The largest chunk one NODE_READ_RESOURCE returns. */
    public static final int MAX_READ_CHUNK_BYTES = 1024 * 1024;

    private ResourceProtocol() {
    }

    /** A decoded MIG_RESOURCES request. */
    public record Resources(String process, List<ResourceTransfer> transfers) {
    }

    /** A decoded NODE_READ_RESOURCE request. */
    public record ReadRequest(String qualifiedName, long offset, int maxBytes) {
    }

    /** Encodes MIG_RESOURCES's body. */
    public static byte[] resourcesBody(String process, List<ResourceTransfer> transfers) {
        if (transfers.size() > MAX_TRANSFERS) {
            throw ErrorCode.TOO_LARGE.exception(transfers.size() + " resources exceed " + MAX_TRANSFERS);
        }
        long total = 0;
        for (ResourceTransfer t : transfers) {
            total += t.payload().length;
        }
        BodyWriter w = new BodyWriter((int) Math.min(Integer.MAX_VALUE - 8, 64 + total + 256L * transfers.size()));
        w.string(ResourceUri.checkSegment(process, "process name")).i32(transfers.size());
        transfers.forEach(t -> t.writeTo(w));
        return w.toBytes();
    }

    /** Decodes MIG_RESOURCES's body; TOO_LARGE when the payloads add up past the limit. */
    public static Resources readResources(BodyReader in) {
        String process = ResourceUri.checkSegment(in.string(), "process name");
        int n = in.count(MAX_TRANSFERS, "resource transfer");
        List<ResourceTransfer> out = new ArrayList<>(n);
        long total = 0;
        for (int i = 0; i < n; i++) {
            ResourceTransfer t = ResourceTransfer.readFrom(in);
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
            String name = ResourceUri.checkSegment(in.string(), "resource name");
            String uri = in.string();
            ResourceUri.parse(uri);
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
