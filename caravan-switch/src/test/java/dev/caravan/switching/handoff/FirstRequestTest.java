package dev.caravan.switching.handoff;

import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.switching.FrontendProtocol;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The distributor reads exactly the first request, however much the client pipelined behind it. */
class FirstRequestTest {
    private static String read(String sent, FrontendProtocol protocol) throws IOException {
        return new String(FirstRequest.read(new ByteArrayInputStream(sent.getBytes(StandardCharsets.ISO_8859_1)), protocol),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldReadOneRespCommandOutOfAPipeline() throws IOException {
        String first = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$12\r\nhello\r\nworld\r\n";
        assertThat(read(first + "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", FrontendProtocol.RESP)).isEqualTo(first);
        assertThat(read("PING\r\nPING\r\n", FrontendProtocol.RESP)).isEqualTo("PING\r\n");
    }

    @Test
    void shouldReadAnHttpHeadAndItsBodyOnly() throws IOException {
        String get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(read(get + get, FrontendProtocol.HTTP)).isEqualTo(get);
        String post = "POST /a HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\nhello";
        assertThat(read(post + get, FrontendProtocol.HTTP)).isEqualTo(post);
    }

    @Test
    void shouldStopAtTheLimitOrAtMalformedInputAndAtTheEnd() throws IOException {
        String huge = "*1\r\n$100000\r\n" + "x".repeat(100_000) + "\r\n";
        assertThat(read(huge, FrontendProtocol.RESP)).hasSize(HandoffCodec.MAX_PREFIX_BYTES);
        assertThat(read("*1\r\n+oops\r\n*1\r\n$4\r\nPING\r\n", FrontendProtocol.RESP)).isEqualTo("*1\r\n+oops\r\n");
        assertThat(read("", FrontendProtocol.RESP)).isEmpty();
        assertThat(read("*2\r\n$3\r\nGET", FrontendProtocol.RESP)).isEqualTo("*2\r\n$3\r\nGET");
    }

    @Test
    void shouldAskForNoMoreThanTheTerminatorStillNeeds() throws IOException {
        // A stream that fails the test if asked for bytes beyond the first request.
        byte[] first = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        InputStream strict = new InputStream() {
            private int at;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                assertThat(at + len).as("asked beyond the first request").isLessThanOrEqualTo(first.length);
                int n = Math.min(len, first.length - at);
                System.arraycopy(first, at, b, off, n);
                at += n;
                return n;
            }
        };
        assertThat(FirstRequest.read(strict, FrontendProtocol.HTTP)).isEqualTo(first);
    }
}
