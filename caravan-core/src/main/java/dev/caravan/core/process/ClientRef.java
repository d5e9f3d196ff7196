package dev.caravan.core.process;

/**
 * Which client connection a batch of commands came from, as the endpoint holding that
 * connection names it: the process keys its per-client state (Redis's connection state:
 * protocol version, authentication, name, reply mode, transaction, watched keys) by
 * {@code sessionId}. The id is chosen by the endpoint that accepted the client (the data
 * endpoint, or a stable endpoint or switch forwarding for it), stays the same while that client
 * connection lives, including across migrations of the process, and is never reused for another
 * client. Ids are random 63-bit numbers, so that one client cannot guess another's.
 *
 * @param sessionId the client's session at the process; {@code 0} means "no session" (node CALL,
 *                  internal requests): each batch then stands alone
 * @param addr      the client's address, {@code host:port} (what {@code CLIENT LIST} shows as {@code addr})
 * @param laddr     the address the client connected to, {@code host:port} ({@code laddr})
 */
public record ClientRef(long sessionId, String addr, String laddr) {
    /** No session: requests that do not come from a RESP client connection. */
    public static final ClientRef NONE = new ClientRef(0, "", "");

    public ClientRef {
        if (sessionId < 0) {
            throw new IllegalArgumentException("a session id is not negative, got " + sessionId);
        }
    }

    /** Whether this names a session (non-zero id). */
    public boolean hasSession() {
        return sessionId != 0;
    }
}
