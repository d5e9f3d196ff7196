package dev.caravan.servers.http;

import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A process's replies as HTTP responses, and the endpoint's own (moved, not owned). */
class HttpReplyEncoderTest {
    private boolean closes;

    private String encode(Reply reply, boolean keepAlive) {
        OutBuffer out = new OutBuffer(64);
        closes = HttpReplyEncoder.encode(reply, keepAlive, out);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldWriteStatusHeadersAndBodyOfAnArrayReply() {
        String r = encode(HttpExchange.reply(201, HttpHeaders.block("Content-Type", "text/html", "X-Caravan-Process", "web-1"),
                "<p>hi</p>"), true);
        assertThat(r).isEqualTo("HTTP/1.1 201 Created\r\nServer: caravan\r\nContent-Type: text/html\r\nX-Caravan-Process: web-1\r\n"
                + "Content-Length: 9\r\n\r\n<p>hi</p>");
        assertThat(closes).isFalse();
    }

    @Test
    void shouldAnswerABulkAs200TextAndCloseWhenTheClientAskedTo() {
        String r = encode(Reply.bulk("hello"), false);
        assertThat(r).isEqualTo("HTTP/1.1 200 OK\r\nServer: caravan\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
        assertThat(closes).isTrue();
    }

    @Test
    void shouldAnswerAnErrorAs500WithItsMessage() {
        String r = encode(Reply.error("ERR boom"), true);
        assertThat(r).startsWith("HTTP/1.1 500 Internal Server Error\r\n").endsWith("\r\n\r\nERR boom\n");
        assertThat(closes).isFalse();
    }

    @Test
    void shouldAnswerMovedAs421WithWhereItWentAndClose() {
        String r = encode(Reply.error("MOVED 3 10.0.0.2:7001"), true);
        assertThat(r).startsWith("HTTP/1.1 421 Misdirected Request\r\n").contains("\r\nCaravan-Moved: 3 10.0.0.2:7001\r\n")
                .contains("\r\nConnection: close\r\n");
        assertThat(closes).isTrue();
    }

    @Test
    void shouldAnswerTryAgainAs503() {
        String r = encode(Reply.error("TRYAGAIN this node does not own process web-1 right now"), true);
        assertThat(r).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("Retry-After: 1\r\n")
                .endsWith("this node does not own process web-1 right now\n");
    }

    @Test
    void shouldDropFramingHeadersOfTheProcessAndRefuseAMalformedBlock() {
        String r = encode(HttpExchange.reply(200, "Content-Length: 99\r\nConnection: keep-alive\r\nX-A: 1\r\n", "ab"), true);
        assertThat(r).isEqualTo("HTTP/1.1 200 OK\r\nServer: caravan\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nab");
        assertThat(encode(HttpExchange.reply(200, "X-A: 1\r\n\r\nHTTP/1.1 200 OK\r\n", "x"), true))
                .startsWith("HTTP/1.1 500 ").contains("malformed header block");
        assertThat(encode(HttpExchange.reply(200, "X-A: 1", "x"), true)).startsWith("HTTP/1.1 500 ");
        assertThat(encode(HttpExchange.reply(200, "Bad Name: 1\r\n", "x"), true)).startsWith("HTTP/1.1 500 ");
    }

    @Test
    void shouldRefuseOtherReplyShapesAndStatuses() {
        assertThat(encode(Reply.integer(3), true)).startsWith("HTTP/1.1 500 ").contains("Int");
        assertThat(encode(new Reply.Array(List.of(Reply.integer(200))), true)).startsWith("HTTP/1.1 500 ");
        assertThat(encode(HttpExchange.reply(101, "", ""), true)).startsWith("HTTP/1.1 500 ").contains("status 101");
    }

    @Test
    void shouldWriteNoBodyFor204() {
        assertThat(encode(HttpExchange.reply(204, "", ""), true)).isEqualTo("HTTP/1.1 204 No Content\r\nServer: caravan\r\n\r\n");
    }

    @Test
    void shouldCloseWithoutWritingForASuppressedClosingReply() {
        assertThat(encode(new Reply.Closing(Reply.SUPPRESSED), true)).isEmpty();
        assertThat(closes).isTrue();
        assertThat(encode(new Reply.Closing(Reply.bulk("bye")), true)).contains("Connection: close\r\n").endsWith("bye");
        assertThat(closes).isTrue();
    }
}
