package dev.caravan.node.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sandbox's cgroup (v1): {@code <root>/{cpu,memory,pids}/caravan/<node>/<slice>} with
 * {@code cpu.cfs_quota_us} (against the default 100 ms period), {@code memory.limit_in_bytes}
 * and {@code pids.max}. The sandbox JVM's pid is written to each {@code cgroup.procs} (which moves
 * all its threads; what it forks later inherits the group). {@link #remove} deletes the groups
 * once the JVM has ended (a group with tasks cannot be removed).
 *
 * <p>{@link #create} fails as a whole (nothing left behind) where a hierarchy is missing or not
 * writable — cgroup v2 only, no privileges, a container — and the caller then runs the sandbox
 * with its heap limit only. Not thread-safe: one owner ({@link SandboxJvm}).
 */
public final class SandboxCgroup {
    /** The cgroup v1 controllers a sandbox is limited by. */
    static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
    static final long CFS_PERIOD_US = 100_000;

    private final List<Path> groups;

    private SandboxCgroup(List<Path> groups) {
        this.groups = groups;
    }

    /** The group directory of {@code controller} for a sandbox ({@code <root>/<controller>/caravan/<node>/<slice>}). */
    public static Path groupDir(Path root, String controller, String hostId, String slice) {
        return root.resolve(controller).resolve("caravan").resolve(hostId).resolve(slice);
    }

    /**
     * Creates the groups and writes the limits.
     *
     * @throws IOException saying which file could not be made or written; nothing is left behind
     */
    public static SandboxCgroup create(Path root, String hostId, String slice, int cpuPercent, long memoryBytes, int pidsMax)
            throws IOException {
        List<Path> made = new ArrayList<>();
        SandboxCgroup group = new SandboxCgroup(made);
        try {
            for (String c : CONTROLLERS) {
                Path base = root.resolve(c);
                if (!Files.exists(base.resolve("cgroup.procs"))) {
                    throw new IOException("no cgroup v1 hierarchy " + base);
                }
                Path dir = groupDir(root, c, hostId, slice);
                Files.createDirectories(dir);
                made.add(dir);
            }
            write(made.get(0).resolve("cpu.cfs_period_us"), CFS_PERIOD_US);
            write(made.get(0).resolve("cpu.cfs_quota_us"), CFS_PERIOD_US * cpuPercent / 100);
            write(made.get(1).resolve("memory.limit_in_bytes"), memoryBytes);
            write(made.get(2).resolve("pids.max"), pidsMax);
            return group;
        } catch (IOException | RuntimeException e) {
            group.remove();
            throw e;
        }
    }

    /** Raises the memory limit (a bigger process was deployed); never lowers it. */
    public void raiseMemory(long memoryBytes) throws IOException {
        Path file = groups.get(1).resolve("memory.limit_in_bytes");
        long now = Long.parseLong(Files.readString(file).trim());
        if (memoryBytes > now) {
            write(file, memoryBytes);
        }
    }

    /** Moves process {@code pid} (all its threads) into every group. */
    public void add(long pid) throws IOException {
        for (Path g : groups) {
            write(g.resolve("cgroup.procs"), pid);
        }
    }

    /** The group directories, cpu, memory, pids. */
    public List<Path> dirs() {
        return List.copyOf(groups);
    }

    /**
     * Removes the groups (and the {@code caravan/<node>} parents once empty). Call after the
     * sandbox's JVM ended. Best effort: returns what could not be removed, empty when all went.
     */
    public List<String> remove() {
        return remove(groups);
    }

    /** {@link #remove()} of the groups a sandbox of {@code slice} on {@code hostId} would have, where they exist. */
    public static List<String> remove(Path root, String hostId, String slice) {
        List<Path> dirs = new ArrayList<>();
        for (String c : CONTROLLERS) {
            dirs.add(groupDir(root, c, hostId, slice));
        }
        return remove(dirs);
    }

    private static List<String> remove(List<Path> groups) {
        List<String> left = new ArrayList<>();
        for (Path g : groups) {
            try {
                Files.deleteIfExists(g);
            } catch (IOException e) {
                left.add(g + ": " + e.getMessage());
                continue;
            }
            for (Path parent = g.getParent(); parent != null && parent.getFileName() != null
                    && !CONTROLLERS.contains(parent.getFileName().toString()); parent = parent.getParent()) {
                try {
                    Files.deleteIfExists(parent);
                } catch (IOException notEmpty) {
                    break;
                }
            }
        }
        return left;
    }

    private static void write(Path file, long value) throws IOException {
        try {
            Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }
}
