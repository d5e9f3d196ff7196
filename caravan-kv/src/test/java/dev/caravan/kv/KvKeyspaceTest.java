package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KvKeyspaceTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldReturnEveryKeyPresentThroughoutAScanWhileTheTableGrows() {
        Set<String> throughout = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            kv.run("SET", "old" + i, "v");
            throughout.add("old" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int added = 0;
        int calls = 0;
        do {
            Reply.Array r = (Reply.Array) kv.run("SCAN", cursor, "COUNT", "7");
            cursor = ((Reply.Bulk) r.items().get(0)).text();
            for (Reply k : ((Reply.Array) r.items().get(1)).items()) {
                seen.add(((Reply.Bulk) k).text());
            }
            for (int i = 0; i < 200 && calls < 40; i++) {
                kv.run("SET", "new" + added++, "v"); // several doublings mid-scan (a table growing forever is never scanned through)
            }
            if (calls % 3 == 0) {
                kv.run("DEL", "new" + (added - 1), "new" + (added - 7));
            }
            calls++;
        } while (!cursor.equals("0"));
        assertThat(seen).containsAll(throughout);
        assertThat(kv.integer("DBSIZE")).isGreaterThan(7000);
    }

    @Test
    void shouldFilterScanByPatternAndType() {
        kv.run("SET", "user:1", "a");
        kv.run("HSET", "user:2", "f", "v");
        kv.run("LPUSH", "item:1", "x");
        assertThat(scanAll("MATCH", "user:*")).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(scanAll("TYPE", "hash")).containsExactly("user:2");
        assertThat(scanAll("MATCH", "*:1", "TYPE", "list")).containsExactly("item:1");
        assertThat(kv.run("SCAN", "x")).isEqualTo(Reply.error("ERR invalid cursor"));
    }

    @Test
    void shouldExpireCollectionsActivelyAndReuseTheirMemory() {
        kv.run("SET", "keep", "v");
        long baseline = kv.kv.usedBytes();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 300; i++) {
                kv.run("HSET", "h" + i, "a", "1", "b", "2");
                kv.run("RPUSH", "l" + i, "x", "y");
                kv.run("ZADD", "z" + i, "1", "m");
                kv.run("SADD", "s" + i, "m");
                for (String k : List.of("h", "l", "z", "s")) {
                    kv.run("PEXPIRE", k + i, "1000");
                }
            }
            long full = kv.kv.usedBytes();
            kv.clock.advanceMs(1000);
            for (int tick = 0; tick < 10 && kv.kv.keyCount() > 1; tick++) {
                kv.kv.onTick(kv.clock.nowMs());
            }
            assertThat(kv.kv.keyCount()).isEqualTo(1);
            assertThat(kv.kv.usedBytes()).isLessThan(full).isLessThanOrEqualTo(baseline + 64 * 1024);
        }
        assertThat(kv.kv.reservedBytes()).as("freed blocks are reused, not bumped past").isLessThan(4L << 20);
        assertThat(((Reply.Bulk) kv.run("INFO")).text()).contains("db0:keys=1,expires=0");
    }

    @Test
    void shouldFreeEverythingOnFlushall() {
        for (int i = 0; i < 1000; i++) {
            kv.run("ZADD", "z", Integer.toString(i), "m" + i);
            kv.run("RPUSH", "l", "e" + i);
        }
        long empty;
        try (KvHarness fresh = new KvHarness()) {
            empty = fresh.kv.usedBytes();
        }
        assertThat(kv.run("FLUSHALL")).isEqualTo(Reply.OK);
        assertThat(kv.integer("DBSIZE")).isZero();
        assertThat(kv.kv.usedBytes()).isEqualTo(empty);
    }

    private List<String> scanAll(String... options) {
        List<String> out = new java.util.ArrayList<>();
        String cursor = "0";
        do {
            String[] args = new String[2 + options.length];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            Reply.Array r = (Reply.Array) kv.run(args);
            cursor = ((Reply.Bulk) r.items().get(0)).text();
            ((Reply.Array) r.items().get(1)).items().forEach(k -> out.add(((Reply.Bulk) k).text()));
        } while (!cursor.equals("0"));
        return out;
    }
}
