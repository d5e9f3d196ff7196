package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INFO [section …], as redis-server 7.0 writes it ({@code genRedisInfoString}): sections
 * {@code server clients memory persistence stats replication keyspace} with the fields clients
 * and monitoring tools read, each section headed {@code # Name}, lines ending CRLF, a blank line
 * between sections; a RESP3 verbatim string ({@code txt}), a bulk string for RESP2. Section names
 * are case-insensitive; {@code default}, {@code all} and {@code everything} select every section
 * served; a section this process does not serve (cpu, modules, errorstats, cluster,
 * commandstats, latencystats) or an unknown one adds nothing, as an unknown one does in Redis.
 *
 * <p>Every figure is true of this process: memory is its paged heap ({@code used_memory}: bytes
 * in allocated blocks; {@code maxmemory}: the paged memory's capacity, beyond which writes get
 * OOM); persistence is Caravan's checkpoint, not RDB or AOF, so there is never a save or
 * rewrite in progress and {@code loading} is 0 (a restore completes before the first command).
 * Process thread only.
 */
final class InfoCommand {
    static final String VERSION = "7.0.15";
    private static final List<String> SECTIONS =
            List.of("server", "clients", "memory", "persistence", "stats", "replication", "keyspace");

    private InfoCommand() {
    }

    static Reply execute(Command c, KvStore store, PagedHeap heap, KvStats stats, String processName, long nowMs) {
        Set<String> wanted = new HashSet<>();
        if (c.size() == 1) {
            wanted.addAll(SECTIONS);
        }
        for (int i = 1; i < c.size(); i++) {
            String s = c.text(i).toLowerCase(Locale.ROOT);
            if (s.equals("default") || s.equals("all") || s.equals("everything")) {
                wanted.addAll(SECTIONS);
            } else {
                wanted.add(s);
            }
        }
        StringBuilder b = new StringBuilder();
        for (String section : SECTIONS) {
            if (!wanted.contains(section)) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append("\r\n");
            }
            switch (section) {
                case "server" -> server(b, stats, processName, nowMs);
                case "clients" -> {
                    b.append("# Clients\r\n");
                    if (stats.connectedClients >= 0) {
                        b.append("connected_clients:").append(stats.connectedClients).append("\r\n");
                    }
                    b.append("cluster_connections:0\r\n");
                }
                case "memory" -> memory(b, heap, stats);
                case "persistence" -> b.append("# Persistence\r\nloading:0\r\nasync_loading:0\r\n")
                        .append("rdb_bgsave_in_progress:0\r\nrdb_last_bgsave_status:ok\r\n")
                        .append("aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n")
                        .append("aof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\n");
                case "stats" -> b.append("# Stats\r\ntotal_commands_processed:").append(stats.commandsProcessed)
                        .append("\r\nexpired_keys:").append(store.expiredKeys())
                        .append("\r\nevicted_keys:0\r\ntotal_error_replies:").append(stats.errorReplies).append("\r\n");
                case "replication" -> b.append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n")
                        .append("master_failover_state:no-failover\r\nmaster_replid:").append(stats.runId)
                        .append("\r\nmaster_replid2:").append("0".repeat(40))
                        .append("\r\nmaster_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n");
                case "keyspace" -> {
                    b.append("# Keyspace\r\n");
                    if (store.keys() > 0) {
                        b.append("db0:keys=").append(store.keys()).append(",expires=").append(store.expires())
                                .append(",avg_ttl=0\r\n");
                    }
                }
                default -> throw new IllegalStateException(section);
            }
        }
        return new Reply.Verbatim("txt", b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void server(StringBuilder b, KvStats stats, String processName, long nowMs) {
        long uptimeS = Math.max(0, nowMs - stats.startMs) / 1000;
        b.append("# Server\r\n")
                .append("redis_version:").append(VERSION).append("\r\n")
                .append("redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n")
                .append("redis_mode:standalone\r\n")
                .append("os:").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append("\r\n")
                .append("arch_bits:64\r\n")
                .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
                .append("process_supervised:no\r\n")
                .append("run_id:").append(stats.runId).append("\r\n")
                .append("server_time_usec:").append(nowMs * 1000).append("\r\n")
                .append("uptime_in_seconds:").append(uptimeS).append("\r\n")
                .append("uptime_in_days:").append(uptimeS / 86400).append("\r\n")
                .append("hz:10\r\nconfigured_hz:10\r\n")
                .append("caravan_process:").append(processName).append("\r\n");
    }

    private static void memory(StringBuilder b, PagedHeap heap, KvStats stats) {
        long used = heap.usedBytes();
        stats.peakUsedBytes = Math.max(stats.peakUsedBytes, used);
        long max = heap.memory().capacityBytes();
        b.append("# Memory\r\n")
                .append("used_memory:").append(used).append("\r\n")
                .append("used_memory_human:").append(human(used)).append("\r\n")
                .append("used_memory_peak:").append(stats.peakUsedBytes).append("\r\n")
                .append("used_memory_peak_human:").append(human(stats.peakUsedBytes)).append("\r\n")
                .append("maxmemory:").append(max).append("\r\n")
                .append("maxmemory_human:").append(human(max)).append("\r\n")
                .append("maxmemory_policy:noeviction\r\n")
                .append("mem_allocator:caravan-paged-heap\r\n");
    }

    /** Redis's {@code bytesToHuman}: B below 1 KiB, else two decimals and K M G T P. */
    static String human(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String units = "KMGTP";
        double d = n;
        int u = -1;
        while (d >= 1024 && u < units.length() - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%c", d, units.charAt(u));
    }
}
