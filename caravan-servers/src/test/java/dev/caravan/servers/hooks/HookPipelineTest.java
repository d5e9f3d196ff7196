package dev.caravan.servers.hooks;

import dev.caravan.servers.http.HttpRequest;
import dev.caravan.servers.http.HttpResponse;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookPipelineTest {
    private static HttpRequest get(String target) {
        return new HttpRequest("GET", target, true, new byte[0]);
    }

    private static Hook declined() {
        return r -> HookResult.DECLINED;
    }

    private static Hook ok() {
        return r -> HookResult.OK;
    }

    private static Hook respond(String text) {
        return r -> {
            r.response(HttpResponse.text(200, "OK", text));
            return HookResult.OK;
        };
    }

    private static List<String> trace(HookPipeline p, String target) {
        AtomicReference<RequestRecord> rec = new AtomicReference<>();
        p.process(get(target), rec::set);
        return rec.get().trace();
    }

    @Test
    void shouldOrderHooksFirstMiddleLastThenByRegistration() {
        HookPipeline p = new HookPipeline()
                .register("m-last", Phase.CHECK_ACCESS, HookOrder.LAST, ok())
                .register("m-mid1", Phase.CHECK_ACCESS, HookOrder.MIDDLE, ok())
                .register("m-first", Phase.CHECK_ACCESS, HookOrder.FIRST, ok())
                .register("m-mid2", Phase.CHECK_ACCESS, HookOrder.MIDDLE, ok());
        assertThat(p.order(Phase.CHECK_ACCESS)).containsExactly("m-first", "m-mid1", "m-mid2", "m-last");
    }

    @Test
    void runFirstPhaseShouldStopAtTheFirstHookThatDoesNotDecline() {
        HookPipeline p = new HookPipeline()
                .register("fallback", Phase.HANDLER, HookOrder.LAST, respond("fallback"))
                .register("picky", Phase.HANDLER, HookOrder.FIRST, declined())
                .register("main", Phase.HANDLER, HookOrder.MIDDLE, respond("main"));
        assertThat(new String(p.process(get("/x")).body(), StandardCharsets.UTF_8)).isEqualTo("main");
        assertThat(trace(p, "/x")).containsExactly("picky:HANDLER", "main:HANDLER");
    }

    @Test
    void runAllPhaseShouldRunEveryHookUntilAnError() {
        HookPipeline p = new HookPipeline()
                .register("ip", Phase.CHECK_ACCESS, HookOrder.FIRST, ok())
                .register("indifferent", Phase.CHECK_ACCESS, HookOrder.MIDDLE, declined())
                .register("acl", Phase.CHECK_ACCESS, HookOrder.MIDDLE,
                        r -> r.resource().startsWith("/private") ? HookResult.error(403, "private") : HookResult.OK)
                .register("never-on-deny", Phase.CHECK_ACCESS, HookOrder.LAST, ok())
                .register("content", Phase.HANDLER, HookOrder.MIDDLE, respond("hi"));
        assertThat(trace(p, "/public")).containsExactly("ip:CHECK_ACCESS", "indifferent:CHECK_ACCESS",
                "acl:CHECK_ACCESS", "never-on-deny:CHECK_ACCESS", "content:HANDLER");
        assertThat(trace(p, "/private/x")).containsExactly("ip:CHECK_ACCESS", "indifferent:CHECK_ACCESS", "acl:CHECK_ACCESS");
        assertThat(p.process(get("/private/x")).status()).isEqualTo(403);
    }

    @Test
    void shouldTranslateThenLogEveryRequestIncludingFailures() {
        List<String> log = new CopyOnWriteArrayList<>();
        HookPipeline p = new HookPipeline()
                .install(Module.of("alias", pl -> pl.register("alias", Phase.TRANSLATE_NAME, HookOrder.MIDDLE, r -> {
                    if (!r.request().target().startsWith("/docs/")) {
                        return HookResult.DECLINED;
                    }
                    r.resource("files:" + r.request().target().substring(6));
                    return HookResult.OK;
                })))
                .install(Module.of("files", pl -> pl.register("files", Phase.HANDLER, HookOrder.MIDDLE,
                        r -> r.resource().startsWith("files:") ? respond(r.resource()).run(r) : HookResult.DECLINED)))
                .install(Module.of("log", pl -> pl.register("log", Phase.LOG, HookOrder.LAST, r -> {
                    log.add(r.request().target() + " " + r.response().status());
                    return HookResult.OK;
                })));
        assertThat(new String(p.process(get("/docs/a.txt")).body(), StandardCharsets.UTF_8)).isEqualTo("files:a.txt");
        assertThat(p.process(get("/other")).status()).isEqualTo(404);
        assertThat(log).containsExactly("/docs/a.txt 200", "/other 404");
    }

    @Test
    void shouldTurnAFailingHookInto500AndFreezeAfterServing() {
        HookPipeline p = new HookPipeline().register("broken", Phase.HANDLER, HookOrder.MIDDLE, r -> {
            throw new IllegalStateException("boom");
        });
        assertThat(p.process(get("/")).status()).isEqualTo(500);
        assertThatThrownBy(() -> p.register("late", Phase.LOG, HookOrder.LAST, ok()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void shouldServeThePipelineOverHttpAndSurviveMalformedRequests() throws IOException {
        HookPipeline p = new HookPipeline()
                .register("deny", Phase.CHECK_ACCESS, HookOrder.FIRST,
                        r -> r.resource().equals("/secret") ? HookResult.error(403, "no") : HookResult.DECLINED)
                .register("hello", Phase.HANDLER, HookOrder.MIDDLE, respond("hello"));
        try (Server server = ServerModel.EVENT_LOOP.start(p.protocol())) {
            assertThat(http(server, "GET /garbage\r\n\r\n")).startsWith("HTTP/1.1 400");
            String both = http(server, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(both).startsWith("HTTP/1.1 200").contains("hello").contains("HTTP/1.1 403");
        }
    }

    private static String http(Server server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
