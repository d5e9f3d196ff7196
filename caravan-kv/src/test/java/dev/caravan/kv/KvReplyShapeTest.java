package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kv process answers in the shape of the protocol its {@link CurrentClient} speaks, set
 * here directly as the session layer sets it after HELLO (redis-server 7.0.15's bytes).
 */
class KvReplyShapeTest {
    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    private String resp(int protocol, String... command) {
        kv.kv.currentClient().protocol(protocol);
        return new String(RespWriter.encode(kv.run(command)), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerHashesAndConfigAsMapsInRespThree() {
        kv.run("HSET", "h", "a", "1", "b", "2");
        assertThat(resp(3, "HGETALL", "h")).isEqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(resp(2, "HGETALL", "h")).isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(resp(3, "CONFIG", "GET", "save")).isEqualTo("%1\r\n$4\r\nsave\r\n$0\r\n\r\n");
        assertThat(resp(3, "HGETALL", "none")).isEqualTo("%0\r\n");
    }

    @Test
    void shouldAnswerWholeSetsAsSetsInRespThree() {
        kv.run("SADD", "s", "x");
        assertThat(resp(3, "SMEMBERS", "s")).isEqualTo("~1\r\n$1\r\nx\r\n");
        assertThat(resp(3, "SINTER", "s", "s")).isEqualTo("~1\r\n$1\r\nx\r\n");
        assertThat(resp(3, "SRANDMEMBER", "s", "-2")).isEqualTo("*2\r\n$1\r\nx\r\n$1\r\nx\r\n");
        assertThat(resp(3, "SPOP", "s", "5")).isEqualTo("~1\r\n$1\r\nx\r\n");
        assertThat(resp(2, "SMEMBERS", "s")).isEqualTo("*0\r\n");
    }

    @Test
    void shouldAnswerScoresAsDoublesAndPairsNestedInRespThree() {
        kv.run("ZADD", "z", "1.5", "a", "2", "b");
        assertThat(resp(3, "ZSCORE", "z", "a")).isEqualTo(",1.5\r\n");
        assertThat(resp(2, "ZSCORE", "z", "a")).isEqualTo("$3\r\n1.5\r\n");
        assertThat(resp(3, "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n");
        assertThat(resp(2, "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(resp(3, "ZMSCORE", "z", "b", "none")).isEqualTo("*2\r\n,2\r\n_\r\n");
        assertThat(resp(3, "ZPOPMIN", "z")).isEqualTo("*2\r\n$1\r\na\r\n,1.5\r\n");
        assertThat(resp(3, "ZPOPMAX", "z", "1")).isEqualTo("*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    }

    @Test
    void shouldAnswerNullsAsRespThreeNulls() {
        assertThat(resp(3, "GET", "none")).isEqualTo("_\r\n");
        assertThat(resp(3, "LPOP", "none", "2")).isEqualTo("_\r\n");
        assertThat(resp(2, "LPOP", "none", "2")).isEqualTo("*-1\r\n");
        assertThat(resp(3, "COMMAND", "INFO", "nosuch")).isEqualTo("*1\r\n_\r\n");
        assertThat(resp(3, "INFO", "nosuch")).isEqualTo("=4\r\ntxt:\r\n");
    }
}
