package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionLinkTest {
    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void assertMalformed(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void shouldWriteTheRequestsAsTheClassCommentDrawsThem() {
        assertThat(ascii(RespCommandWriter.encode(SessionLink.hello("tok"))))
                .isEqualTo("*3\r\n$12\r\nCARAVAN.LINK\r\n$1\r\n1\r\n$3\r\ntok\r\n");
        assertThat(ascii(RespCommandWriter.encode(SessionLink.batchHeader(42, "1.2.3.4:5", "6.7.8.9:10", 3))))
                .isEqualTo("*5\r\n$13\r\nCARAVAN.BATCH\r\n$2\r\n42\r\n$9\r\n1.2.3.4:5\r\n$10\r\n6.7.8.9:10\r\n$1\r\n3\r\n");
        assertThat(ascii(RespCommandWriter.encode(SessionLink.closed(Long.MAX_VALUE))))
                .isEqualTo("*2\r\n$14\r\nCARAVAN.CLOSED\r\n$19\r\n9223372036854775807\r\n");
    }

    @Test
    void shouldFrameControlRepliesAsFlagsAndRestoreThem() throws Exception {
        Reply[] replies = {Reply.OK, Reply.SUPPRESSED, new Reply.Closing(Reply.bulk("bye")),
                new Reply.Closing(Reply.SUPPRESSED), new Reply.Map(List.of(Reply.bulk("k"), Reply.integer(1)))};

        byte[] bytes = RespWriter.encode(SessionLink.frame(replies));

        assertThat(ascii(bytes)).isEqualTo("*6\r\n$5\r\n.sck.\r\n+OK\r\n$-1\r\n$3\r\nbye\r\n$-1\r\n%1\r\n$1\r\nk\r\n:1\r\n");
        Reply read = new RespReplyReader(new ByteArrayInputStream(bytes)).read();
        assertThat(SessionLink.unframe(read, 5)).containsExactly(replies);
    }

    @Test
    void shouldRefuseAFrameThatIsOutOfStep() {
        Reply two = SessionLink.frame(new Reply[] {Reply.OK, Reply.OK});

        assertMalformed(() -> SessionLink.unframe(two, 3), "expected a framed reply of 3 replies");
        assertMalformed(() -> SessionLink.unframe(Reply.OK, 1), "expected a framed reply of 1 replies");
        assertMalformed(() -> SessionLink.unframe(new Reply.Array(List.of(Reply.bulk("x"), Reply.OK)), 1), "unknown reply flag");
        assertThatThrownBy(() -> SessionLink.frame(new Reply[] {new Reply.Blocked(0, Reply.NIL)}))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldParseHeadersStrictly() {
        assertThat(SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "0", "a", "b", "65536")))
                .isEqualTo(new SessionLink.Header(0, "a", "b", 65536));
        assertThat(SessionLink.parseClosed(Command.of("CARAVAN.CLOSED", "9223372036854775807"))).isEqualTo(Long.MAX_VALUE);

        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "1", "a", "b")), "expected CARAVAN.BATCH");
        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "-1", "a", "b", "1")), "invalid session id");
        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "01", "a", "b", "1")), "invalid session id");
        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "1", "a", "b", "0")), "1..65536 commands");
        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "1", "a", "b", "65537")), "1..65536 commands");
        assertMalformed(() -> SessionLink.parseBatch(Command.of("CARAVAN.BATCH", "1", "a".repeat(257), "b", "1")),
                "longer than 256 bytes");
        assertMalformed(() -> SessionLink.parseClosed(Command.of("CARAVAN.CLOSED", "9223372036854775808")), "invalid session id");
        assertThat(SessionLink.admits(SessionLink.hello("tok"), "tok")).isTrue();
        assertThat(SessionLink.admits(SessionLink.hello("tok"), "other")).isFalse();
        assertMalformed(() -> SessionLink.admits(Command.of("CARAVAN.LINK", "2", "tok"), "tok"), "expected 'CARAVAN.LINK 1");
    }
}
