package dev.caravan.switching.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Responses the switch writes itself: one line of text/plain saying what happened and what to do. */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static FullHttpResponse of(HttpResponseStatus status, String line) {
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** 503 for a request no backend can take now; the client may retry after a second. */
    static FullHttpResponse unavailable(String line) {
        FullHttpResponse r = of(HttpResponseStatus.SERVICE_UNAVAILABLE, line);
        r.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
        return r;
    }
}
