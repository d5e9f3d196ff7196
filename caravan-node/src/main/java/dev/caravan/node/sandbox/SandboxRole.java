package dev.caravan.node.sandbox;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.SecuritySettings;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What makes a node a sandbox: the host node that started it and the tenant slice it runs.
 * A sandbox's node id is {@code <host>~<slice>}; its naming entry carries {@value #SANDBOX_OF}
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
    public static final char SEPARATOR = '~';
    /** {@link SecuritySettings#ISOLATION} of a process that runs in its slice's sandbox. */
    public static final String ISOLATION_SANDBOX = "sandbox";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public SandboxRole {
        requireName("slice", slice);
        requireName("host node id", hostId);
    }

    /** The sandbox's node id: {@code <host>~<slice>}. */
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
