package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** INFO's sections and fields, and the CONFIG parameters clients read, as this process really is. */
class KvInfoTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    private String info(String... sections) {
        String[] args = new String[sections.length + 1];
        args[0] = "INFO";
        System.arraycopy(sections, 0, args, 1, sections.length);
        return ((Reply.Bulk) kv.run(args)).text();
    }

    /** Field name to value, per the INFO text's "name:value" lines. */
    private static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    @Test
    void shouldServeTheSectionsToolsReadInRedisOrder() {
        String all = info();
        assertThat(all).startsWith("# Server\r\nredis_version:7.0.15\r\n").endsWith("\r\n");
        List<String> headers = all.lines().filter(l -> l.startsWith("# ")).toList();
        assertThat(headers).containsExactly("# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication",
                "# Keyspace");
        assertThat(all).contains("\r\n\r\n# Clients\r\n");
        Map<String, String> f = fields(all);
        assertThat(f).containsEntry("redis_mode", "standalone").containsEntry("loading", "0").containsEntry("role", "master")
                .containsEntry("aof_enabled", "0").containsEntry("rdb_bgsave_in_progress", "0")
                .containsEntry("maxmemory", Long.toString(kv.memory.capacityBytes())).containsEntry("maxmemory_policy", "noeviction")
                .containsKeys("used_memory", "used_memory_human", "uptime_in_seconds", "run_id",
                        "total_commands_processed", "expired_keys", "master_replid");
        assertThat(f.get("run_id")).hasSize(40).isEqualTo(f.get("master_replid"));
        assertThat(Long.parseLong(f.get("used_memory"))).isEqualTo(kv.kv.usedBytes());
    }

    @Test
    void shouldSelectSectionsWithoutCaseAndIgnoreUnknownOnes() {
        assertThat(info("KEYSPACE")).isEqualTo("# Keyspace\r\n");
        assertThat(info("nosuch")).isEmpty();
        assertThat(info("cpu", "commandstats")).isEmpty();
        assertThat(info("keyspace", "server").lines().filter(l -> l.startsWith("# ")).toList())
                .containsExactly("# Server", "# Keyspace");
        assertThat(info("everything").lines().filter(l -> l.startsWith("# ")).toList())
                .isEqualTo(info("default").lines().filter(l -> l.startsWith("# ")).toList()).hasSize(7);
        kv.run("SET", "a", "1", "EX", "100");
        kv.run("SET", "b", "1");
        assertThat(info("keyspace")).isEqualTo("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n");
    }

    @Test
    void shouldCountCommandsAndExpiredKeysUntilResetstat() {
        kv.run("SET", "a", "1", "PX", "100");
        kv.run("SET", "b", "1", "PX", "100");
        kv.run("GET", "a");
        kv.clock.advanceMs(100);
        kv.run("GET", "a");
        kv.kv.onTick(kv.clock.nowMs());
        kv.run("NOSUCH");
        kv.run("GET");
        Map<String, String> f = fields(info("stats"));
        assertThat(f).containsEntry("expired_keys", "2").containsEntry("total_error_replies", "2")
                .containsEntry("total_commands_processed", "4").containsEntry("evicted_keys", "0");
        assertThat(kv.run("CONFIG", "RESETSTAT")).isEqualTo(Reply.OK);
        assertThat(fields(info("stats"))).containsEntry("expired_keys", "0").containsEntry("total_commands_processed", "1")
                .containsEntry("total_error_replies", "0");
    }

    @Test
    void shouldPrintMemoryAsRedisDoes() {
        assertThat(InfoCommand.human(1023)).isEqualTo("1023B");
        assertThat(InfoCommand.human(1024)).isEqualTo("1.00K");
        assertThat(InfoCommand.human(1536 * 1024)).isEqualTo("1.50M");
        assertThat(InfoCommand.human(256L << 20)).isEqualTo("256.00M");
        assertThat(InfoCommand.human(3L << 30)).isEqualTo("3.00G");
        assertThat(fields(info("memory"))).containsEntry("maxmemory_human", "256.00M");
    }

    @Test
    void shouldAnswerConfigGetWithWhatTheProcessDoes() {
        Reply.Array r = (Reply.Array) kv.run("CONFIG", "GET", "save", "appendonly", "databases", "maxmemory", "NO-SUCH");
        assertThat(r.items()).containsExactly(Reply.bulk("save"), Reply.bulk(""), Reply.bulk("appendonly"), Reply.bulk("no"),
                Reply.bulk("databases"), Reply.bulk("1"), Reply.bulk("maxmemory"), Reply.bulk(Long.toString(kv.memory.capacityBytes())));
        assertThat(((Reply.Array) kv.run("CONFIG", "GET", "MAXMEMORY*")).items())
                .containsExactly(Reply.bulk("maxmemory"), Reply.bulk(Long.toString(kv.memory.capacityBytes())),
                        Reply.bulk("maxmemory-policy"), Reply.bulk("noeviction"));
        assertThat(((Reply.Array) kv.run("CONFIG", "GET", "*")).items()).hasSizeGreaterThan(15);
    }
}
