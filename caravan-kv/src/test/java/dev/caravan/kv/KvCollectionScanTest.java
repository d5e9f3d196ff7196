package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCAN, HSCAN, SSCAN and ZSCAN cursors: every element present for a whole scan is returned
 * at least once while the table under it grows, shrinks, or the process migrates mid-scan.
 */
class KvCollectionScanTest {
    private KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldReturnEveryFieldPresentThroughoutAnHscanWhileTheHashGrowsAndShrinks() {
        Set<String> throughout = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            kv.run("HSET", "h", "keep" + i, "v" + i);
            throughout.add("keep" + i);
        }
        Map<String, String> seen = new HashMap<>();
        String cursor = "0";
        int step = 0;
        do {
            Reply.Array r = (Reply.Array) kv.run("HSCAN", "h", cursor, "COUNT", "25");
            cursor = ((Reply.Bulk) r.items().get(0)).text();
            List<Reply> items = ((Reply.Array) r.items().get(1)).items();
            for (int i = 0; i < items.size(); i += 2) {
                seen.put(((Reply.Bulk) items.get(i)).text(), ((Reply.Bulk) items.get(i + 1)).text());
            }
            if (step < 20) {
                for (int i = 0; i < 400; i++) {
                    kv.run("HSET", "h", "grow" + step + ":" + i, "x"); // doublings mid-scan
                }
            } else if (step < 40) {
                for (int i = 0; i < 400; i++) {
                    kv.run("HDEL", "h", "grow" + (step - 20) + ":" + i); // halvings mid-scan
                }
            }
            step++;
        } while (!cursor.equals("0"));
        assertThat(seen.keySet()).containsAll(throughout);
        assertThat(seen.get("keep2999")).isEqualTo("v2999");
        assertThat(step).as("a big hash is scanned in many calls").isGreaterThan(20);
    }

    @Test
    void shouldReturnEveryMemberPresentThroughoutAnSscanAcrossAMigration() {
        Set<String> throughout = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            kv.run("SADD", "s", "m" + i);
            throughout.add("m" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int step = 0;
        do {
            Reply.Array r = (Reply.Array) kv.run("SSCAN", "s", cursor);
            cursor = ((Reply.Bulk) r.items().get(0)).text();
            ((Reply.Array) r.items().get(1)).items().forEach(m -> seen.add(((Reply.Bulk) m).text()));
            if (++step == 30) {
                KvHarness moved = kv.migrate();
                kv.close();
                kv = moved;
                for (int i = 0; i < 3000; i++) {
                    kv.run("SADD", "s", "after" + i);
                }
            }
        } while (!cursor.equals("0"));
        assertThat(step).isGreaterThan(30);
        assertThat(seen).containsAll(throughout);
    }

    @Test
    void shouldReturnScoresWithMembersInZscanAndKeysInScanAcrossAMigration() {
        for (int i = 0; i < 1000; i++) {
            kv.run("ZADD", "z", i + ".5", "m" + i);
            kv.run("SET", "k" + i, "v");
        }
        Map<String, String> scores = new HashMap<>();
        Set<String> keys = new HashSet<>();
        String zc = "0";
        String kc = "0";
        int step = 0;
        do {
            if (!zc.equals("done")) {
                Reply.Array r = (Reply.Array) kv.run("ZSCAN", "z", zc, "COUNT", "50");
                zc = ((Reply.Bulk) r.items().get(0)).text();
                List<Reply> items = ((Reply.Array) r.items().get(1)).items();
                for (int i = 0; i < items.size(); i += 2) {
                    scores.put(((Reply.Bulk) items.get(i)).text(), ((Reply.Bulk) items.get(i + 1)).text());
                }
                zc = zc.equals("0") ? "done" : zc;
            }
            if (!kc.equals("done")) {
                Reply.Array r = (Reply.Array) kv.run("SCAN", kc, "COUNT", "50", "MATCH", "k*");
                kc = ((Reply.Bulk) r.items().get(0)).text();
                ((Reply.Array) r.items().get(1)).items().forEach(k -> keys.add(((Reply.Bulk) k).text()));
                kc = kc.equals("0") ? "done" : kc;
            }
            if (++step == 5) {
                KvHarness moved = kv.migrate();
                kv.close();
                kv = moved;
            }
        } while (!zc.equals("done") || !kc.equals("done"));
        assertThat(scores).hasSize(1000).containsEntry("m7", "7.5").containsEntry("m999", "999.5");
        assertThat(keys).hasSize(1000);
    }

    @Test
    void shouldReturnSmallCollectionsWholeInTheirOrder() {
        kv.run("HSET", "h", "z", "1", "a", "2", "m", "3");
        kv.run("ZADD", "z", "3", "c", "1", "a", "2", "b");
        assertThat(items(kv.run("HSCAN", "h", "0", "COUNT", "1"))).containsExactly("z", "1", "a", "2", "m", "3");
        assertThat(items(kv.run("ZSCAN", "z", "0", "COUNT", "1"))).containsExactly("a", "1", "b", "2", "c", "3");
        assertThat(items(kv.run("HSCAN", "h", "0", "MATCH", "[am]"))).containsExactly("a", "2", "m", "3");
        assertThat(((Reply.Bulk) ((Reply.Array) kv.run("HSCAN", "h", "0")).items().get(0)).text()).isEqualTo("0");
    }

    private static List<String> items(Reply r) {
        List<String> out = new ArrayList<>();
        ((Reply.Array) ((Reply.Array) r).items().get(1)).items().forEach(i -> out.add(((Reply.Bulk) i).text()));
        return out;
    }
}
