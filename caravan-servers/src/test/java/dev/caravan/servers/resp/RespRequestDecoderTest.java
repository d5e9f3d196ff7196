package dev.caravan.servers.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RespRequestDecoderTest {
    /** Every command the non-blocking decoder finds in {@code input}, fed in one buffer. */
    private static List<List<String>> decode(String input) {
        RespRequestDecoder d = new RespRequestDecoder(RespLimits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1));
        List<List<String>> out = new ArrayList<>();
        Command c;
        while ((c = d.decode(in)) != null) {
            out.add(words(c));
        }
        return out;
    }

    /** What the stream reader (the reference splitter, Redis's sdssplitargs) finds. */
    private static List<List<String>> reference(String input) throws Exception {
        RespReader r = new RespReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)));
        List<List<String>> out = new ArrayList<>();
        Command c;
        while ((c = r.read()) != null) {
            out.add(words(c));
        }
        return out;
    }

    private static List<String> words(Command c) {
        List<String> w = new ArrayList<>();
        for (byte[] a : c.args()) {
            w.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return w;
    }

    @Test
    void shouldSplitInlineCommandsAsTheReferenceSplitterDoes() throws Exception {
        String[] lines = {"PING\r\n", "  SET  k\tv \r\n", "GET a\\b\n", "\r\n", "ECHO \"x y\" 'z'\r\n",
                "SET k \"a\\x41\\n\"\r\n", "PING\r\nPING\r\n", "SET \u00ff\u0080 v\r\n", "x\u000by\u000cz\r\n"};
        for (String line : lines) {
            assertThat(decode(line)).as(line).isEqualTo(reference(line));
        }
    }

    @Test
    void shouldDecodePipelinedMultibulkAndInlineCommandsInOrder() {
        assertThat(decode("*1\r\n$4\r\nPING\r\nGET k\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
                .containsExactly(List.of("PING"), List.of("GET", "k"), List.of("GET", "k"));
    }
}
