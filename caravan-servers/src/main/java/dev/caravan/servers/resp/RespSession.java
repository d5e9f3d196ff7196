package dev.caravan.servers.resp;

import dev.caravan.core.process.ClientRef;
import dev.caravan.servers.protocol.Connection;

import java.security.SecureRandom;

/**
 * One client's session as a {@link RespCommandHandler} sees it: the {@link ClientRef} that
 * names it to a process, and — for a client connected to this endpoint — its connection.
 *
 * <p>Two kinds:
 * <ul>
 * <li><b>direct</b>: a client connected to this port. One per connection, made when it is
 *     accepted, with a fresh id from {@link #newSessionId()}; {@link #close()} closes it.</li>
 * <li><b>linked</b>: a client of another endpoint that forwards its batches over a
 *     {@link dev.caravan.wire.resp.SessionLink session link}; the id and addresses are the
 *     forwarder's, and {@link #close()} does nothing here (the forwarder holds the connection).</li>
 * </ul>
 *
 * <p>Threading: the {@link #attachment} belongs to the handler; for a direct session it is
 * only touched by the calls for that connection, which never overlap (see
 * {@link dev.caravan.servers.protocol.Protocol}). {@link #close()} may be called from any thread.
 */
public final class RespSession {
    private static final SecureRandom IDS = new SecureRandom();

    private final ClientRef client;
    private final Connection connection;
    private Object attachment;

    private RespSession(ClientRef client, Connection connection) {
        this.client = client;
        this.connection = connection;
    }

    /** The session of a client connected to this endpoint. */
    public static RespSession direct(Connection connection) {
        return new RespSession(new ClientRef(newSessionId(), Connection.hostPort(connection.remoteAddress()),
                Connection.hostPort(connection.localAddress())), connection);
    }

    /** The session of a client another endpoint holds and forwards for. */
    public static RespSession linked(ClientRef client) {
        return new RespSession(client, null);
    }

    /** A random id in 1..2^63-1 from a secure source: not guessable, never 0 ("no session"). */
    public static long newSessionId() {
        long id;
        do {
            id = IDS.nextLong() >>> 1;
        } while (id == 0);
        return id;
    }

    public ClientRef client() {
        return client;
    }

    public long id() {
        return client.sessionId();
    }

    /** Whether the client is connected to this endpoint (rather than forwarded over a link). */
    public boolean isDirect() {
        return connection != null;
    }

    /** Closes a direct session's connection (see {@link Connection#close()}); nothing for a linked one. */
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }

    /** The handler's per-session state; null until it sets one. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object state) {
        this.attachment = state;
    }

    @Override
    public String toString() {
        return (isDirect() ? "direct" : "linked") + " session of " + client.addr();
    }
}
