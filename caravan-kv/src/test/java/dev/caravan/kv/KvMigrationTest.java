package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The data types live in pages: copying the pages (and the object state) moves them. */
class KvMigrationTest {
    @Test
    void shouldCarryEveryTypeAcrossAPageByPageCopy() {
        try (KvHarness source = new KvHarness()) {
            source.run("SET", "s", "string");
            for (int i = 0; i < 3000; i++) {
                source.run("HSET", "h", "f" + i, "v" + i);
                source.run("RPUSH", "l", "e" + i);
                source.run("SADD", "set", "m" + i);
                source.run("ZADD", "z", Integer.toString(i % 100), "m" + i);
            }
            source.run("EXPIRE", "h", "100");
            try (KvHarness dest = source.migrate()) {
                assertThat(dest.integer("DBSIZE")).isEqualTo(5);
                assertThat(dest.text("GET", "s")).isEqualTo("string");
                assertThat(dest.text("HGET", "h", "f2999")).isEqualTo("v2999");
                assertThat(dest.integer("HLEN", "h")).isEqualTo(3000);
                assertThat(dest.integer("TTL", "h")).isEqualTo(100);
                assertThat(dest.list("LRANGE", "l", "1500", "1502")).containsExactly("e1500", "e1501", "e1502");
                assertThat(dest.integer("SCARD", "set")).isEqualTo(3000);
                assertThat(dest.integer("SISMEMBER", "set", "m42")).isEqualTo(1);
                assertThat(dest.integer("ZRANK", "z", "m999")).isEqualTo(2999);
                assertThat(dest.list("ZRANGE", "z", "0", "1", "WITHSCORES")).containsExactly("m0", "0", "m100", "0");
                assertThat(dest.list("KEYS", "*")).containsExactlyInAnyOrder("s", "h", "l", "set", "z");
                assertThat(dest.integer("RPUSH", "l", "more")).isEqualTo(3001);
                assertThat(dest.integer("ZADD", "z", "-1", "first")).isEqualTo(1);
                assertThat(dest.list("ZPOPMIN", "z")).containsExactly("first", "-1");
                assertThat(dest.run("DEL", "h", "l", "set", "z")).isEqualTo(Reply.integer(4));
                assertThat(dest.list("KEYS", "*")).isEqualTo(List.of("s"));
            }
        }
    }
}
