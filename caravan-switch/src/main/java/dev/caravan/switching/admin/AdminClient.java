package dev.caravan.switching.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Calls a switch's admin API ({@link AdminServer}) — what {@code caravan switch …} and tests use.
 * A reply that is not 2xx becomes a {@link CaravanException} with the server's code and one-line
 * message.
 *
 * <p>Threading: thread-safe.
 */
public final class AdminClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final Duration timeout;

    public AdminClient(InetSocketAddress admin, String token, Duration timeout) {
        this.base = "http://" + admin.getHostString() + ":" + admin.getPort();
        this.token = token == null ? "" : token;
        this.timeout = timeout;
    }

    /**
     * The admin address of a switch registered in naming ({@code switch/<id>}): the one with
     * {@code id}, or the only one when {@code id} is null.
     *
     * @throws CaravanException NOT_FOUND when there is none, INVALID_ARGUMENT when several and no id
     */
    public static InetSocketAddress find(NamingService naming, String id) {
        List<NamingEntry> switches = naming.list("switch/");
        if (id != null) {
            switches = switches.stream().filter(e -> e.name().equals("switch/" + id)).toList();
        }
        if (switches.isEmpty()) {
            throw ErrorCode.NOT_FOUND.exception(id == null ? "no switch is registered in naming; start one with "
                    + "'caravan switch serve' or give --switch HOST:PORT" : "no switch " + id + " is registered in naming");
        }
        if (switches.size() > 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception(switches.size() + " switches are registered ("
                    + String.join(", ", switches.stream().map(e -> e.name().substring(7)).toList()) + "); pick one with --id");
        }
        NamingEntry e = switches.getFirst();
        return new InetSocketAddress(e.host(), e.port());
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, String jsonBody) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /** A path segment, percent-encoded. */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("switch admin API at " + base + " does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNAVAILABLE.exception("interrupted while calling the switch admin API");
        }
        JsonNode body;
        try {
            body = AdminJson.JSON.readTree(response.body());
        } catch (IOException e) {
            throw ErrorCode.MALFORMED.exception("switch admin API at " + base + " answered " + response.statusCode()
                    + " with no JSON");
        }
        if (response.statusCode() / 100 != 2) {
            String code = body.path("code").asText("INTERNAL");
            ErrorCode c;
            try {
                c = ErrorCode.valueOf(code);
            } catch (IllegalArgumentException e) {
                c = ErrorCode.INVALID_ARGUMENT;
            }
            throw c.exception(body.path("error").asText("HTTP " + response.statusCode()));
        }
        return body;
    }
}
