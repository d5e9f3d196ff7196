package dev.caravan.kv;

import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolShapeTest {
    private static String resp(Reply r, int protocol) {
        return new String(RespWriter.encode(ProtocolShape.shape(r, protocol)), StandardCharsets.UTF_8);
    }

    @Test
    void shouldGiveRespTwoClientsRespTwoKindsOnly() {
        assertThat(resp(new Reply.Map(List.of(Reply.bulk("a"), Reply.integer(1))), 2)).isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
        assertThat(resp(new Reply.Set(List.of(Reply.bulk("x"))), 2)).isEqualTo("*1\r\n$1\r\nx\r\n");
        assertThat(resp(new Reply.Double("1.5"), 2)).isEqualTo("$3\r\n1.5\r\n");
        assertThat(resp(new Reply.Double("-inf"), 2)).isEqualTo("$4\r\n-inf\r\n");
        assertThat(resp(new Reply.Bool(true), 2)).isEqualTo(":1\r\n");
        assertThat(resp(new Reply.Bool(false), 2)).isEqualTo(":0\r\n");
        assertThat(resp(new Reply.BigNumber("12345678901234567890"), 2)).isEqualTo("$20\r\n12345678901234567890\r\n");
        assertThat(resp(new Reply.Verbatim("txt", "# Server\r\n".getBytes(StandardCharsets.UTF_8)), 2))
                .isEqualTo("$10\r\n# Server\r\n\r\n");
        assertThat(resp(Reply.NULL, 2)).isEqualTo("$-1\r\n");
        assertThat(resp(Reply.NIL, 2)).isEqualTo("$-1\r\n");
        assertThat(resp(Reply.NIL_ARRAY, 2)).isEqualTo("*-1\r\n");
    }

    @Test
    void shouldGiveRespThreeClientsNullsForBothRespTwoNulls() {
        assertThat(resp(Reply.NIL, 3)).isEqualTo("_\r\n");
        assertThat(resp(Reply.NIL_ARRAY, 3)).isEqualTo("_\r\n");
        assertThat(resp(new Reply.Map(List.of(Reply.bulk("k"), Reply.NIL)), 3)).isEqualTo("%1\r\n$1\r\nk\r\n_\r\n");
        assertThat(resp(new Reply.Double("0.5"), 3)).isEqualTo(",0.5\r\n");
        assertThat(resp(new Reply.Verbatim("txt", "x".getBytes(StandardCharsets.UTF_8)), 3)).isEqualTo("=5\r\ntxt:x\r\n");
    }

    @Test
    void shouldConvertNestedRepliesAtEveryDepth() {
        Reply nested = new Reply.Array(List.of(
                new Reply.Array(List.of(Reply.bulk("m"), new Reply.Double("2"))),
                new Reply.Set(List.of(new Reply.Map(List.of(Reply.bulk("f"), new Reply.Set(List.of(Reply.NIL))))))));
        assertThat(resp(nested, 2)).isEqualTo("*2\r\n*2\r\n$1\r\nm\r\n$1\r\n2\r\n*1\r\n*2\r\n$1\r\nf\r\n*1\r\n$-1\r\n");
        assertThat(resp(nested, 3)).isEqualTo("*2\r\n*2\r\n$1\r\nm\r\n,2\r\n~1\r\n%1\r\n$1\r\nf\r\n~1\r\n_\r\n");
    }

    @Test
    void shouldReturnRepliesThatNeedNoChangeAsTheyAre() {
        Reply flat = new Reply.Array(List.of(Reply.bulk("a"), Reply.integer(1), Reply.OK));
        assertThat(ProtocolShape.shape(flat, 2)).isSameAs(flat);
        assertThat(ProtocolShape.shape(flat, 3)).isSameAs(flat);
        Reply map = new Reply.Map(List.of(Reply.bulk("a"), Reply.bulk("b")));
        assertThat(ProtocolShape.shape(map, 3)).isSameAs(map);
        assertThat(ProtocolShape.shape(Reply.OK, 2)).isSameAs(Reply.OK);
        assertThat(ProtocolShape.shape(Reply.SUPPRESSED, 3)).isSameAs(Reply.SUPPRESSED);
    }

    @Test
    void shouldShapeWhatControlRepliesCarry() {
        assertThat(ProtocolShape.shape(new Reply.Closing(new Reply.Double("1")), 2))
                .isEqualTo(new Reply.Closing(Reply.bulk("1")));
        assertThat(ProtocolShape.shape(new Reply.Blocked(5, Reply.NIL_ARRAY), 3)).isEqualTo(new Reply.Blocked(5, Reply.NULL));
        Reply closing = new Reply.Closing(Reply.OK);
        assertThat(ProtocolShape.shape(closing, 3)).isSameAs(closing);
    }

    @Test
    void shouldRefuseOtherProtocolVersions() {
        assertThatThrownBy(() -> ProtocolShape.shape(Reply.OK, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
