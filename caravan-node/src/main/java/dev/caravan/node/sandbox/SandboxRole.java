package dev.caravan.node.sandbox;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.SecuritySettings;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What makes a node a sandbox: the host node that started it and the tenant slice it runs.
 * A sandbox's node id is {@code <host>.sandbox-<slice>} (a node id, resource URIs and paths
 * allow no other separator than '.', '-' and '_'; the brief's {@code <host>~<slice>} would not
 * pass them); its naming entry carries {@value #SANDBOX_OF}
 * (the host) and {@value #SLICE} besides {@code schedulable=false}, so that placement, drains and
 * balancers never pick it for ordinary processes and {@code caravan nodes} shows it under its host.
 *
 * @param hostId the host node's id
 * @param slice  the slice whose sandboxed processes it runs
 */
public record SandboxRole(String hostId, String slice) {
    /** Naming attribute of a sandbox's node entry: its host node. */
    public static final String SANDBOX_OF = "sandbox-of";
    /** Naming attribute of a sandbox's node entry: its slice. */
    public static final String SLICE = "slice";
    /** The slice of a sandboxed process deployed without one. */
    public static final String DEFAULT_SLICE = "default";
    /** Separates host and slice in a sandbox's node id. */
    public static final String SEPARATOR = ".sandbox-";
    /** The longest node id (see NodeConfig). */
    private static final int MAX_NODE_ID = 64;
    /** {@link SecuritySettings#ISOLATION} of a process that runs in its slice's sandbox. */
    public static final String ISOLATION_SANDBOX = "sandbox";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public SandboxRole {
        requireName("slice", slice);
        requireName("host node id", hostId);
        if (hostId.length() + SEPARATOR.length() + slice.length() > MAX_NODE_ID) {
            throw ErrorCode.INVALID_ARGUMENT.exception("the sandbox of slice " + slice + " on node " + hostId + " would need a node id"
                    + " longer than " + MAX_NODE_ID + " characters; use a shorter slice name");
        }
    }

    /** The sandbox's node id: {@code <host>.sandbox-<slice>}. */
    public String nodeId() {
        return hostId + SEPARATOR + slice;
    }

    /** The attributes its node entry carries besides a node's own. */
    public Map<String, String> attributes() {
        return Map.of(SANDBOX_OF, hostId, SLICE, slice, "schedulable", "false");
    }

    /**
     * Checks a slice name (1-64 letters, digits, '-', '_' or '.').
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the bad value
     */
    public static String requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " '" + value + "' must be 1-64 letters, digits, '-', '_' or '.'");
        }
        return value;
    }

    /** Whether a process deployed with {@code config} runs in a sandbox ({@code security.isolation=sandbox}). */
    public static boolean isSandboxed(Map<String, String> config) {
        return ISOLATION_SANDBOX.equals(config.get(SecuritySettings.ISOLATION));
    }

    /** The slice of a process deployed with {@code config}: {@code security.slice}, or {@value #DEFAULT_SLICE}. */
    public static String sliceOf(Map<String, String> config) {
        String s = config.getOrDefault(SecuritySettings.SLICE, "");
        return s.isEmpty() ? DEFAULT_SLICE : s;
    }
}
