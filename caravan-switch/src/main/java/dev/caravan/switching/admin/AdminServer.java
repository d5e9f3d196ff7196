package dev.caravan.switching.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.config.FrontendSpecJson;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.handoff.HandoffFrontend;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The switch's admin API: HTTP/1.1 + JSON (shapes in {@link AdminJson}), meant for loopback.
 * <pre>
 * GET    /frontends                      {"frontends": [frontend…]}
 * POST   /frontends        body: spec    201 {"frontend": frontend}          (spec as in the config file)
 * DELETE /frontends/NAME                 {"removed": "NAME"}
 * GET    /backends[?frontend=NAME]       {"backends": [backend…]}
 * POST   /backends/ID/weight?value=N     {"backend": "ID", "weight": N}
 * POST   /backends/ID/drain|enable|disable   {"backend": "ID", "admin": "drain|ready|disabled"}
 * </pre>
 * When the cluster token is set every request needs {@code Authorization: Bearer <token>}
 * (401 otherwise). Errors are one JSON line {@code {"error", "code"}}: 400 for a malformed request
 * or a body over {@value #MAX_BODY_BYTES} bytes (refused before it is read), 401, 404 for an
 * unknown path or object, 405 for a wrong method, 409 for a name in use, 501 for a mode not built,
 * 503 when an address cannot be bound.
 *
 * <p>Threading: requests are served on two platform threads of its own; {@link #close} is idempotent.
 */
public final class AdminServer implements AutoCloseable {
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final SwitchAdmin admin;
    private final byte[] expectedAuthorization;

    private AdminServer(HttpServer server, ExecutorService executor, SwitchAdmin admin, String token) {
        this.server = server;
        this.executor = executor;
        this.admin = admin;
        this.expectedAuthorization = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Binds and starts serving.
     *
     * @param token the cluster token ("" for none)
     * @throws CaravanException UNAVAILABLE when the address cannot be bound
     */
    public static AdminServer start(InetSocketAddress bind, SwitchAdmin admin, String token) {
        HttpServer server;
        try {
            server = HttpServer.create(bind, 64);
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("switch admin API cannot listen on " + bind.getHostString() + ":"
                    + bind.getPort() + ": " + e.getMessage());
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon(true)
                .name("switch-admin").unstarted(r));
        AdminServer a = new AdminServer(server, executor, admin, token);
        server.createContext("/", a::onRequest);
        server.setExecutor(executor);
        server.start();
        return a;
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void onRequest(HttpExchange x) throws IOException {
        try (x) {
            int status;
            JsonNode body;
            try {
                checkToken(x);
                ObjectNode reply = AdminJson.JSON.createObjectNode();
                status = route(x, reply);
                body = reply;
            } catch (CaravanException e) {
                status = statusOf(e.code());
                body = AdminJson.error(e.getMessage(), e.code().name());
            } catch (HttpError e) {
                status = e.status;
                body = AdminJson.error(e.getMessage(), e.code);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "admin request " + x.getRequestMethod() + " " + x.getRequestURI()
                        + " failed", e);
                status = 500;
                body = AdminJson.error("internal error: " + e, ErrorCode.INTERNAL.name());
            }
            byte[] bytes = (AdminJson.JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private void checkToken(HttpExchange x) {
        if (expectedAuthorization == null) {
            return;
        }
        String given = x.getRequestHeaders().getFirst("Authorization");
        if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
            throw ErrorCode.UNAUTHENTICATED.exception("missing or wrong 'Authorization: Bearer <token>' (the cluster token, $CARAVAN_TOKEN)");
        }
    }

    /** Serves one request into {@code reply}; returns the status. */
    private int route(HttpExchange x, ObjectNode reply) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getRawPath();
        String[] parts = path.split("/", -1);
        // parts[0] is "" (the path starts with '/').
        if (path.equals("/frontends")) {
            return switch (method) {
                case "GET" -> {
                    ArrayNode list = reply.putArray("frontends");
                    for (Frontend f : admin.frontends()) {
                        ObjectNode o = AdminJson.frontend(f);
                        if (f instanceof HandoffFrontend) {
                            ObjectNode modes = o.putObject("backendModes");
                            admin.backends(f.spec().name()).forEach(b -> modes.put(b.status().id(), b.mode()));
                        }
                        list.add(o);
                    }
                    yield 200;
                }
                case "POST" -> {
                    FrontendSpec spec = FrontendSpecJson.parse(readJson(x), "POST /frontends", "");
                    if (SwitchConfig.isAutomatic(spec.name())) {
                        throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + ": " + SwitchConfig.AUTOMATIC_NAMES);
                    }
                    Frontend f = admin.declare(spec);
                    reply.set("frontend", AdminJson.frontend(f));
                    yield 201;
                }
                default -> throw methodNotAllowed(method, path, "GET, POST");
            };
        }
        if (parts.length == 3 && parts[1].equals("frontends") && !parts[2].isEmpty()) {
            requireMethod(method, path, "DELETE");
            String name = decode(parts[2]);
            if (SwitchConfig.isAutomatic(name)) {
                throw ErrorCode.INVALID_ARGUMENT.exception("front end " + name + " is automatic: it follows naming and closes when"
                        + " its process or service is gone; start the switch with --no-process-fronts to have none");
            }
            admin.remove(name);
            reply.put("removed", name);
            return 200;
        }
        if (path.equals("/backends")) {
            requireMethod(method, path, "GET");
            ArrayNode list = reply.putArray("backends");
            admin.backends(query(x).get("frontend")).forEach(b -> list.add(AdminJson.backend(b)));
            return 200;
        }
        if (parts.length == 4 && parts[1].equals("backends") && !parts[2].isEmpty()) {
            String id = decode(parts[2]);
            AdminState state = switch (parts[3]) {
                case "weight" -> null;
                case "drain" -> AdminState.DRAIN;
                case "enable" -> AdminState.READY;
                case "disable" -> AdminState.DISABLED;
                default -> throw notFound(path);
            };
            requireMethod(method, path, "POST");
            reply.put("backend", id);
            if (state == null) {
                int weight = weight(query(x).get("value"));
                admin.setWeight(id, weight);
                reply.put("weight", weight);
            } else {
                admin.setAdminState(id, state);
                reply.put("admin", state.name().toLowerCase(java.util.Locale.ROOT));
            }
            return 200;
        }
        throw notFound(path);
    }

    private static int weight(String value) {
        if (value == null) {
            throw new HttpError(400, "MALFORMED", "missing ?value=N (a weight in 1..256)");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "MALFORMED", "weight '" + value + "' is not a whole number in 1..256");
        }
    }

    private static JsonNode readJson(HttpExchange x) throws IOException {
        String length = x.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "MALFORMED", "Content-Length '" + length + "' is not a number");
            }
            if (declared > MAX_BODY_BYTES) {
                throw tooLarge();
            }
        }
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try {
            JsonNode node = AdminJson.JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new HttpError(400, "MALFORMED", "empty body; send a front end as JSON (see docs/switch.md)");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "MALFORMED", "body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static HttpError tooLarge() {
        return new HttpError(400, ErrorCode.TOO_LARGE.name(), "request body larger than " + MAX_BODY_BYTES + " bytes");
    }

    private static Map<String, String> query(HttpExchange x) {
        String raw = x.getRequestURI().getRawQuery();
        Map<String, String> out = new java.util.HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.put(k, v) != null) {
                throw new HttpError(400, "MALFORMED", "query parameter '" + k + "' given twice");
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "MALFORMED", "bad percent-encoding in '" + s + "'");
        }
    }

    private static void requireMethod(String method, String path, String allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method, path, allowed);
        }
    }

    private static HttpError methodNotAllowed(String method, String path, String allowed) {
        return new HttpError(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path + "; use " + allowed);
    }

    private static HttpError notFound(String path) {
        return new HttpError(404, ErrorCode.NOT_FOUND.name(), "no such resource " + path
                + "; see /frontends, /backends, /backends/ID/{weight,drain,enable,disable}");
    }

    static int statusOf(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT, MALFORMED, TOO_LARGE -> 400;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case NOT_SUPPORTED -> 501;
            case UNAVAILABLE -> 503;
            case BUSY, OVERLOADED -> 429;
            default -> 500;
        };
    }

    /** An HTTP-level refusal (no Caravan error code of its own). */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        HttpError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
