package dev.caravan.node.sandbox;

import dev.caravan.wire.ErrorCode;

import java.nio.file.Path;
import java.util.List;

/**
 * How a host node starts its sandboxes (see {@link Sandboxes}).
 *
 * @param namingSpec     where naming is, as {@code caravan node --naming} takes it; a sandbox registers there.
 *                       Empty: this node cannot start sandboxes (a sandboxed deploy is refused with UNAVAILABLE)
 * @param heapBytes      the sandbox JVM's {@code -Xmx} ({@code --sandbox-heap}, default 256m)
 * @param cpuPercent     CPU share of the sandbox's cgroup, percent of one core ({@code --sandbox-cpu}, default 50;
 *                       more than 100 allows more than one core)
 * @param pidsMax        {@code pids.max} of the sandbox's cgroup (threads count)
 * @param overheadBytes  memory beyond heap and paged memory the cgroup allows (metaspace, code cache, stacks, buffers)
 * @param cgroupRoot     where the cgroup v1 hierarchies are mounted ({@code /sys/fs/cgroup})
 * @param jvmOptions     extra options for the sandbox JVM (after the defaults)
 */
public record SandboxSettings(String namingSpec, long heapBytes, int cpuPercent, int pidsMax, long overheadBytes,
                              Path cgroupRoot, List<String> jvmOptions) {
    public static final long DEFAULT_HEAP_BYTES = 256L << 20;
    public static final int DEFAULT_CPU_PERCENT = 50;
    public static final int DEFAULT_PIDS_MAX = 1024;
    public static final long DEFAULT_OVERHEAD_BYTES = 256L << 20;
    public static final Path DEFAULT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    public SandboxSettings {
        jvmOptions = List.copyOf(jvmOptions);
        if (heapBytes < (16L << 20)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--sandbox-heap must be at least 16m, got " + heapBytes + " bytes");
        }
        if (cpuPercent < 1 || cpuPercent > 6400) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--sandbox-cpu must be 1%..6400%, got " + cpuPercent + "%");
        }
        if (pidsMax < 64) {
            throw ErrorCode.INVALID_ARGUMENT.exception("sandbox pids.max must be at least 64, got " + pidsMax);
        }
    }

    /** Defaults for a node whose naming is at {@code namingSpec}. */
    public static SandboxSettings defaults(String namingSpec) {
        return new SandboxSettings(namingSpec, DEFAULT_HEAP_BYTES, DEFAULT_CPU_PERCENT, DEFAULT_PIDS_MAX,
                DEFAULT_OVERHEAD_BYTES, DEFAULT_CGROUP_ROOT, List.of());
    }

    public SandboxSettings withHeapBytes(long bytes) {
        return new SandboxSettings(namingSpec, bytes, cpuPercent, pidsMax, overheadBytes, cgroupRoot, jvmOptions);
    }

    public SandboxSettings withCpuPercent(int percent) {
        return new SandboxSettings(namingSpec, heapBytes, percent, pidsMax, overheadBytes, cgroupRoot, jvmOptions);
    }

    public SandboxSettings withJvmOptions(List<String> options) {
        return new SandboxSettings(namingSpec, heapBytes, cpuPercent, pidsMax, overheadBytes, cgroupRoot, options);
    }

    /**
     * {@code --sandbox-cpu}: a percentage of one core, with or without '%' ("50%", "150").
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for anything else
     */
    public static int parseCpuPercent(String text) {
        String t = text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--sandbox-cpu: '" + text + "' is not a percentage such as 50%");
        }
    }
}
