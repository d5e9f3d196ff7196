package dev.caravan.switching.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP backend for tests (JDK HttpServer): stamps {@code X-Backend: <id>}, echoes the
 * request's {@code X-Seq}, {@code X-Forwarded-For} and {@code Forwarded}, and answers with the
 * request body (or {@code <id>\n} when there is none). Optionally waits on a gate before answering.
 */
final class StampingBackend implements AutoCloseable {
    final String id;
    final AtomicInteger served = new AtomicInteger();
    private final HttpServer server;
    volatile CountDownLatch gate;
    volatile int status = 200;
    volatile String movedHeader;

    StampingBackend(String id) throws IOException {
        this.id = id;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] in = ex.getRequestBody().readAllBytes();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = in.length > 0 ? in : (id + "\n").getBytes(StandardCharsets.US_ASCII);
        var h = ex.getResponseHeaders();
        h.set("X-Backend", id);
        copy(ex, "X-Seq", h);
        copy(ex, "X-Forwarded-For", h);
        copy(ex, "Forwarded", h);
        if (movedHeader != null) {
            h.set("Caravan-Moved", movedHeader);
        }
        served.incrementAndGet();
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    private static void copy(HttpExchange ex, String name, com.sun.net.httpserver.Headers to) {
        String v = ex.getRequestHeaders().getFirst(name);
        if (v != null) {
            to.set(name, v);
        }
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
