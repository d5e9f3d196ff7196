package dev.caravan.servers.samples;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.servers.http.HttpExchange;
import dev.caravan.servers.http.HttpHeaders;
import dev.caravan.servers.http.HttpRequest;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The built-in HTTP sample ({@code caravan deploy --sample http}): a small web service to put
 * several replicas of behind a switch and watch where requests go.
 *
 * <pre>
 * GET /         200 a small HTML page naming the replica (this process)
 * GET /counter  200 "&lt;n&gt;\n": the n-th request of this session here; the session is the cookie
 *               caravan-session (32 hex digits), set when missing or malformed
 * GET /health   200 "ok\n"
 * other paths   404; other methods on these paths 405 (Allow: GET)
 * </pre>
 *
 * Every response carries {@code X-Caravan-Process: <name>}, so round robin, least connections
 * and affinity show with curl and wrk. Requests arrive as {@link HttpExchange} commands (the
 * process's data endpoint speaks HTTP: the node selects it for this sample).
 *
 * <p>State: the sessions live in paged memory ({@link SessionTable}), so they move with the
 * process in every migration mode; at most {@value #MAX_SESSIONS_KEY} of them (default
 * {@value #DEFAULT_MAX_SESSIONS}), the least recently used evicted first. A cookie naming a
 * session this replica does not know (evicted, or one another replica made) starts it afresh
 * at 1 under the same id, so a client keeps one cookie across replicas.
 *
 * <p>Threading: as every {@link CaravanProcess}, called on the process thread only.
 */
public final class HttpSampleProcess implements CaravanProcess {
    /** Config key: most sessions kept. */
    public static final String MAX_SESSIONS_KEY = "http.max-sessions";
    static final int DEFAULT_MAX_SESSIONS = 10_000;
    static final String COOKIE = "caravan-session";

    private ProcessContext context;
    private SessionTable sessions;
    private RandomGenerator random;

    public HttpSampleProcess() {
    }

    @Override
    public void onStart(ProcessContext context, boolean restored) {
        if (restored) {
            onArrive(context);
            return;
        }
        this.context = context;
        this.random = new SecureRandom();
        this.sessions = SessionTable.format(context.memory(), maxSessions(context));
    }

    @Override
    public void onArrive(ProcessContext context) {
        this.context = context;
        this.random = new SecureRandom();
        this.sessions = SessionTable.attach(context.memory());
    }

    private static int maxSessions(ProcessContext context) {
        String v = context.config().get(MAX_SESSIONS_KEY);
        if (v == null) {
            return DEFAULT_MAX_SESSIONS;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(MAX_SESSIONS_KEY + " must be a number of sessions, not '" + v + "'");
        }
    }

    @Override
    public Reply onCommand(Command command) {
        return onCommand(ClientRef.NONE, command);
    }

    @Override
    public Reply onCommand(ClientRef client, Command command) {
        if (!HttpExchange.isRequest(command)) {
            return Reply.error("ERR the HTTP sample answers HTTP requests only (command HTTP <method> <target> <headers> <body>)");
        }
        HttpRequest request = HttpExchange.toRequest(command);
        String path = path(request.target());
        return switch (path) {
            case "/" -> get(request, () -> HttpExchange.reply(200, headers("Content-Type", "text/html; charset=utf-8"), page()));
            case "/counter" -> get(request, () -> counter(request));
            case "/health" -> get(request, () -> HttpExchange.reply(200, headers("Content-Type", "text/plain"), "ok\n"));
            default -> HttpExchange.reply(404, headers("Content-Type", "text/plain"), "no page " + path + " here\n");
        };
    }

    private Reply get(HttpRequest request, java.util.function.Supplier<Reply> answer) {
        if (!request.method().equals("GET")) {
            return HttpExchange.reply(405, headers("Allow", "GET", "Content-Type", "text/plain"),
                    request.method() + " is not allowed here; use GET\n");
        }
        return answer.get();
    }

    private Reply counter(HttpRequest request) {
        SessionId id = SessionId.parse(HttpHeaders.cookie(request.headers(), COOKIE));
        boolean fresh = id == null;
        if (fresh) {
            id = SessionId.random(random);
        }
        long n = sessions.increment(id);
        String h = headers("Content-Type", "text/plain", "Cache-Control", "no-store");
        if (fresh) {
            h += HttpHeaders.block("Set-Cookie", COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Lax");
        }
        return HttpExchange.reply(200, h, n + "\n");
    }

    private String headers(String... namesAndValues) {
        return HttpHeaders.block(namesAndValues) + HttpHeaders.block("X-Caravan-Process", context.name());
    }

    private String page() {
        String name = escape(context.name());
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + name + " · Caravan</title></head>\n"
                + "<body><h1>Served by " + name + "</h1>\n"
                + "<p>This page comes from the Caravan process <b>" + name + "</b> (epoch " + context.epoch() + ").</p>\n"
                + "<p><a href=\"/counter\">/counter</a> counts your requests in this session.</p></body></html>\n";
    }

    /** The path of a request target, without its query. */
    static String path(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Only the counter changes state. */
    @Override
    public boolean isReadOnly(Command command) {
        return HttpExchange.isRequest(command) && !path(new String(command.arg(2), java.nio.charset.StandardCharsets.ISO_8859_1))
                .equals("/counter");
    }
}
