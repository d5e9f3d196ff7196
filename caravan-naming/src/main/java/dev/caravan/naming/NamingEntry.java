package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One row of the endpoint table: where the thing called {@code name} can be reached, and
 * which ownership epoch published it.
 *
 * <p>Wire layout (all fields big-endian, strings are i32 byte count + UTF-8):
 * <pre>
 *   string name | string node | string host | i32 port | i64 epoch | i64 leaseId
 *   | i32 attributeCount | (string key, string value) * attributeCount
 * </pre>
 *
 * <p>Limits, checked on construction (so decoded and locally built entries obey the same
 * rules): name 1..{@value #MAX_NAME_BYTES} bytes, node and host at most
 * {@value #MAX_FIELD_BYTES} bytes, port 0..65535, at most {@value #MAX_ATTRIBUTES} attributes
 * with keys of 1..{@value #MAX_FIELD_BYTES} and values of at most {@value #MAX_VALUE_BYTES}
 * bytes. A violation is {@link ErrorCode#INVALID_ARGUMENT}; a body too short or with a count
 * out of range is {@link ErrorCode#MALFORMED}.
 *
 * @param name       path-like key, for example {@code node/n1}, {@code process/kv1}
 * @param node       id of the owning node; empty when none
 * @param host       host name or address clients connect to
 * @param port       TCP port clients connect to; 0 when the entry has no endpoint
 * @param epoch      ownership epoch; a higher epoch fences a lower one
 * @param attributes small extra fields (controlPort, dataPort, state); kept sorted, immutable
 * @param leaseId    the lease holding the entry, set by the service; 0 before registration
 */
public record NamingEntry(String name, String node, String host, int port, long epoch,
                          Map<String, String> attributes, long leaseId) {
    public static final int MAX_NAME_BYTES = 1024;
    public static final int MAX_FIELD_BYTES = 256;
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_VALUE_BYTES = 4096;

    public NamingEntry {
        Objects.requireNonNull(name, "name");
        node = node == null ? "" : node;
        host = host == null ? "" : host;
        if (name.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("entry name is empty");
        }
        checkBytes("name", name, MAX_NAME_BYTES);
        checkBytes("node", node, MAX_FIELD_BYTES);
        checkBytes("host", host, MAX_FIELD_BYTES);
        if (port < 0 || port > 0xFFFF) {
            throw ErrorCode.INVALID_ARGUMENT.exception("port " + port + " outside 0..65535");
        }
        TreeMap<String, String> sorted = new TreeMap<>(attributes == null ? Map.of() : attributes);
        if (sorted.size() > MAX_ATTRIBUTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception(sorted.size() + " attributes, at most " + MAX_ATTRIBUTES);
        }
        for (Map.Entry<String, String> a : sorted.entrySet()) {
            if (a.getKey().isEmpty() || a.getValue() == null) {
                throw ErrorCode.INVALID_ARGUMENT.exception("attribute keys must be non-empty and values non-null");
            }
            checkBytes("attribute key", a.getKey(), MAX_FIELD_BYTES);
            checkBytes("attribute " + a.getKey(), a.getValue(), MAX_VALUE_BYTES);
        }
        attributes = Collections.unmodifiableSortedMap(sorted);
    }

    /** An entry not yet registered (lease id 0). */
    public NamingEntry(String name, String node, String host, int port, long epoch, Map<String, String> attributes) {
        this(name, node, host, port, epoch, attributes, 0L);
    }

    /** This entry as held by {@code id}. */
    public NamingEntry withLeaseId(long id) {
        return id == leaseId ? this : new NamingEntry(name, node, host, port, epoch, attributes, id);
    }

    /** An attribute's value, or {@code null}. */
    public String attribute(String key) {
        return attributes.get(key);
    }

    /** Appends this entry in the layout above. */
    public void writeTo(BodyWriter w) {
        w.string(name).string(node).string(host).i32(port).i64(epoch).i64(leaseId);
        w.i32(attributes.size());
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            w.string(a.getKey()).string(a.getValue());
        }
    }

    /** Reads one entry written by {@link #writeTo}. */
    public static NamingEntry readFrom(BodyReader r) {
        String name = r.string();
        String node = r.string();
        String host = r.string();
        int port = r.i32();
        long epoch = r.i64();
        long leaseId = r.i64();
        int n = r.count(MAX_ATTRIBUTES, "attribute");
        TreeMap<String, String> attributes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String key = r.string();
            if (attributes.put(key, r.string()) != null) {
                throw ErrorCode.MALFORMED.exception("attribute " + key + " appears twice");
            }
        }
        return new NamingEntry(name, node, host, port, epoch, attributes, leaseId);
    }

    static void checkBytes(String what, String value, int maxBytes) {
        // UTF-8 needs at most 3 bytes per char; skip the encoding for the common short case.
        if (value.length() * 3 > maxBytes && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " longer than " + maxBytes + " bytes");
        }
    }
}
