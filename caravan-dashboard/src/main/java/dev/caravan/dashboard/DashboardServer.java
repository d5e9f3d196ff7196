package dev.caravan.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.observe.Event;
import dev.caravan.observe.HttpReplies;
import dev.caravan.wire.CaravanException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The dashboard's HTTP/1.1 server (the JDK's), on loopback unless told otherwise.
 *
 * <ul>
 *   <li>{@code GET /} and {@code GET /static/…} — the page: hand-written HTML, CSS and JavaScript
 *       from this jar (nothing is fetched from elsewhere).</li>
 *   <li>{@code GET /api/state} — the {@linkplain #state state} as one JSON object.</li>
 *   <li>{@code GET /api/stream[?show=NAME]} — server-sent events: {@code event: state} with the state every
 *       {@code tickMs}; its {@code samples} hold only the probe samples taken since the previous
 *       message of this stream (the first message: the last {@value #HISTORY_MS} ms). {@code show}
 *       names the process the page draws: while the stream is open, the dashboard probes it
 *       ({@link ShownProcesses}); the page reconnects when it draws another.</li>
 *   <li>{@code POST /api/migrate} {@code {"process","to","mode"}}, {@code /api/clone}
 *       {@code {"process","to","name","mode"}}, {@code /api/checkpoint} {@code {"process"}},
 *       {@code /api/drain} {@code {"node","mode"}} — start an action, answer 202
 *       {@code {"id":N,"message":…}}; its outcome follows in the state's {@code actions}.</li>
 *   <li>{@code GET /healthz} — {@code ok}.</li>
 * </ul>
 *
 * <p>Reading is open: without the cluster token the page is read-only. When the cluster has a
 * token, actions need {@code Authorization: Bearer <token>} (the page sends what is typed in its
 * token field), else 401; when it has none, actions are open to whoever reaches the port, as the
 * control ports are. Actions must be {@code Content-Type: application/json} (415 otherwise: a form
 * of another site cannot send that without a CORS preflight, which this server never grants) and a
 * request whose {@code Origin} is not this server is refused with 403. Bodies are limited to
 * {@value #MAX_BODY_BYTES} bytes (413). Every error is {@code {"error":"one line"}}. Each exchange
 * runs on its own virtual thread. Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final long HISTORY_MS = 120_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/index.html", "index.html", "/static/app.js", "app.js", "/static/figure.js", "figure.js",
            "/static/style.css", "style.css");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] token;
    private final long tickMs;
    private final Supplier<ClusterSnapshot> cluster;
    private final MigrationTracker migrations;
    private final Actions actions;
    private final Supplier<List<Event>> events;
    private final ProbeSamples samples;
    private final LongSupplier clockMs;
    private final ShownProcesses shown;
    private volatile boolean closed;

    private DashboardServer(HttpServer server, String token, long tickMs, Supplier<ClusterSnapshot> cluster,
                            MigrationTracker migrations, Actions actions, Supplier<List<Event>> events, ProbeSamples samples,
                            LongSupplier clockMs, ShownProcesses shown) {
        this.server = server;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.tickMs = tickMs;
        this.cluster = cluster;
        this.migrations = migrations;
        this.actions = actions;
        this.events = events;
        this.samples = samples;
        this.clockMs = clockMs;
        this.shown = shown;
    }

    /**
     * Binds and starts the server.
     *
     * @param bind   address and port (0: any free port)
     * @param token  the cluster token, "" for none (then actions are open)
     * @param tickMs how often the stream sends the state
     * @param shown  where each stream registers the process its page draws ({@code ?show=NAME})
     * @throws IOException if the address cannot be bound
     */
    public static DashboardServer start(InetSocketAddress bind, String token, long tickMs, Supplier<ClusterSnapshot> cluster,
                                        MigrationTracker migrations, Actions actions, Supplier<List<Event>> events,
                                        ProbeSamples samples, LongSupplier clockMs, ShownProcesses shown) throws IOException {
        HttpServer http = HttpServer.create(bind, 64);
        DashboardServer s = new DashboardServer(http, token, tickMs, cluster, migrations, actions, events, samples, clockMs, shown);
        http.setExecutor(s.executor);
        http.createContext("/", s::onRequest);
        http.start();
        return s;
    }

    /** The bound address (with the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void onRequest(HttpExchange e) {
        try (e) {
            String path = e.getRequestURI().getPath();
            String method = e.getRequestMethod();
            if (path.startsWith("/api/") && !path.equals("/api/state") && !path.equals("/api/stream")) {
                if (!"POST".equals(method)) {
                    e.getResponseHeaders().set("Allow", "POST");
                    error(e, 405, "actions are POSTed with a JSON body");
                    return;
                }
                onAction(e, path.substring("/api/".length()));
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                e.getResponseHeaders().set("Allow", "GET");
                error(e, 405, "only GET is served here");
                return;
            }
            switch (path) {
                case "/api/state" -> sendJson(e, 200, state(samples.from(clockMs.getAsLong() - HISTORY_MS)));
                case "/api/stream" -> stream(e);
                case "/healthz" -> send(e, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
                case "/favicon.ico" -> {
                    e.sendResponseHeaders(204, -1); // no icon: browsers ask anyway
                }
                default -> asset(e, path);
            }
        } catch (IOException ignored) {
            // The browser went away.
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The state as the page reads it: {@code {"version":1,"timeMs","actionsNeedToken","cluster":ClusterSnapshot,
     * "migrations":[MigrationView…],"actions":[ActionView…],"events":[Event…] (last 30),
     * "samples":[[process,timeMs,latencyMs,ok]…]}}.
     */
    Map<String, Object> state(List<ProbeSamples.Sample> newSamples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("timeMs", clockMs.getAsLong());
        m.put("actionsNeedToken", token.length > 0);
        m.put("cluster", cluster.get());
        m.put("migrations", migrations.snapshot());
        m.put("actions", actions.snapshot());
        List<Event> ev = events.get();
        m.put("events", ev.subList(Math.max(0, ev.size() - 30), ev.size()).stream().map(Event::toJson).toList());
        m.put("samples", newSamples.stream().map(s -> List.of(s.process(), s.timeMs(), Math.round(s.latencyMs() * 1000) / 1000.0,
                s.ok())).toList());
        return m;
    }

    private void stream(HttpExchange e) throws IOException, InterruptedException {
        String show = query(e, "show");
        if (show == null || show.isEmpty()) {
            streamState(e);
            return;
        }
        ShownProcesses.Showing showing = shown.show(show);
        try {
            streamState(e);
        } finally {
            showing.close();
        }
    }

    /** The value of {@code name} in the request's query, decoded, or null. */
    private static String query(HttpExchange e, String name) {
        String q = e.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void streamState(HttpExchange e) throws IOException, InterruptedException {
        OutputStream out = HttpReplies.startEventStream(e);
        long seen = samples.lastSeq();
        List<ProbeSamples.Sample> first = samples.from(clockMs.getAsLong() - HISTORY_MS);
        out.write(("retry: 1000\nevent: state\ndata: " + JSON.writeValueAsString(state(first)) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!first.isEmpty()) {
            seen = first.getLast().seq();
        }
        while (!closed) {
            Thread.sleep(tickMs); // the stream's pace, not synchronization
            List<ProbeSamples.Sample> fresh = samples.since(seen);
            if (!fresh.isEmpty()) {
                seen = fresh.getLast().seq();
            }
            out.write(("event: state\ndata: " + JSON.writeValueAsString(state(fresh)) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void onAction(HttpExchange e, String action) throws IOException {
        String origin = e.getRequestHeaders().getFirst("Origin");
        String host = e.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals("http://" + host)) {
            error(e, 403, "actions are taken only from this dashboard's own page");
            return;
        }
        if (!authorized(e)) {
            e.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            error(e, 401, "this needs the cluster token: type it in the token field (actions are read-only without it)");
            return;
        }
        String type = e.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            error(e, 415, "send the action as Content-Type: application/json");
            return;
        }
        String length = e.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_BODY_BYTES) {
            error(e, 413, "an action's body may be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] body;
        try (InputStream in = e.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            error(e, 413, "an action's body may be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException bad) {
            error(e, 400, "the body is not JSON");
            return;
        }
        if (req == null || !req.isObject()) {
            error(e, 400, "the body must be a JSON object");
            return;
        }
        try {
            long id = switch (action) {
                case "migrate" -> actions.migrate(text(req, "process"), text(req, "to"), text(req, "mode"));
                case "clone" -> actions.cloneProcess(text(req, "process"), text(req, "to"), text(req, "name"), text(req, "mode"));
                case "checkpoint" -> actions.checkpoint(text(req, "process"));
                case "drain" -> actions.drain(text(req, "node"), text(req, "mode"));
                default -> -1;
            };
            if (id < 0) {
                error(e, 404, "no action '" + action + "'; one of migrate, clone, checkpoint, drain");
                return;
            }
            String message = actions.snapshot().stream().filter(a -> a.id() == id).map(ActionView::message).findFirst().orElse("");
            sendJson(e, 202, Map.of("id", id, "message", message));
        } catch (CaravanException failed) {
            int status = switch (failed.code()) {
                case NOT_FOUND -> 404;
                case UNAVAILABLE, TIMEOUT -> 503;
                case BUSY, ALREADY_EXISTS -> 409;
                case UNAUTHENTICATED -> 502;
                default -> 400;
            };
            error(e, status, ControlActions.oneLine(failed));
        }
    }

    private static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private boolean authorized(HttpExchange e) {
        if (token.length == 0) {
            return true;
        }
        String h = e.getRequestHeaders().getFirst("Authorization");
        return h != null && h.startsWith("Bearer ")
                && MessageDigest.isEqual(token, h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void asset(HttpExchange e, String path) throws IOException {
        String name = ASSETS.get(path);
        if (name == null) {
            error(e, 404, "no such page " + path + "; the dashboard is at /");
            return;
        }
        byte[] bytes;
        try (InputStream in = DashboardServer.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                error(e, 500, "the dashboard's jar lacks " + name + "; rebuild it");
                return;
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8"
                : "text/javascript; charset=utf-8";
        send(e, 200, type, bytes);
    }

    private static void sendJson(HttpExchange e, int status, Object body) throws IOException {
        HttpReplies.sendJson(e, status, body);
    }

    private static void error(HttpExchange e, int status, String message) throws IOException {
        HttpReplies.error(e, status, message);
    }

    private static void send(HttpExchange e, int status, String type, byte[] bytes) throws IOException {
        HttpReplies.send(e, status, type, bytes);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
