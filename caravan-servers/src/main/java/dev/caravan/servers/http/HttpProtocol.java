package dev.caravan.servers.http;

import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Protocol;

import java.util.List;
import java.util.function.Function;

/**
 * HTTP/1.1 with keep-alive as a {@link Protocol}. Threading: {@code handler} is called
 * concurrently from the model's serving threads and must be thread-safe.
 */
public final class HttpProtocol implements Protocol<HttpRequest, HttpResponse> {
    public static final int MAX_HEAD_BYTES = 8 * 1024;
    public static final int MAX_BODY_BYTES = 1 << 20;
    private static final HttpResponse HELLO = HttpResponse.text(200, "OK", "Hello, World!");
    private static final HttpResponse NOT_FOUND = HttpResponse.text(404, "Not Found", "not found");

    private final Function<HttpRequest, HttpResponse> handler;
    private final RequestDelay delay;

    public HttpProtocol(Function<HttpRequest, HttpResponse> handler, RequestDelay delay) {
        this.handler = handler;
        this.delay = delay;
    }

    /** TechEmpower's plaintext test: {@code GET /plaintext} → {@code Hello, World!}. */
    public static HttpProtocol plaintext(RequestDelay delay) {
        return new HttpProtocol(r -> r.target().equals("/plaintext") ? HELLO : NOT_FOUND, delay);
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Codec<HttpRequest, HttpResponse> newCodec() {
        return new HttpCodec(MAX_HEAD_BYTES, MAX_BODY_BYTES);
    }

    @Override
    public void handle(List<HttpRequest> batch, List<HttpResponse> replies) throws InterruptedException {
        for (HttpRequest r : batch) {
            delay.await();
            replies.add(handler.apply(r));
        }
    }
}
