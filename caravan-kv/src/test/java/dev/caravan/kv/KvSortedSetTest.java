package dev.caravan.kv;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KvSortedSetTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldOrderByScoreThenMember() {
        kv.run("ZADD", "z", "2", "b", "1", "c", "1", "a", "3", "d");
        assertThat(kv.list("ZRANGE", "z", "0", "-1", "WITHSCORES")).containsExactly("a", "1", "c", "1", "b", "2", "d", "3");
        assertThat(kv.list("ZRANGE", "z", "(1", "+inf", "BYSCORE", "REV", "LIMIT", "0", "1")).isEqualTo(List.of());
        assertThat(kv.list("ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "0", "1")).containsExactly("d");
        assertThat(kv.integer("ZRANK", "z", "b")).isEqualTo(2);
        assertThat(kv.integer("ZCOUNT", "z", "1", "2")).isEqualTo(3);
        assertThat(kv.text("ZINCRBY", "z", "0.5", "a")).isEqualTo("1.5");
        assertThat(kv.list("ZPOPMIN", "z")).containsExactly("c", "1");
        assertThat(kv.list("ZPOPMAX", "z", "2")).containsExactly("d", "3", "b", "2");
    }

    @Test
    void shouldMatchAModelOfRanksAndRangesAtScale() {
        Map<String, Double> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            String m = "m" + random.nextInt(4000);
            if (random.nextInt(4) == 0) {
                assertThat(kv.integer("ZREM", "z", m)).isEqualTo(model.remove(m) == null ? 0 : 1);
            } else {
                double score = random.nextInt(500) / 4.0;
                assertThat(kv.integer("ZADD", "z", Double.toString(score), m)).isEqualTo(model.put(m, score) == null ? 1 : 0);
            }
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(model.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        List<String> members = sorted.stream().map(Map.Entry::getKey).toList();
        assertThat(kv.integer("ZCARD", "z")).isEqualTo(model.size());
        assertThat(kv.list("ZRANGE", "z", "0", "-1")).containsExactlyElementsOf(members);
        for (int k = 0; k < 200; k++) {
            int at = random.nextInt(members.size());
            assertThat(kv.integer("ZRANK", "z", members.get(at))).isEqualTo(at);
            assertThat(kv.list("ZRANGE", "z", Integer.toString(at), Integer.toString(at + 5)))
                    .containsExactlyElementsOf(members.subList(at, Math.min(at + 6, members.size())));
        }
        List<String> between = sorted.stream().filter(e -> e.getValue() > 10 && e.getValue() <= 20).map(Map.Entry::getKey).toList();
        assertThat(kv.list("ZRANGE", "z", "(10", "20", "BYSCORE")).containsExactlyElementsOf(between);
        assertThat(kv.integer("ZCOUNT", "z", "(10", "20")).isEqualTo(between.size());
        assertThat(kv.list("ZRANGE", "z", "20", "(10", "BYSCORE", "REV", "LIMIT", "3", "5"))
                .containsExactlyElementsOf(between.reversed().subList(3, 8));
    }
}
