package dev.caravan.cli.bench.switching;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpReplyReaderTest {
    private static HttpReplyReader reader(String bytes) {
        return new HttpReplyReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void shouldReadBackToBackResponsesDelimitedByLengthAndChunks() throws IOException {
        HttpReplyReader r = reader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n");
        assertThat(r.read()).isEqualTo(200);
        assertThat(r.closeAfter()).isFalse();
        assertThat(r.read()).isEqualTo(404);
        assertThat(r.read()).isEqualTo(204);
        assertThat(r.read()).isEqualTo(200);
        assertThat(r.closeAfter()).as("HTTP/1.0 without keep-alive closes").isTrue();
        assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
    }

    @Test
    void shouldRefuseResponsesItCannotDelimit() {
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\n\r\nbody").read()).hasMessageContaining("neither Content-Length");
        assertThatThrownBy(() -> reader("SSH-2.0-x\r\n\r\n").read()).hasMessageContaining("not an HTTP/1.x status line");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").read()).hasMessageContaining("out of range");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\n" + "X: " + "a".repeat(9000) + "\r\n\r\n").read())
                .hasMessageContaining("longer than");
    }
}
