package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RespReaderTest {
    private static RespReader reader(String s) {
        return new RespReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static void assertProtocolError(String input, ErrorCode code, String message) {
        assertThatThrownBy(() -> reader(input).read())
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessage(message);
    }

    @Test
    void shouldReadMultibulkCommand() throws IOException {
        RespReader r = reader("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$5\r\nhello\r\n");
        assertThat(r.read()).isEqualTo(Command.of("SET", "a", "hello"));
        assertThat(r.read()).isNull();
    }

    @Test
    void shouldReadInlineCommandsAndSkipEmptyLines() throws IOException {
        RespReader r = reader("PING\r\n\r\n\nSET a  \"b c\\x41\\n\" 'it\\'s'\nget a\r\n");
        assertThat(r.read()).isEqualTo(Command.of("PING"));
        assertThat(r.read()).isEqualTo(Command.of("SET", "a", "b cA\n", "it's"));
        assertThat(r.read().name()).isEqualTo("GET");
        assertThat(r.read()).isNull();
    }

    @Test
    void shouldSkipEmptyMultibulks() throws IOException {
        assertThat(reader("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n").read()).isEqualTo(Command.of("PING"));
    }

    @Test
    void shouldReportPipelinedInputAsBuffered() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append("*2\r\n$3\r\nGET\r\n$2\r\nk").append((char) ('a' + i)).append("\r\n");
        }
        RespReader r = reader(b.toString());
        for (int i = 0; i < 15; i++) {
            assertThat(r.read().text(1)).isEqualTo("k" + (char) ('a' + i));
            assertThat(r.hasBufferedInput()).isTrue();
        }
        r.read();
        assertThat(r.hasBufferedInput()).isFalse();
        assertThat(r.read()).isNull();
    }

    @Test
    void shouldKeepBinaryValuesIntact() throws IOException {
        byte[] value = new byte[3_000_000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31);
        }
        value[5] = '\r';
        value[6] = '\n';
        byte[] wire = RespCommandWriter.encode(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII),
                {0, '\r', '\n', (byte) 0xff}, value}));
        Command c = new RespReader(new TrickleInputStream(wire, 7000), RespLimits.DEFAULTS.onHeap()).read();
        assertThat(c.arg(1)).containsExactly(0, '\r', '\n', 0xff);
        assertThat(Arrays.equals(c.arg(2), value)).isTrue();
    }

    @Test
    void shouldParseCommandsSplitAcrossReads() throws IOException {
        byte[] wire = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        RespReader r = new RespReader(new TrickleInputStream(wire, 1));
        assertThat(r.read()).isEqualTo(Command.of("ECHO", "hello"));
        assertThat(r.read()).isEqualTo(Command.of("PING"));
        assertThat(r.read()).isNull();
    }

    @Test
    void shouldWordProtocolErrorsLikeRedis() {
        assertProtocolError("*x\r\n", ErrorCode.MALFORMED, "Protocol error: invalid multibulk length");
        assertProtocolError("*2147483648\r\n", ErrorCode.TOO_LARGE, "Protocol error: invalid multibulk length");
        assertProtocolError("*1\r\n$-3\r\n", ErrorCode.MALFORMED, "Protocol error: invalid bulk length");
        assertProtocolError("*1\r\n$abc\r\n", ErrorCode.MALFORMED, "Protocol error: invalid bulk length");
        assertProtocolError("*1\r\n$999999999999\r\n", ErrorCode.TOO_LARGE, "Protocol error: invalid bulk length");
        assertProtocolError("*1\r\nxyz\r\n", ErrorCode.MALFORMED, "Protocol error: expected '$', got 'x'");
        assertProtocolError("SET a \"b\r\n", ErrorCode.MALFORMED, "Protocol error: unbalanced quotes in request");
        assertProtocolError("*1\r\n$1\r\nab\r\n", ErrorCode.MALFORMED,
                "Protocol error: bulk string not terminated by CRLF");
    }

    @Test
    void shouldRefuseTooBigInlineRequest() {
        String big = "SET a " + "x".repeat(70 * 1024);
        assertProtocolError(big, ErrorCode.TOO_LARGE, "Protocol error: too big inline request");
        assertProtocolError("*" + "1".repeat(70 * 1024), ErrorCode.TOO_LARGE,
                "Protocol error: too big mbulk count string");
    }

    @Test
    void shouldRefuseHugeBulkBeforeAllocating() {
        RespLimits small = new RespLimits(1024, 16, 1024);
        assertThatThrownBy(() -> new RespReader(new ByteArrayInputStream(
                "*1\r\n$1025\r\n".getBytes(StandardCharsets.US_ASCII)), small).read())
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void shouldRaiseEofWhenStreamEndsInsideCommand() {
        assertThatThrownBy(() -> reader("*2\r\n$3\r\nGET\r\n").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("*1\r\n$100\r\nabc").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("*1\r\n$500000000\r\nabc").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("PING").read()).isInstanceOf(EOFException.class);
    }

    /** Hands out at most {@code chunk} bytes per read, as a slow network does. */
    static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private final int chunk;
        private int pos;

        TrickleInputStream(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
