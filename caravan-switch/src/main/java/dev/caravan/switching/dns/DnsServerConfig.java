package dev.caravan.switching.dns;

import dev.caravan.wire.ErrorCode;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Everything a {@link DnsServer} needs, validated on construction (before any thread starts).
 *
 * @param zone             the zone apex, absolute ({@code caravan.internal.})
 * @param listen           where UDP and TCP listen (one port for both; port 0 picks a free one)
 * @param ttlSeconds       TTL of every answer, 0..86400
 * @param topology         closeness of replicas to clients
 * @param rateLimitPerSecond UDP answers per second per client (see {@link ResponseRateLimiter})
 * @param rateLimitBurst   UDP answers a quiet client may get at once
 * @param tcpIdleTimeoutMs a TCP connection with no query for this long is closed (RFC 7766 6.2.3)
 * @param maxTcpConnections TCP connections served at once; more wait in the kernel's backlog
 */
public record DnsServerConfig(Name zone, InetSocketAddress listen, long ttlSeconds, Topology topology,
                              int rateLimitPerSecond, int rateLimitBurst, long tcpIdleTimeoutMs, int maxTcpConnections) {
    public static final String DEFAULT_ZONE = "caravan.internal.";
    public static final int DEFAULT_PORT = 5353;
    public static final long DEFAULT_TTL_SECONDS = 5;
    public static final int DEFAULT_RATE_PER_SECOND = 200;
    public static final int DEFAULT_BURST = 400;
    public static final long DEFAULT_TCP_IDLE_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 256;

    public DnsServerConfig {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(topology, "topology");
        if (!zone.isAbsolute()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("zone " + zone + " must end with a dot");
        }
        if (listen.isUnresolved()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("bind address " + listen.getHostString() + " does not resolve");
        }
        if (ttlSeconds < 0 || ttlSeconds > 86_400) {
            throw ErrorCode.INVALID_ARGUMENT.exception("ttl " + ttlSeconds + " s is outside 0..86400");
        }
        if (rateLimitPerSecond < 1 || rateLimitBurst < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("rate limit and burst must be at least 1");
        }
        if (tcpIdleTimeoutMs < 1 || maxTcpConnections < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("TCP idle timeout and connection limit must be at least 1");
        }
    }

    /** The defaults with this zone text ({@code caravan.internal} or {@code caravan.internal.}) and listen address. */
    public static DnsServerConfig of(String zone, InetSocketAddress listen, long ttlSeconds, Topology topology) {
        return new DnsServerConfig(parseZone(zone), listen, ttlSeconds, topology, DEFAULT_RATE_PER_SECOND, DEFAULT_BURST,
                DEFAULT_TCP_IDLE_TIMEOUT_MS, DEFAULT_MAX_TCP_CONNECTIONS);
    }

    /** A copy with another rate limit. */
    public DnsServerConfig withRateLimit(int perSecond, int burst) {
        return new DnsServerConfig(zone, listen, ttlSeconds, topology, perSecond, burst, tcpIdleTimeoutMs, maxTcpConnections);
    }

    /** A copy with another TCP idle timeout. */
    public DnsServerConfig withTcpIdleTimeoutMs(long ms) {
        return new DnsServerConfig(zone, listen, ttlSeconds, topology, rateLimitPerSecond, rateLimitBurst, ms, maxTcpConnections);
    }

    /**
     * Parses a zone name; a missing final dot is added.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when it is not a DNS name
     */
    public static Name parseZone(String text) {
        try {
            if (text.isBlank() || text.equals(".")) {
                throw new TextParseException("empty");
            }
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("zone '" + text + "' is not a DNS name (e.g. caravan.internal)");
        }
    }
}
