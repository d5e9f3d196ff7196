package dev.caravan.wire.resp;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RespWriterTest {
    private static String encode(Reply r) {
        return new String(RespWriter.encode(r), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldEncodeEveryReplyKind() {
        assertThat(encode(Reply.OK)).isEqualTo("+OK\r\n");
        assertThat(encode(new Reply.Simple("PONG"))).isEqualTo("+PONG\r\n");
        assertThat(encode(Reply.error("ERR syntax error"))).isEqualTo("-ERR syntax error\r\n");
        assertThat(encode(Reply.integer(0))).isEqualTo(":0\r\n");
        assertThat(encode(Reply.integer(-1234567890123L))).isEqualTo(":-1234567890123\r\n");
        assertThat(encode(Reply.integer(Long.MIN_VALUE))).isEqualTo(":" + Long.MIN_VALUE + "\r\n");
        assertThat(encode(Reply.integer(Long.MAX_VALUE))).isEqualTo(":" + Long.MAX_VALUE + "\r\n");
        assertThat(encode(Reply.bulk("abc"))).isEqualTo("$3\r\nabc\r\n");
        assertThat(encode(Reply.NIL)).isEqualTo("$-1\r\n");
        assertThat(encode(Reply.NIL_ARRAY)).isEqualTo("*-1\r\n");
        assertThat(encode(new Reply.Array(List.of(Reply.bulk("a"), Reply.integer(1)))))
                .isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
    }

    @Test
    void shouldRoundTripThroughReplyReader() throws IOException {
        byte[] big = new byte[1 << 21];
        big[100] = '\n';
        Reply nested = new Reply.Array(List.of(Reply.OK, Reply.error("ERR x"), Reply.integer(-5), Reply.NIL,
                Reply.NIL_ARRAY, new Reply.Array(List.of()), Reply.bulk("")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RespWriter w = new RespWriter(out);
        for (int i = 0; i < 1000; i++) {
            w.write(Reply.integer(i));
        }
        w.write(nested);
        w.write(new Reply.Bulk(big));
        w.flush();
        RespReplyReader r = new RespReplyReader(new ByteArrayInputStream(out.toByteArray()));
        for (int i = 0; i < 1000; i++) {
            assertThat(r.read()).isEqualTo(Reply.integer(i));
        }
        Reply back = r.read();
        assertThat(back).isInstanceOf(Reply.Array.class);
        List<Reply> items = ((Reply.Array) back).items();
        assertThat(items.subList(0, 6)).isEqualTo(((Reply.Array) nested).items().subList(0, 6));
        assertThat(((Reply.Bulk) items.get(6)).value()).isEmpty();
        assertThat(((Reply.Bulk) r.read()).value()).isEqualTo(big);
        assertThat(r.read()).isNull();
    }
}
