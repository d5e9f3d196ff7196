package dev.caravan.cli;

import dev.caravan.cli.out.Json;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code call --json}: every RESP3 reply type as the JSON value a script expects. */
class ReplyFormatTest {
    /** The JSON text without white space (the printer may indent). */
    private static String json(Reply r) {
        return Json.write(ReplyFormat.toJson(r)).replaceAll("\\s", "");
    }

    private static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteEachReplyTypeAsItsJsonValue() {
        assertThat(json(new Reply.Simple("OK"))).isEqualTo("\"OK\"");
        assertThat(json(new Reply.Int(42))).isEqualTo("42");
        assertThat(json(bulk("a\"b"))).isEqualTo("\"a\\\"b\"");
        assertThat(json(new Reply.Nil())).isEqualTo("null");
        assertThat(json(new Reply.Bool(true))).isEqualTo("true");
        assertThat(json(new Reply.Double("1.5"))).isEqualTo("1.5");
        assertThat(json(new Reply.Double("inf"))).isEqualTo("\"inf\"");
        assertThat(json(new Reply.BigNumber("123456789012345678901234567890"))).isEqualTo("\"123456789012345678901234567890\"");
        assertThat(json(new Reply.Error("WRONGTYPE-no"))).isEqualTo("{\"error\":\"WRONGTYPE-no\"}");
        assertThat(json(new Reply.Array(List.of(new Reply.Int(1), bulk("x"), new Reply.Nil()))))
                .isEqualTo("[1,\"x\",null]");
        assertThat(json(new Reply.Map(List.of(bulk("k"), new Reply.Int(2))))).isEqualTo("{\"k\":2}");
    }
}
