package dev.caravan.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A daemon's admin port: HTTP/1.1 on the daemon's bind address (loopback by default); HTTPS with a
 * client certificate required when the daemon runs mutual TLS ({@link AdminTls}).
 *
 * <ul>
 *   <li>{@code GET /metrics} — Prometheus text exposition (0.0.4) of {@link DaemonMetrics}; open, as
 *       exporters are, so that Prometheus scrapes it without credentials.</li>
 *   <li>{@code GET /healthz} — {@code ok}; open.</li>
 *   <li>{@code GET /events[?since=N][&subject=S]} — {@code {"version":1,"source":…,"lastSeq":…,"events":[Event…]}};
 *       with {@code &watch=true}, a {@code text/event-stream} (server-sent events): each event as
 *       {@code id: <seq>}, {@code event: <kind>}, {@code data: <Event JSON>}; a {@code Last-Event-ID} header
 *       resumes after that sequence number; a comment line every 15 s keeps the stream alive.</li>
 *   <li>{@code GET /logs[?since=N][&process=P]} — {@code {"version":1,"lastSeq":…,"lines":[LogLine…]}};
 *       {@code process=} (empty) selects the daemon's own lines; with {@code &follow=true}, a
 *       server-sent event stream of lines.</li>
 *   <li>routes added with {@link #route}.</li>
 * </ul>
 *
 * <p>When the cluster token is set, everything but {@code /metrics} and {@code /healthz} needs
 * {@code Authorization: Bearer <token>}; otherwise 401. With {@link #authenticateWith} (a node or naming
 * daemon started with {@code --tokens}), the bearer token may also be a token with a role: a cluster-wide
 * one reads everything; a tenant's (one with a slice) reads only {@code /events} whose field
 * {@code slice} is its slice, and gets 403 on {@code /logs} and added routes. A port with neither
 * token nor tokens file is open to whoever reaches it, cluster-wide: bind it to loopback (the default)
 * or put it behind a proxy. On an HTTPS port ({@code --tls}) the client certificate is the
 * authentication, for every route including {@code /metrics} (the handshake requires it): its
 * identity is the reader, with the same rules (a tenant certificate reads only its slice's
 * {@code /events}); bearer tokens are not looked at. Errors are one-line JSON objects
 * {@code {"error":"…"}} with the HTTP status that fits (400, 401, 404, 405). Each exchange runs on
 * its own virtual thread. Thread-safe.
 */
public final class ObserveServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEPALIVE_MS = 15_000;
    private static final int MAX_QUERY_CHARS = 2048;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] token;
    private final DaemonMetrics metrics;
    private final EventLog events;
    private final LogLines logs;
    private volatile boolean closed;
    /** Who a bearer token is (tokens with roles and slices); null: only the cluster token is known. */
    private volatile dev.caravan.wire.security.TokenAuthenticator authenticator;
    /** The exchange attribute holding the reader's identity (set before a route runs). */
    private static final String READER = "caravan.reader";
    /** Raised by {@link #endStreams}: a stream opened in an older generation ends. */
    private final java.util.concurrent.atomic.AtomicLong streamGeneration = new java.util.concurrent.atomic.AtomicLong();

    private ObserveServer(HttpServer server, String token, DaemonMetrics metrics, EventLog events, LogLines logs) {
        this.server = server;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
        this.events = events;
        this.logs = logs;
    }

    /**
     * Binds and starts the admin port.
     *
     * @param bind    address and port (0: any free port)
     * @param token   the cluster token, "" for none
     * @param metrics the daemon's meters
     * @param events  the daemon's event ring
     * @param logs    the JVM's log ring
     * @throws IOException if the address cannot be bound
     */
    public static ObserveServer start(InetSocketAddress bind, String token, DaemonMetrics metrics, EventLog events, LogLines logs)
            throws IOException {
        return start(bind, token, metrics, events, logs, dev.caravan.wire.security.TransportSecurity.plaintext());
    }

    /**
     * Binds and starts the admin port: HTTPS requiring a client certificate when {@code security}
     * is TLS (the daemon's {@code --tls}), else plain HTTP as {@link #start(InetSocketAddress, String,
     * DaemonMetrics, EventLog, LogLines)}.
     *
     * @throws IOException if the address cannot be bound
     */
    public static ObserveServer start(InetSocketAddress bind, String token, DaemonMetrics metrics, EventLog events, LogLines logs,
                                      dev.caravan.wire.security.TransportSecurity security) throws IOException {
        HttpServer http;
        if (security.isTls()) {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(bind, 64);
            https.setHttpsConfigurator(AdminTls.configurator(security.context()));
            http = https;
        } else {
            http = HttpServer.create(bind, 64);
        }
        ObserveServer s = new ObserveServer(http, Objects.requireNonNull(token, "token"), metrics, events, logs);
        http.setExecutor(s.executor);
        http.createContext("/", s::dispatchUnknown);
        http.createContext("/metrics", exchange -> s.handle(exchange, false, s::metrics));
        http.createContext("/healthz", exchange -> s.handle(exchange, false, e -> HttpReplies.send(e, 200, "text/plain; charset=utf-8", "ok\n")));
        http.createContext("/events", exchange -> s.handle(exchange, true, s::events));
        http.createContext("/logs", exchange -> s.handle(exchange, true, s::logs));
        http.start();
        return s;
    }

    /** The bound address (with the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Adds a GET route (or a tree of routes under {@code path}).
     *
     * @param needsToken whether the cluster token is required
     */
    public void route(String path, boolean needsToken, Route handler) {
        server.createContext(path, exchange -> handle(exchange, needsToken, handler));
    }

    /**
     * Accepts as bearer tokens those of {@code tokens} (and the cluster token, role node) from now on:
     * a tenant token reads its slice's events only.
     */
    public void authenticateWith(dev.caravan.wire.security.TokenAuthenticator tokens) {
        this.authenticator = Objects.requireNonNull(tokens, "tokens");
    }

    /** A route's handler; an exception becomes a 500 with its message. */
    @FunctionalInterface
    public interface Route {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private void handle(HttpExchange exchange, boolean needsToken, Route route) throws IOException {
        try (exchange) {
            answer(exchange, needsToken, route);
        }
    }

    /** Answers one exchange; the caller closes it (after the error, if any, was sent). */
    private void answer(HttpExchange exchange, boolean needsToken, Route route) {
        try {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                error(exchange, 405, "only GET is served here");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null && query.length() > MAX_QUERY_CHARS) {
                error(exchange, 414, "query longer than " + MAX_QUERY_CHARS + " characters");
                return;
            }
            if (needsToken) {
                dev.caravan.wire.security.Identity reader = reader(exchange);
                if (reader == null && exchange instanceof com.sun.net.httpserver.HttpsExchange) {
                    error(exchange, 401, "this needs a client certificate with a Caravan identity: 'caravan certs issue NAME --role ROLE'");
                    return;
                }
                if (reader == null) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    error(exchange, 401, "this needs the cluster token: send 'Authorization: Bearer <token>'");
                    return;
                }
                if (reader.inSlice() && !"/events".equals(exchange.getHttpContext().getPath())) {
                    error(exchange, 403, reader.name() + " (slice " + reader.slice() + ") may read only /events of its slice here");
                    return;
                }
                exchange.setAttribute(READER, reader);
            }
            route.handle(exchange);
        } catch (BadRequest e) {
            try {
                error(exchange, 400, e.getMessage());
            } catch (IOException ignored) {
                // The client went away.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away; nothing to answer.
        } catch (RuntimeException e) {
            try {
                error(exchange, 500, "internal error: " + e);
            } catch (IOException ignored) {
                // The client went away.
            }
        }
    }

    private void dispatchUnknown(HttpExchange exchange) throws IOException {
        try (exchange) {
            error(exchange, 404, "no such path " + exchange.getRequestURI().getPath()
                    + "; try /metrics, /healthz, /events or /logs");
        }
    }

    /** Who sent the request, by its bearer token; null when the token is unknown or missing. */
    private dev.caravan.wire.security.Identity reader(HttpExchange exchange) {
        if (exchange instanceof com.sun.net.httpserver.HttpsExchange) {
            return AdminTls.identity(exchange);
        }
        dev.caravan.wire.security.TokenAuthenticator tokens = authenticator;
        if (tokens == null) {
            return authorized(exchange) ? dev.caravan.wire.security.Identity.development("http") : null;
        }
        String h = exchange.getRequestHeaders().getFirst("Authorization");
        String bearer = h != null && h.startsWith("Bearer ") ? h.substring("Bearer ".length()).trim() : "";
        try {
            return tokens.authenticate(new dev.caravan.wire.net.Hello("http", bearer));
        } catch (dev.caravan.wire.CaravanException unknown) {
            return null;
        }
    }

    /** Whether a tenant reading events ({@code reader}, null: anyone) may see {@code e}: only its slice's. */
    private static boolean visible(dev.caravan.wire.security.Identity reader, Event e) {
        return reader == null || !reader.inSlice() || reader.slice().equals(e.fields().get("slice"));
    }

    /** True if the request carries the cluster token (always, when none is set). */
    public boolean authorized(HttpExchange exchange) {
        if (token.length == 0) {
            return true;
        }
        String h = exchange.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void metrics(HttpExchange e) throws IOException {
        HttpReplies.send(e, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private void events(HttpExchange e) throws IOException, InterruptedException {
        Map<String, String> q = query(e.getRequestURI());
        long since = longParam(q, "since", 0);
        String lastId = e.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastId != null) {
            since = parseLong("Last-Event-ID", lastId);
        }
        String subject = q.get("subject");
        dev.caravan.wire.security.Identity reader = (dev.caravan.wire.security.Identity) e.getAttribute(READER);
        if (!Boolean.parseBoolean(q.getOrDefault("watch", "false"))) {
            List<Map<String, Object>> list = events.since(since).stream()
                    .filter(ev -> subject == null || ev.subject().equals(subject)).filter(ev -> visible(reader, ev)).map(Event::toJson).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", 1);
            body.put("source", events.source());
            body.put("lastSeq", events.lastSeq());
            body.put("events", list);
            HttpReplies.sendJson(e, 200, body);
            return;
        }
        long generation = streamGeneration.get();
        try (Subscription sub = events.subscribe(since); OutputStream out = startStream(e)) {
            long lastWrite = System.nanoTime();
            while (!closed && !sub.closed() && generation == streamGeneration.get()) {
                Event ev = sub.next(1000);
                if (ev == null) {
                    if (System.nanoTime() - lastWrite > KEEPALIVE_MS * 1_000_000L) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        lastWrite = System.nanoTime();
                    }
                    continue;
                }
                if (subject != null && !ev.subject().equals(subject) || !visible(reader, ev)) {
                    continue;
                }
                out.write(("id: " + ev.seq() + "\nevent: " + ev.kind().label() + "\ndata: "
                        + JSON.writeValueAsString(ev.toJson()) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastWrite = System.nanoTime();
            }
            if (sub.overflowed()) {
                out.write("event: overflow\ndata: {\"error\":\"this watcher fell behind; reconnect with Last-Event-ID\"}\n\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void logs(HttpExchange e) throws IOException, InterruptedException {
        Map<String, String> q = query(e.getRequestURI());
        long since = longParam(q, "since", 0);
        String process = q.get("process");
        if (!Boolean.parseBoolean(q.getOrDefault("follow", "false"))) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", 1);
            body.put("lastSeq", logs.lastSeq());
            body.put("lines", logs.since(since, process).stream().map(LogLine::toJson).toList());
            HttpReplies.sendJson(e, 200, body);
            return;
        }
        try (OutputStream out = startStream(e)) {
            long seen = since;
            while (!closed) {
                long last = logs.awaitAfter(seen, KEEPALIVE_MS);
                if (last <= seen) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                for (LogLine l : logs.since(seen, process)) {
                    out.write(("id: " + l.seq() + "\nevent: log\ndata: " + JSON.writeValueAsString(l.toJson()) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                seen = last;
            }
        }
    }

    private static OutputStream startStream(HttpExchange e) throws IOException {
        OutputStream out = HttpReplies.startEventStream(e);
        out.write(": stream\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        return out;
    }

    private static void error(HttpExchange e, int status, String message) throws IOException {
        HttpReplies.error(e, status, message);
    }

    /** The decoded query parameters (the last value wins). */
    public static Map<String, String> query(URI uri) {
        Map<String, String> m = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ex) {
                throw new BadRequest("bad query parameter '" + pair + "'");
            }
        }
        return m;
    }

    private static long longParam(Map<String, String> q, String name, long dflt) {
        String v = q.get(name);
        return v == null ? dflt : parseLong(name, v);
    }

    private static long parseLong(String name, String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new BadRequest(name + " must be 0 or more, got " + v);
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new BadRequest(name + " must be a number, got '" + v + "'");
        }
    }

    /** A request the server refuses with 400 and this message. */
    public static final class BadRequest extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Ends every open {@code /events} stream within a second, as a dropped connection would (its
     * watchers resume with {@code Last-Event-ID}); the port keeps serving. For fault tests.
     */
    public void endStreams() {
        streamGeneration.incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
