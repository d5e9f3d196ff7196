package dev.caravan.servers.line;

import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec in memory, no socket. */
class LineCodecTest {
    private final LineCodec codec = new LineCodec(8);

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldDecodeLinesAndWaitForTheRest() {
        ByteBuffer in = bytes("A 1\r\nB 2\nC");
        assertThat(codec.decode(in)).isEqualTo("A 1");
        assertThat(codec.decode(in)).isEqualTo("B 2");
        assertThat(codec.decode(in)).isNull();
        assertThat(in.remaining()).isEqualTo(1);
    }

    @Test
    void shouldRefuseOverlongAndNonUtf8Lines() {
        assertThatThrownBy(() -> codec.decode(bytes("0123456789")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(new byte[]{(byte) 0xFF, '\n'})))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(new byte[]{'a', 0, '\n'})))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
    }

    @Test
    void shouldEncodeErrorsAsErrLinesThatTheClientTurnsBackIntoTypedExceptions() {
        OutBuffer out = new OutBuffer(64);
        codec.encodeError(ErrorCode.NOT_FOUND.exception("no\nsuch"), out);
        String line = new String(out.toByteArray(), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("ERR NOT_FOUND no such\n");
        assertThatThrownBy(() -> LineClient.check(line.strip()))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("no such");
                });
    }
}
