package dev.caravan.switching.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.FrontendSpec.BackendLimits;
import dev.caravan.switching.Route;
import dev.caravan.switching.Route.AffinitySource;
import dev.caravan.switching.Route.RouteMatch;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link FrontendSpec} as JSON, the form of the config file's {@code frontends[]} items and of
 * the admin API's {@code POST /frontends} body (every field is described in {@code docs/switch.md}):
 * <pre>
 * {"name": "web", "listen": "127.0.0.1:8080", "protocol": "http", "mode": "content",
 *  "routes": [{"match": {"pathPrefix": "/api"}, "backends": "label:app=api", "policy": "least-connections"},
 *             {"backends": "prefix:web", "policy": "affinity", "affinity": {"source": "cookie", "name": "SID"}}],
 *  "limits": {"maxConnectionsPerBackend": 100, "queueTimeoutMs": 2000}}
 * </pre>
 * A front end with one route may give {@code backends}, {@code policy} and {@code affinity} at
 * the top level instead of {@code routes}. Unknown fields are errors (a typo must not silently
 * fall back to a default). Every error names the source and the field, as
 * {@code switch.json: frontends[1].routes[0].policy: unknown policy 'rr'; policies: …}.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class FrontendSpecJson {
    private static final Set<String> FRONTEND_FIELDS = Set.of("name", "listen", "protocol", "mode", "routes", "backends",
            "policy", "affinity", "limits");
    private static final Set<String> ROUTE_FIELDS = Set.of("match", "backends", "policy", "affinity");
    private static final Set<String> MATCH_FIELDS = Set.of("host", "pathPrefix", "header", "headerValue", "cookie",
            "cookieValue", "keyPrefix");
    private static final Set<String> AFFINITY_FIELDS = Set.of("source", "name");
    private static final Set<String> LIMIT_FIELDS = Set.of("maxConnectionsPerBackend", "maxQueued", "queueTimeoutMs",
            "probeIntervalMs", "fall", "rise", "slowStartMs");

    private FrontendSpecJson() {
    }

    /**
     * Parses one front end.
     *
     * @param source where the JSON came from, for errors (a file name, {@code POST /frontends})
     * @param path   the object's place in the source ({@code frontends[2]}), for errors; "" at the top
     * @throws CaravanException INVALID_ARGUMENT naming source, field and problem
     */
    public static FrontendSpec parse(JsonNode node, String source, String path) {
        Fields f = new Fields(source, path);
        f.object(node, "", FRONTEND_FIELDS);
        String name = f.requiredText(node, "name");
        InetSocketAddress listen = f.address(node, "listen");
        FrontendProtocol protocol = f.wrap("protocol", () -> FrontendProtocol.parse(f.requiredText(node, "protocol")));
        DispatchMode mode = f.wrap("mode", () -> DispatchMode.parse(f.requiredText(node, "mode")));
        List<Route> routes = new ArrayList<>();
        // Content-aware RESP places each key on one shard: its only policy is affinity on the key, so that is the default.
        boolean keyPlacement = protocol == FrontendProtocol.RESP && mode == DispatchMode.CONTENT;
        if (node.has("routes")) {
            if (node.has("backends") || node.has("policy") || node.has("affinity")) {
                throw f.error("routes", "give either routes or backends/policy/affinity at the top, not both");
            }
            JsonNode array = node.get("routes");
            if (!array.isArray() || array.isEmpty()) {
                throw f.error("routes", "must be a non-empty array");
            }
            for (int i = 0; i < array.size(); i++) {
                routes.add(route(f, array.get(i), "routes[" + i + "].", keyPlacement));
            }
        } else {
            routes.add(route(f, node, "", keyPlacement));
        }
        BackendLimits limits = node.has("limits") ? limits(f, node.get("limits")) : BackendLimits.DEFAULTS;
        return f.wrap("", () -> new FrontendSpec(name, listen, protocol, mode, routes, limits));
    }

    private static Route route(Fields f, JsonNode node, String at, boolean keyPlacement) {
        if (!at.isEmpty()) {
            f.object(node, at.substring(0, at.length() - 1), ROUTE_FIELDS);
        }
        if (!node.has("backends")) {
            throw f.error(at + "backends", "missing (name:<process>, prefix:<prefix> or label:<key>=<value>)");
        }
        BackendSelector backends = f.wrap(at + "backends", () -> BackendSelector.parse(f.text(node, at, "backends")));
        PolicyKind policy = node.has("policy") ? f.wrap(at + "policy", () -> PolicyKind.parse(f.text(node, at, "policy")))
                : keyPlacement ? PolicyKind.AFFINITY : PolicyKind.ROUND_ROBIN;
        RouteMatch match = RouteMatch.ANY;
        if (node.has("match")) {
            JsonNode m = node.get("match");
            String mp = at + "match";
            f.object(m, mp, MATCH_FIELDS);
            match = new RouteMatch(f.optionalText(m, mp, "host"), f.optionalText(m, mp, "pathPrefix"),
                    f.optionalText(m, mp, "header"), f.optionalText(m, mp, "headerValue"), f.optionalText(m, mp, "cookie"),
                    f.optionalText(m, mp, "cookieValue"), f.optionalText(m, mp, "keyPrefix"));
        }
        AffinitySource affinity = keyPlacement && !node.has("policy")
                ? new AffinitySource(AffinitySource.Kind.RESP_KEY, null) : AffinitySource.CLIENT_ADDRESS;
        if (node.has("affinity")) {
            affinity = affinity(f, node.get("affinity"), at + "affinity");
        }
        return new Route(match, backends, policy, affinity);
    }

    private static AffinitySource affinity(Fields f, JsonNode node, String at) {
        f.object(node, at, AFFINITY_FIELDS);
        String source = f.optionalText(node, at, "source");
        if (source == null) {
            throw f.error(at + ".source", "missing (client-address, cookie, header, path or resp-key)");
        }
        AffinitySource.Kind kind;
        try {
            kind = AffinitySource.Kind.valueOf(source.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw f.error(at + ".source", "unknown source '" + source + "'; use client-address, cookie, header, path or resp-key");
        }
        String name = f.optionalText(node, at, "name");
        boolean needsName = kind == AffinitySource.Kind.COOKIE || kind == AffinitySource.Kind.HEADER;
        if (needsName != (name != null)) {
            throw f.error(at + ".name", needsName ? "required for source " + source : "only cookie and header sources take a name");
        }
        return new AffinitySource(kind, name);
    }

    private static BackendLimits limits(Fields f, JsonNode node) {
        f.object(node, "limits", LIMIT_FIELDS);
        BackendLimits d = BackendLimits.DEFAULTS;
        return f.wrap("limits", () -> new BackendLimits(
                (int) f.number(node, "limits", "maxConnectionsPerBackend", d.maxConnectionsPerBackend(), Integer.MAX_VALUE),
                (int) f.number(node, "limits", "maxQueued", d.maxQueued(), Integer.MAX_VALUE),
                f.number(node, "limits", "queueTimeoutMs", d.queueTimeoutMs(), 3_600_000),
                f.number(node, "limits", "probeIntervalMs", d.probeIntervalMs(), 3_600_000),
                (int) f.number(node, "limits", "fall", d.fall(), 1000),
                (int) f.number(node, "limits", "rise", d.rise(), 1000),
                f.number(node, "limits", "slowStartMs", d.slowStartMs(), 3_600_000)));
    }

    /** The spec as JSON in the same form {@link #parse} reads (routes always spelled out). */
    public static ObjectNode toJson(FrontendSpec spec) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", spec.name());
        o.put("listen", spec.listen().getHostString() + ":" + spec.listen().getPort());
        o.put("protocol", spec.protocol().name().toLowerCase(Locale.ROOT));
        o.put("mode", spec.mode().name().toLowerCase(Locale.ROOT));
        ArrayNode routes = o.putArray("routes");
        for (Route r : spec.routes()) {
            ObjectNode ro = routes.addObject();
            RouteMatch m = r.match();
            if (!m.equals(RouteMatch.ANY)) {
                ObjectNode mo = ro.putObject("match");
                putIfSet(mo, "host", m.host());
                putIfSet(mo, "pathPrefix", m.pathPrefix());
                putIfSet(mo, "header", m.header());
                putIfSet(mo, "headerValue", m.headerValue());
                putIfSet(mo, "cookie", m.cookie());
                putIfSet(mo, "cookieValue", m.cookieValue());
                putIfSet(mo, "keyPrefix", m.keyPrefix());
            }
            ro.put("backends", r.backends().toString());
            ro.put("policy", r.policy().cliName());
            ObjectNode a = ro.putObject("affinity");
            a.put("source", r.affinity().kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            putIfSet(a, "name", r.affinity().name());
        }
        BackendLimits l = spec.limits();
        ObjectNode lo = o.putObject("limits");
        lo.put("maxConnectionsPerBackend", l.maxConnectionsPerBackend());
        lo.put("maxQueued", l.maxQueued());
        lo.put("queueTimeoutMs", l.queueTimeoutMs());
        lo.put("probeIntervalMs", l.probeIntervalMs());
        lo.put("fall", l.fall());
        lo.put("rise", l.rise());
        lo.put("slowStartMs", l.slowStartMs());
        return o;
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    /** Field access that turns every problem into an error naming source and field. */
    private record Fields(String source, String path) {
        CaravanException error(String field, String problem) {
            String at = path.isEmpty() ? field : field.isEmpty() ? path : path + "." + field;
            return ConfigException.at(source, at.isEmpty() ? "front end" : at, problem);
        }

        <T> T wrap(String field, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (CaravanException e) {
                if (e.getMessage().startsWith(source + ": ")) {
                    throw e;
                }
                throw error(field, e.getMessage());
            }
        }

        void object(JsonNode node, String at, Set<String> allowed) {
            if (node == null || !node.isObject()) {
                throw error(at, "must be a JSON object");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw error(at.isEmpty() ? name : at + "." + name, "unknown field; known: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }

        String requiredText(JsonNode node, String field) {
            if (!node.has(field)) {
                throw error(field, "missing");
            }
            return text(node, "", field);
        }

        String text(JsonNode node, String at, String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                throw error(at + field, "must be a string");
            }
            return v.textValue();
        }

        String optionalText(JsonNode node, String at, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual() || v.textValue().isEmpty()) {
                throw error(at + "." + field, "must be a non-empty string");
            }
            return v.textValue();
        }

        long number(JsonNode node, String at, String field, long dflt, long max) {
            JsonNode v = node.get(field);
            if (v == null) {
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > max) {
                throw error(at + "." + field, "must be a whole number in 0.." + max);
            }
            return v.longValue();
        }

        InetSocketAddress address(JsonNode node, String field) {
            String text = requiredText(node, field);
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw error(field, "expected host:port (port 0 for any free port), got '" + text + "'");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw error(field, "expected host:port (port 0 for any free port), got '" + text + "'");
            }
            if (port < 0 || port > 65535) {
                throw error(field, "port " + port + " outside 0..65535");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
                throw error(field, "host '" + host + "' does not resolve");
            }
            return a;
        }
    }
}
