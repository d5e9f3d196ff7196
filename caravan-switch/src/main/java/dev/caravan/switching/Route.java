package dev.caravan.switching;

import dev.caravan.switching.policy.PolicyKind;

import java.util.Objects;

/**
 * One rule of a content-aware front end: requests that {@link RouteMatch match} go to
 * {@code backends} under {@code policy}. A transport-level front end has exactly one route
 * matching everything. Routes are tried in order; the first match wins.
 *
 * @param match    which requests (all of its non-null fields must match)
 * @param backends the backend set
 * @param policy   how one backend is picked
 * @param affinity what affinity and consistent hashing key on (ignored by other policies)
 */
public record Route(RouteMatch match, BackendSelector backends, PolicyKind policy, AffinitySource affinity) {
    public Route {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(policy, "policy");
        affinity = affinity == null ? AffinitySource.CLIENT_ADDRESS : affinity;
    }

    /**
     * Requests a route applies to; null fields match anything.
     *
     * @param host        HTTP Host header (without port), exact, case-insensitive
     * @param pathPrefix  HTTP request-target prefix
     * @param header      HTTP header name that must be present ...
     * @param headerValue ... with this exact value (null: any value)
     * @param cookie      cookie name that must be present ...
     * @param cookieValue ... with this exact value (null: any value)
     * @param keyPrefix   RESP: the command's first key starts with this
     */
    public record RouteMatch(String host, String pathPrefix, String header, String headerValue, String cookie,
                             String cookieValue, String keyPrefix) {
        public static final RouteMatch ANY = new RouteMatch(null, null, null, null, null, null, null);
    }

    /**
     * Where affinity and consistent hashing take their key from.
     *
     * @param kind what carries the key
     * @param name the cookie or header name (for COOKIE and HEADER); null otherwise
     */
    public record AffinitySource(Kind kind, String name) {
        public enum Kind { CLIENT_ADDRESS, COOKIE, HEADER, PATH, RESP_KEY }

        public static final AffinitySource CLIENT_ADDRESS = new AffinitySource(Kind.CLIENT_ADDRESS, null);

        public AffinitySource {
            Objects.requireNonNull(kind, "kind");
        }
    }
}
