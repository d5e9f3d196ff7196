package dev.caravan.cli.commands.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.client.CaravanClient;
import dev.caravan.naming.NamingEntry;
import dev.caravan.observe.Event;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The CLI's client of the daemons' admin ports ({@link dev.caravan.observe.ObserveServer}): finds
 * them through naming — every node's {@code node/<id>} attribute {@code admin}, naming's own
 * entry {@code daemon/naming} (attribute {@code admin}), every switch's {@code switch/<id>}
 * attribute {@code metrics} — and reads {@code /events} and
 * {@code /logs}, once or as server-sent-event streams. Sends the cluster token as a Bearer token; when
 * the CLI's transport is TLS ({@code --tls}, {@code $CARAVAN_TLS}), speaks https and presents its
 * certificate, which is then its identity there.
 * Errors are {@link dev.caravan.wire.CaravanException}s (UNAVAILABLE: the port does not answer;
 * UNAUTHENTICATED: the token is wrong). Thread-safe.
 */
public final class AdminClient {
    /** Naming's entry that names its admin port. */
    public static final String NAMING_ENTRY = "daemon/naming";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final dev.caravan.wire.security.TransportSecurity security = dev.caravan.wire.net.ClientTransport.current();
    private final HttpClient http = dev.caravan.observe.AdminTls.client(security, TIMEOUT);
    private final String token;

    /** A client with the CLI's transport ({@link dev.caravan.wire.net.ClientTransport#current()}): https with its certificate when TLS. */
    public AdminClient(String token) {
        this.token = token;
    }

    /**
     * Every daemon with an admin port: its name ({@code naming}, a node id, {@code switch/<id>}) →
     * host:port, naming first, then nodes by id, then switches (their observation port: attribute
     * {@code metrics} of {@code switch/<id>}).
     */
    public static Map<String, String> daemons(CaravanClient client) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        client.naming().lookup(NAMING_ENTRY).map(e -> e.attributes().get("admin")).filter(a -> a != null && !a.isEmpty())
                .ifPresent(a -> out.put("naming", a));
        Map<String, String> nodes = new TreeMap<>();
        for (NamingEntry e : client.naming().list("node/")) {
            String admin = e.attributes().get("admin");
            if (admin != null && !admin.isEmpty()) {
                nodes.put(e.node(), admin);
            }
        }
        out.putAll(nodes);
        for (NamingEntry e : client.naming().list("switch/")) {
            String metrics = e.attributes().get("metrics");
            if (metrics != null && !metrics.isEmpty()) {
                out.put(e.name(), metrics);
            }
        }
        return out;
    }

    /** The kept events of one daemon after {@code since}, about {@code subject} if not null. */
    public List<Event> events(String admin, long since, String subject) {
        Map<?, ?> body = getJson(admin, "/events?since=" + since + param("subject", subject));
        List<Event> out = new ArrayList<>();
        if (body.get("events") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(Event.fromJson(m));
                }
            }
        }
        return out;
    }

    /**
     * Naming's leases ({@code GET /leases} on naming's admin port): every entry held under a live
     * lease → ms since that lease was last renewed.
     */
    public Map<String, Long> leaseAges(String namingAdmin) {
        Map<?, ?> body = getJson(namingAdmin, "/leases");
        Map<String, Long> out = new TreeMap<>();
        if (body.get("leases") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("ageMs") instanceof Number age && m.get("entries") instanceof List<?> names) {
                    names.forEach(n -> out.put(String.valueOf(n), age.longValue()));
                }
            }
        }
        return out;
    }

    /** The kept log lines of one daemon after {@code since}; only those of {@code process} if not null. */
    public List<Map<String, Object>> logs(String admin, long since, String process) {
        Map<?, ?> body = getJson(admin, "/logs?since=" + since + param("process", process));
        List<Map<String, Object>> out = new ArrayList<>();
        if (body.get("lines") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    Map<String, Object> line = new java.util.LinkedHashMap<>();
                    m.forEach((k, v) -> line.put(String.valueOf(k), v));
                    out.add(line);
                }
            }
        }
        return out;
    }

    /**
     * Follows a server-sent-event stream ({@code /events?watch=true} or {@code /logs?follow=true}),
     * handing each {@code data:} object to {@code onData}, until the stream ends or the thread is
     * interrupted.
     */
    public void stream(String admin, String pathAndQuery, Consumer<Map<?, ?>> onData) throws InterruptedException {
        stream(admin, pathAndQuery, -1, (type, data) -> onData.accept(data));
    }

    /** One server-sent event's type ({@code event:}; "message" when none) and its {@code data:} object. */
    @FunctionalInterface
    public interface SseListener {
        void onEvent(String type, Map<?, ?> data);
    }

    /**
     * Follows a server-sent-event stream, handing each event's type and {@code data:} object to
     * {@code listener}, until the stream ends or the thread is interrupted.
     *
     * @param lastEventId sent as {@code Last-Event-ID} when 0 or more: the server resumes after that
     *                    sequence number (a reconnecting watcher's last seen event)
     */
    public void stream(String admin, String pathAndQuery, long lastEventId, SseListener listener) throws InterruptedException {
        HttpRequest.Builder request = request(admin, pathAndQuery);
        if (lastEventId >= 0) {
            request.header("Last-Event-ID", String.valueOf(lastEventId));
        }
        HttpResponse<Stream<String>> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("admin port " + admin + " does not answer: " + e.getMessage());
        }
        check(admin, r.statusCode(), "");
        try (Stream<String> lines = r.body()) {
            var it = lines.iterator();
            String type = "message";
            while (it.hasNext() && !Thread.currentThread().isInterrupted()) {
                String line = it.next();
                if (line.startsWith("event: ")) {
                    type = line.substring(7).strip();
                } else if (line.startsWith("data: ")) {
                    try {
                        listener.onEvent(type, JSON.readValue(line.substring(6), Map.class));
                    } catch (IOException e) {
                        // Not an object this version reads: skipped, the stream goes on.
                    }
                } else if (line.isEmpty()) {
                    type = "message";
                }
            }
        } catch (java.io.UncheckedIOException e) {
            // The daemon went away: the stream ends.
        }
    }

    private Map<?, ?> getJson(String admin, String pathAndQuery) {
        try {
            HttpResponse<InputStream> r = http.send(request(admin, pathAndQuery).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] bytes = in.readAllBytes();
                check(admin, r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
                return JSON.readValue(bytes, Map.class);
            }
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("admin port " + admin + " does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNAVAILABLE.exception("interrupted while asking " + admin);
        }
    }

    private HttpRequest.Builder request(String admin, String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(dev.caravan.observe.AdminTls.uri(security, admin, pathAndQuery)).GET();
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static void check(String admin, int status, String body) {
        if (status == 401) {
            throw ErrorCode.UNAUTHENTICATED.exception("admin port " + admin + " refused the cluster token; set CARAVAN_TOKEN"
                    + " to the cluster's token");
        }
        if (status == 403) {
            throw ErrorCode.FORBIDDEN.exception("admin port " + admin + " refused: " + errorOf(body));
        }
        if (status != 200) {
            throw ErrorCode.UNAVAILABLE.exception("admin port " + admin + " answered HTTP " + status + " " + body.strip());
        }
    }

    /** The message of a {@code {"error":"…"}} body, else the body itself. */
    private static String errorOf(String body) {
        try {
            if (JSON.readValue(body, Map.class).get("error") instanceof String s) {
                return s;
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the raw body.
        }
        return body.strip();
    }

    private static String param(String name, String value) {
        return value == null ? "" : "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
