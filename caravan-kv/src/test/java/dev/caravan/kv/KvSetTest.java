package dev.caravan.kv;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KvSetTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldAddRemoveAndCombineSets() {
        assertThat(kv.integer("SADD", "a", "x", "y", "z", "x")).isEqualTo(3);
        kv.run("SADD", "b", "y", "z", "w");
        assertThat(kv.list("SINTER", "a", "b")).containsExactlyInAnyOrder("y", "z");
        assertThat(kv.list("SUNION", "a", "b")).containsExactlyInAnyOrder("x", "y", "z", "w");
        assertThat(kv.list("SDIFF", "a", "b")).containsExactly("x");
        assertThat(kv.integer("SREM", "a", "x", "q")).isEqualTo(1);
        assertThat(kv.integer("SISMEMBER", "a", "x")).isZero();
        assertThat(kv.integer("SCARD", "a")).isEqualTo(2);
    }

    @Test
    void shouldPopAndSampleDistinctMembersUntilEmpty() {
        for (int i = 0; i < 1000; i++) {
            kv.run("SADD", "s", "m" + i);
        }
        List<String> sample = kv.list("SRANDMEMBER", "s", "100");
        assertThat(new HashSet<>(sample)).hasSize(100);
        assertThat(kv.list("SRANDMEMBER", "s", "-2000")).hasSize(2000);
        Set<String> popped = new HashSet<>();
        for (int i = 0; i < 999; i++) {
            popped.add(kv.text("SPOP", "s"));
        }
        popped.addAll(kv.list("SPOP", "s", "5"));
        assertThat(popped).hasSize(1000);
        assertThat(kv.integer("EXISTS", "s")).isZero();
    }
}
