package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KvHashTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldSetGetAndDeleteFieldsInInsertionOrder() {
        assertThat(kv.integer("HSET", "h", "a", "1", "b", "2")).isEqualTo(2);
        assertThat(kv.integer("HSET", "h", "a", "a value longer than the first", "c", "3")).isEqualTo(1);
        assertThat(kv.list("HGETALL", "h")).containsExactly("a", "a value longer than the first", "b", "2", "c", "3");
        assertThat(kv.list("HMGET", "h", "b", "zz")).containsExactly("2", null);
        assertThat(kv.integer("HDEL", "h", "a", "zz")).isEqualTo(1);
        assertThat(kv.list("HKEYS", "h")).containsExactly("b", "c");
        assertThat(kv.integer("HDEL", "h", "b", "c")).isEqualTo(2);
        assertThat(kv.integer("EXISTS", "h")).isZero();
    }

    @Test
    void shouldIncrementAndRefuseNonIntegers() {
        assertThat(kv.integer("HINCRBY", "h", "n", "5")).isEqualTo(5);
        assertThat(kv.integer("HINCRBY", "h", "n", "-7")).isEqualTo(-2);
        kv.run("HSET", "h", "s", "abc");
        assertThat(kv.run("HINCRBY", "h", "s", "1")).isEqualTo(Reply.error("ERR hash value is not an integer"));
        assertThat(kv.text("HINCRBYFLOAT", "h", "f", "0.1")).isEqualTo("0.1");
        assertThat(kv.text("HINCRBYFLOAT", "h", "f", "0.2")).isEqualTo("0.3");
        kv.run("SET", "str", "x");
        assertThat(kv.run("HGET", "str", "a")).isEqualTo(
                Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    @Test
    void shouldMatchAMapModelThroughGrowthAndShrinking() {
        Map<String, String> model = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            String field = "f" + random.nextInt(3000);
            if (random.nextInt(3) == 0) {
                assertThat(kv.integer("HDEL", "h", field)).isEqualTo(model.remove(field) == null ? 0 : 1);
            } else {
                String value = "v" + i;
                assertThat(kv.integer("HSET", "h", field, value)).isEqualTo(model.put(field, value) == null ? 1 : 0);
            }
        }
        assertThat(kv.integer("HLEN", "h")).isEqualTo(model.size());
        List<String> flat = new ArrayList<>();
        model.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        assertThat(kv.list("HGETALL", "h")).containsExactlyElementsOf(flat);
    }
}
