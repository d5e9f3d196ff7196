package dev.caravan.switching.http;

import dev.caravan.switching.Route;
import dev.caravan.switching.Route.AffinitySource;
import dev.caravan.switching.Route.RouteMatch;
import dev.caravan.switching.policy.DispatchKey;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.util.List;

/**
 * Matches HTTP requests against a front end's routes and extracts the key a route's policy
 * dispatches on. Stateless; allocation-free except for the returned key.
 */
final class RouteMatcher {
    private RouteMatcher() {
    }

    /** Index of the first route {@code request} matches, or -1. */
    static int firstMatch(List<Route> routes, HttpRequest request) {
        for (int i = 0; i < routes.size(); i++) {
            if (matches(routes.get(i).match(), request)) {
                return i;
            }
        }
        return -1;
    }

    static boolean matches(RouteMatch m, HttpRequest request) {
        if (m.host() != null && !hostMatches(m.host(), request.headers().get(HttpHeaderNames.HOST))) {
            return false;
        }
        if (m.pathPrefix() != null && !request.uri().startsWith(m.pathPrefix())) {
            return false;
        }
        if (m.header() != null) {
            String v = request.headers().get(m.header());
            if (v == null || (m.headerValue() != null && !m.headerValue().equals(v))) {
                return false;
            }
        }
        if (m.cookie() != null) {
            String v = cookie(request, m.cookie());
            return v != null && (m.cookieValue() == null || m.cookieValue().equals(v));
        }
        return true;
    }

    private static boolean hostMatches(String want, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        int end = hostHeader.length();
        int colon = hostHeader.lastIndexOf(':');
        if (colon > 0 && hostHeader.indexOf(']') < colon) {
            end = colon;
        }
        return end == want.length() && hostHeader.regionMatches(true, 0, want, 0, end);
    }

    /** The value of cookie {@code name} in the request's Cookie headers (RFC 6265 §5.4 syntax), or null. */
    static String cookie(HttpRequest request, String name) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            int i = 0;
            int n = header.length();
            while (i < n) {
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                    i++;
                }
                int eq = header.indexOf('=', i);
                int semi = header.indexOf(';', i);
                int end = semi < 0 ? n : semi;
                if (eq > 0 && eq < end && eq - i == name.length() && header.startsWith(name, i)) {
                    String v = header.substring(eq + 1, end).trim();
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
                i = end + 1;
            }
        }
        return null;
    }

    /** The key {@code route}'s policy sees for {@code request} from {@code client}. */
    static DispatchKey key(Route route, HttpRequest request, InetAddress client) {
        AffinitySource a = route.affinity();
        String k = switch (a.kind()) {
            case CLIENT_ADDRESS, RESP_KEY -> null;
            case COOKIE -> cookie(request, a.name());
            case HEADER -> request.headers().get(a.name());
            case PATH -> path(request.uri());
        };
        return new DispatchKey(client, k, k);
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
