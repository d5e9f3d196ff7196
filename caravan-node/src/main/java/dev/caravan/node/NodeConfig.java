package dev.caravan.node;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.resp.RespLimits;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Everything a node needs to start, validated before any thread starts.
 *
 * @param nodeId           cluster-unique node name
 * @param bindHost         address the control and data endpoints bind to (loopback by default)
 * @param controlPort      control port; 0 picks a free one
 * @param naming           the embedded naming daemon's address, null when naming is ZooKeeper (informational: the
 *                         node is handed its {@link dev.caravan.naming.NamingService} by its launcher)
 * @param dataDir          where bundles are stored
 * @param leaseTtlMs       the naming lease; silence this long and the node stops answering
 * @param token            cluster token ("" for none)
 * @param mailboxCapacity  commands queued per process before clients are held back
 * @param devices          node-local devices by type ("printer" → a path under dataDir/resources),
 *                         what a process bound by type is rebound to when it arrives here
 * @param stopDeadlineMs   how long stopping a process may take: half of it for the process to finish
 *                         its command and run onStop, the rest after its thread is interrupted; then
 *                         it is abandoned (see {@link NodeDaemon}). Also bounds the node's close.
 * @param chunkPool        how much memory the node keeps warm for arriving processes (cap, pre-fault reserve)
 * @param migration        the migration engine's deadlines and bounds
 * @param respLimits       request limits of the processes' data and stable endpoints (a deployment
 *                         may override them with settings of the same names, see {@link RespLimits#with})
 * @param adminPort        the admin port (metrics, events, logs over HTTP, see ObserveServer): 0 picks a free
 *                         one, -1 opens none
 * @param processMemoryBytes the node's process-memory capacity: the sum of the paged-memory capacities
 *                         ({@code deploy --memory}) of the processes it may host. Free memory, by which
 *                         deploys and drains place processes, is this minus the capacities of the
 *                         processes hosted. Default: the machine's physical memory ({@link #defaultProcessMemoryBytes})
 */
public record NodeConfig(String nodeId, String bindHost, int controlPort, InetSocketAddress naming, Path dataDir,
                         long leaseTtlMs, String token, int mailboxCapacity, java.util.Map<String, String> devices,
                         long stopDeadlineMs, ChunkPool.Config chunkPool, dev.caravan.migration.MigrationSettings migration,
                         RespLimits respLimits, long processMemoryBytes, int adminPort) {
    /** The stop deadline unless told otherwise. */
    public static final long DEFAULT_STOP_DEADLINE_MS = 5000;
    /** The smallest process-memory capacity accepted. */
    public static final long MIN_PROCESS_MEMORY_BYTES = 1L << 20;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public NodeConfig {
        if (!ID.matcher(nodeId).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("node id '" + nodeId + "' must be 1-64 letters, digits, '-', '_' or '.'");
        }
        if (controlPort < 0 || controlPort > 65535) {
            throw ErrorCode.INVALID_ARGUMENT.exception("control port " + controlPort + " is not a TCP port");
        }
        if (leaseTtlMs < 300 || leaseTtlMs > 600_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("lease must be 300..600000 ms, got " + leaseTtlMs);
        }
        devices = java.util.Map.copyOf(devices);
        java.util.Objects.requireNonNull(chunkPool, "chunkPool");
        java.util.Objects.requireNonNull(respLimits, "respLimits");
        migration = migration.validate();
        if (mailboxCapacity < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("mailbox capacity must be positive");
        }
        if (stopDeadlineMs < 100 || stopDeadlineMs > 600_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("stop deadline must be 100..600000 ms, got " + stopDeadlineMs);
        }
        if (adminPort < -1 || adminPort > 65535) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--admin-port must be a TCP port (0 picks a free one, -1 opens none), got "
                    + adminPort);
        }
        if (processMemoryBytes < MIN_PROCESS_MEMORY_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--process-memory must be at least 1m, got " + processMemoryBytes + " bytes");
        }
    }

    /** A node whose admin port is any free one. */
    public NodeConfig(String nodeId, String bindHost, int controlPort, InetSocketAddress naming, Path dataDir, long leaseTtlMs,
                      String token, int mailboxCapacity, java.util.Map<String, String> devices, long stopDeadlineMs,
                      ChunkPool.Config chunkPool, dev.caravan.migration.MigrationSettings migration, RespLimits respLimits,
                      long processMemoryBytes) {
        this(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices, stopDeadlineMs,
                chunkPool, migration, respLimits, processMemoryBytes, 0);
    }

    /** A node whose process-memory capacity is the machine's ({@link #defaultProcessMemoryBytes}). */
    public NodeConfig(String nodeId, String bindHost, int controlPort, InetSocketAddress naming, Path dataDir, long leaseTtlMs,
                      String token, int mailboxCapacity, java.util.Map<String, String> devices, long stopDeadlineMs,
                      ChunkPool.Config chunkPool, dev.caravan.migration.MigrationSettings migration, RespLimits respLimits) {
        this(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices, stopDeadlineMs,
                chunkPool, migration, respLimits, defaultProcessMemoryBytes());
    }

    /**
     * The machine's physical memory (process data lives off-heap, outside the node's Java heap);
     * 8 GiB when the JVM cannot tell. Nodes sharing a machine each claim all of it unless told
     * otherwise with {@code --process-memory}.
     */
    public static long defaultProcessMemoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os && os.getTotalMemorySize() > 0) {
            return Math.max(MIN_PROCESS_MEMORY_BYTES, os.getTotalMemorySize());
        }
        return 8L << 30;
    }

    /** A node with the default request limits ({@link RespLimits#DEFAULTS}). */
    public NodeConfig(String nodeId, String bindHost, int controlPort, InetSocketAddress naming, Path dataDir, long leaseTtlMs,
                      String token, int mailboxCapacity, java.util.Map<String, String> devices, long stopDeadlineMs,
                      ChunkPool.Config chunkPool, dev.caravan.migration.MigrationSettings migration) {
        this(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices, stopDeadlineMs,
                chunkPool, migration, RespLimits.DEFAULTS);
    }

    /** A node with the default stop deadline, memory pool and migration settings. */
    public NodeConfig(String nodeId, String bindHost, int controlPort, InetSocketAddress naming, Path dataDir, long leaseTtlMs,
                      String token, int mailboxCapacity, java.util.Map<String, String> devices) {
        this(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                DEFAULT_STOP_DEADLINE_MS, ChunkPool.Config.defaults(), dev.caravan.migration.MigrationSettings.defaults());
    }

    /** The same settings with another stop deadline. */
    public NodeConfig withStopDeadlineMs(long ms) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices, ms,
                chunkPool, migration, respLimits, processMemoryBytes, adminPort);
    }

    /** The same settings with another memory pool. */
    public NodeConfig withChunkPool(ChunkPool.Config pool) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                stopDeadlineMs, pool, migration, respLimits, processMemoryBytes, adminPort);
    }

    /** The same settings with other migration settings. */
    public NodeConfig withMigration(dev.caravan.migration.MigrationSettings settings) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                stopDeadlineMs, chunkPool, settings, respLimits, processMemoryBytes, adminPort);
    }

    /** The same settings with other request limits for the processes' endpoints. */
    public NodeConfig withRespLimits(RespLimits limits) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                stopDeadlineMs, chunkPool, migration, limits, processMemoryBytes, adminPort);
    }

    /** The same settings with another process-memory capacity. */
    public NodeConfig withProcessMemoryBytes(long bytes) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                stopDeadlineMs, chunkPool, migration, respLimits, bytes, adminPort);
    }

    /** The same settings with another admin port (0: any free one, -1: none). */
    public NodeConfig withAdminPort(int port) {
        return new NodeConfig(nodeId, bindHost, controlPort, naming, dataDir, leaseTtlMs, token, mailboxCapacity, devices,
                stopDeadlineMs, chunkPool, migration, respLimits, processMemoryBytes, port);
    }

    /** Defaults for a loopback node. */
    public static NodeConfig loopback(String nodeId, int controlPort, InetSocketAddress naming, Path dataDir) {
        return new NodeConfig(nodeId, "127.0.0.1", controlPort, naming, dataDir, 3000, "", 4096, java.util.Map.of(),
                DEFAULT_STOP_DEADLINE_MS, ChunkPool.Config.defaults(), dev.caravan.migration.MigrationSettings.defaults());
    }
}
