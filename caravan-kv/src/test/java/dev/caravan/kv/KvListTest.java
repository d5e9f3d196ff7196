package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KvListTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldPushPopAndIndexAtBothEnds() {
        assertThat(kv.integer("RPUSH", "l", "b", "c")).isEqualTo(2);
        assertThat(kv.integer("LPUSH", "l", "a")).isEqualTo(3);
        assertThat(kv.list("LRANGE", "l", "0", "-1")).containsExactly("a", "b", "c");
        assertThat(kv.text("LINDEX", "l", "-1")).isEqualTo("c");
        assertThat(kv.list("RPOP", "l", "2")).containsExactly("c", "b");
        assertThat(kv.text("LPOP", "l")).isEqualTo("a");
        assertThat(kv.integer("EXISTS", "l")).isZero();
        assertThat(kv.run("LPOP", "l", "2")).isEqualTo(Reply.NIL_ARRAY);
        assertThat(kv.run("LSET", "l", "0", "x")).isEqualTo(Reply.error("ERR no such key"));
    }

    @Test
    void shouldMatchAListModelAcrossManyNodes() {
        List<String> model = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            String v = "value-" + random.nextInt(50) + "-" + "x".repeat(random.nextInt(40));
            switch (random.nextInt(10)) {
                case 0, 1, 2 -> {
                    kv.run("RPUSH", "l", v);
                    model.add(v);
                }
                case 3, 4, 5 -> {
                    kv.run("LPUSH", "l", v);
                    model.add(0, v);
                }
                case 6 -> {
                    if (!model.isEmpty()) {
                        int at = random.nextInt(model.size());
                        assertThat(kv.run("LSET", "l", Integer.toString(at), v)).isEqualTo(Reply.OK);
                        model.set(at, v);
                    }
                }
                case 7 -> {
                    if (random.nextBoolean()) {
                        Reply r = kv.run("LPOP", "l");
                        assertThat(r).isEqualTo(model.isEmpty() ? Reply.NIL : Reply.bulk(model.remove(0)));
                    } else {
                        Reply r = kv.run("RPOP", "l");
                        assertThat(r).isEqualTo(model.isEmpty() ? Reply.NIL : Reply.bulk(model.remove(model.size() - 1)));
                    }
                }
                case 8 -> {
                    if (random.nextInt(4) != 0) {
                        continue; // LREM walks the whole list: a few suffice
                    }
                    long count = random.nextInt(5) - 2;
                    long removed = removeFromModel(model, count, v);
                    assertThat(kv.integer("LREM", "l", Long.toString(count), v)).as("LREM %d %s", count, v).isEqualTo(removed);
                }
                default -> {
                    if (!model.isEmpty()) {
                        int at = random.nextInt(model.size());
                        assertThat(kv.text("LINDEX", "l", Integer.toString(at))).isEqualTo(model.get(at));
                    }
                }
            }
        }
        assertThat(kv.integer("LLEN", "l")).isEqualTo(model.size());
        assertThat(kv.list("LRANGE", "l", "0", "-1")).containsExactlyElementsOf(model);
        assertThat(kv.list("LRANGE", "l", "100", "2000")).containsExactlyElementsOf(model.subList(100, 2001));
        kv.run("LTRIM", "l", "1000", "-1000");
        assertThat(kv.list("LRANGE", "l", "0", "-1")).containsExactlyElementsOf(model.subList(1000, model.size() - 999));
    }

    private static long removeFromModel(List<String> model, long count, String v) {
        long removed = 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int i = 0; i < model.size() && removed < limit; ) {
                if (model.get(i).equals(v)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = model.size() - 1; i >= 0 && removed < limit; i--) {
                if (model.get(i).equals(v)) {
                    model.remove(i);
                    removed++;
                }
            }
        }
        return removed;
    }
}
