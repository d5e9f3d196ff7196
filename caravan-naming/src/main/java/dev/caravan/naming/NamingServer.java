package dev.caravan.naming;

import dev.caravan.wire.net.FrameServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The naming port: a {@link NamingService} served over Caravan {@link dev.caravan.wire.Frame}s.
 * Body layouts (big-endian; {@code entry} as in {@link NamingEntry}):
 *
 * <pre>
 *   op                  request                              OK reply
 *   NAMING_OPEN_LEASE   string holder, i64 ttlMs             i64 leaseId, i64 ttlMs
 *   NAMING_RENEW_LEASE  i64 leaseId                          (empty)
 *   NAMING_CLOSE_LEASE  i64 leaseId                          (empty)
 *   NAMING_REGISTER     i64 leaseId, entry                   (empty)
 *   NAMING_UNREGISTER   i64 leaseId, string name, i64 epoch  (empty)
 *   NAMING_LOOKUP       string name                          bool found, [entry]
 *   NAMING_LIST         string prefix                        i32 count, entry*
 *   NAMING_WATCH        string prefix, bool snapshot         i64 watchId, [i32 count, entry*]
 *   NAMING_UNWATCH      i64 watchId                          (empty)
 *   EVENT (pushed)      requestId = watchId, body: u8 kind (1 PUT, 2 REMOVED), entry
 * </pre>
 *
 * <p>Leases are not tied to connections: they are soft state that lives until its TTL, so a
 * client may reconnect (to this server or its restarted successor on the same service) and
 * keep renewing. Watches are tied to their connection and cancelled when it closes.
 *
 * <p>Threading: one accept thread and one virtual thread per connection (see
 * {@link FrameServer}); watch events are sent from the service's watch threads.
 *
 * <p>The server does not own the service: {@link #close} stops serving but leaves the service
 * open, so a new server can serve the same table.
 */
public final class NamingServer implements AutoCloseable {
    public static final int MAX_CONNECTIONS = 4096;
    public static final int MAX_FRAME_BYTES = 1024 * 1024;

    private final NamingService service;
    private final FrameServer server;
    private final NamingRequestHandler handler;

    /**
     * Binds and starts serving. A {@link LocalNamingService} gets its reaper started, since a
     * served table must expire silent leases.
     *
     * @param bind  address to bind; port 0 picks a free port
     * @param token cluster token required in HELLO; empty admits anyone
     * @throws IOException when the address cannot be bound
     */
    public NamingServer(NamingService service, InetSocketAddress bind, String token) throws IOException {
        this(service, bind, token, dev.caravan.wire.security.TransportSecurity.plaintext());
    }

    /**
     * Binds and starts serving over {@code security}: on mutual TLS the client certificate
     * identifies each connection and the token is not checked (see {@link FrameServer}).
     */
    public NamingServer(NamingService service, InetSocketAddress bind, String token,
                        dev.caravan.wire.security.TransportSecurity security) throws IOException {
        this.service = Objects.requireNonNull(service, "service");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(token, "token");
        if (service instanceof LocalNamingService local) {
            local.startReaper();
        }
        this.handler = new NamingRequestHandler(service);
        this.server = new FrameServer("naming", bind, handler, token,
                MAX_CONNECTIONS, MAX_FRAME_BYTES, FrameServer.DEFAULT_HELLO_TIMEOUT, security);
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.port();
    }

    public NamingService service() {
        return service;
    }

    /** Requests received so far by op label (ping, open-lease, renew-lease, register, lookup, watch, ...). Any thread. */
    public java.util.Map<String, Long> requestCounts() {
        return handler.requestCounts();
    }

    /** Stops accepting, closes every connection and cancels their watches. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
