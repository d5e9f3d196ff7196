package dev.caravan.servers.http;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec's header lines, their lookup, and a request's mapping to a process command. */
class HttpCodecHeadersTest {
    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldKeepHeaderLinesInOrderTrimmedAndNormalized() {
        HttpCodec codec = new HttpCodec(8192, 1 << 20);
        HttpRequest r = codec.decode(bytes("POST /a?b=1 HTTP/1.1\r\nHost:  example \r\nCookie:x=1; caravan-session=abc\r\n"
                + "Content-Length: 3\r\nX-Empty:\r\n\r\nxyz"));
        assertThat(r).isNotNull();
        assertThat(text(r.headers())).isEqualTo("Host: example\r\nCookie: x=1; caravan-session=abc\r\nContent-Length: 3\r\nX-Empty: \r\n");
        assertThat(r.header("host")).isEqualTo("example");
        assertThat(r.header("X-EMPTY")).isEmpty();
        assertThat(r.header("Accept")).isNull();
        assertThat(HttpHeaders.cookie(r.headers(), "caravan-session")).isEqualTo("abc");
        assertThat(HttpHeaders.cookie(r.headers(), "y")).isNull();
        assertThat(text(r.body())).isEqualTo("xyz");
    }

    @Test
    void shouldGiveARequestWithoutHeadersAnEmptyBlock() {
        HttpRequest r = new HttpCodec(8192, 1024).decode(bytes("GET / HTTP/1.0\r\n\r\n"));
        assertThat(r.headers()).isEmpty();
        assertThat(r.keepAlive()).isFalse();
    }

    @Test
    void shouldDecodePipelinedRequestsEachWithItsOwnHeaders() {
        HttpCodec codec = new HttpCodec(8192, 1024);
        ByteBuffer in = bytes("GET /1 HTTP/1.1\r\nA: 1\r\n\r\nGET /2 HTTP/1.1\r\nB: 2\r\nConnection: close\r\n\r\n");
        HttpRequest first = codec.decode(in);
        HttpRequest second = codec.decode(in);
        assertThat(text(first.headers())).isEqualTo("A: 1\r\n");
        assertThat(first.keepAlive()).isTrue();
        assertThat(text(second.headers())).isEqualTo("B: 2\r\nConnection: close\r\n");
        assertThat(second.keepAlive()).isFalse();
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void shouldStillRefuseAHeaderLineWithoutAName() {
        assertThatThrownBy(() -> new HttpCodec(8192, 1024).decode(bytes("GET / HTTP/1.1\r\n: x\r\n\r\n")))
                .isInstanceOf(CaravanException.class).hasMessageContaining("bad header line");
    }

    @Test
    void shouldMapARequestToTheHttpCommandAndBack() {
        HttpRequest r = new HttpCodec(8192, 1024).decode(bytes("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"));
        Command c = HttpExchange.toCommand(r);
        assertThat(c.name()).isEqualTo("HTTP");
        assertThat(c.size()).isEqualTo(5);
        assertThat(c.text(1)).isEqualTo("PUT");
        assertThat(c.text(2)).isEqualTo("/k");
        assertThat(c.text(3)).isEqualTo("Host: h\r\nContent-Length: 2\r\n");
        assertThat(c.text(4)).isEqualTo("hi");
        HttpRequest back = HttpExchange.toRequest(c);
        assertThat(back.method()).isEqualTo("PUT");
        assertThat(back.header("host")).isEqualTo("h");
        assertThat(HttpExchange.isRequest(Command.of("GET", "k"))).isFalse();
        assertThatThrownBy(() -> HttpExchange.toRequest(Command.of("HTTP", "GET"))).isInstanceOf(CaravanException.class);
    }
}
