package dev.caravan.node;

import dev.caravan.core.process.ClientRef;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.SessionLinkConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;

/**
 * A process's stable endpoint (its "home address"): a RESP port on the node where the process
 * was first deployed, which stays put while the process moves. Batches are forwarded over
 * pooled {@link dev.caravan.wire.resp.SessionLink session links} to wherever the process runs
 * now (its "care-of address", looked up in naming). A batch answered {@code -MOVED} or
 * {@code -TRYAGAIN} was not executed there, so it is sent again to the current location;
 * clients such as redis-cli and redis-benchmark keep their TCP connection across a migration
 * and see only a pause.
 *
 * <p><b>Sessions.</b> Each client connection here is a session of the process (a random id
 * chosen here, the client's address): every batch carries it, whichever pooled backend
 * connection takes it, so per-client state at the process (protocol version, authentication,
 * a transaction) follows the client, not the backend connection, and across migrations too.
 * Control replies come back as facts: nothing is written for a suppressed reply, and a
 * closing reply closes the client's connection here — never the backend connection. When a
 * client's connection closes, the process is told ({@code CARAVAN.CLOSED}) so that it drops
 * the session.
 *
 * <p><b>Pool.</b> A backend connection goes back to the pool only after a complete,
 * well-framed exchange; one that failed in any way is closed. One that sat idle is checked
 * before use, so that a backend that closed meanwhile (its process moved or stopped) is not
 * sent a batch.
 *
 * <p>Big values pass through without a heap copy: off-heap arguments are streamed over the
 * link (they stay valid while the batch is forwarded, resent included: the protocol releases
 * them when {@code execute} returns), and bulk replies over 1 MiB are read off-heap and written
 * to the client from there; replies of a batch sent again elsewhere are released. The front
 * applies the same request limits as the process's data endpoint, and with a password set the
 * unauthenticated limits to each client connection until its AUTH or HELLO reply shows it
 * authenticated.
 *
 * <p>Threading: served by the toolkit's virtual-thread model; the backend pool is thread-safe
 * and a backend connection is used by one exchange at a time.
 */
final class FrontEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrontEndpoint.class.getName());
    private static final long RELOCATE_DEADLINE_NS = 30_000_000_000L;
    /** How long a closed session's notice is retried: it is not worth more than a forgotten session costs. */
    private static final long CLOSED_NOTICE_DEADLINE_NS = 10_000_000_000L;

    /** Where the process runs now, or null if it is not registered. */
    interface Locator {
        InetSocketAddress current();
    }

    private final String processName;
    private final Locator locator;
    private final LongSupplier nanoClock;
    private final String linkToken;
    private final ConcurrentLinkedDeque<SessionLinkConnection> idle = new ConcurrentLinkedDeque<>();
    private final Server server;
    private volatile boolean closed;

    /**
     * @param linkToken        the cluster token that opens session links to data endpoints ("" for none)
     * @param limits           request limits for the clients of this endpoint (the process's data endpoint has the same)
     * @param passwordRequired whether clients must authenticate: until they have, Redis's stricter limits apply here,
     *                         at the client's connection (the session links to the process have the full limits)
     */
    FrontEndpoint(String processName, Locator locator, String bindHost, LongSupplier nanoClock, String linkToken,
                  RespLimits limits, boolean passwordRequired) {
        this.processName = processName;
        this.locator = locator;
        this.nanoClock = nanoClock;
        this.linkToken = linkToken;
        this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(new Forwarding(), limits, passwordRequired),
                ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("front-" + processName));
    }

    int port() {
        return server.port();
    }

    /** Each client connection's batches, in its session; its end told to the process. */
    private final class Forwarding implements RespCommandHandler {
        @Override
        public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
            // Marks a session the process may hold state for: only those are worth a closed notice.
            session.attach(Boolean.TRUE);
            return forward(session.client(), batch.toArray(Command[]::new));
        }

        @Override
        public void onClosed(RespSession session) {
            if (session.attachment() != null && !closed) {
                try {
                    dropSession(session.id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Reply[] forward(ClientRef client, Command[] commands) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long pauseMs = 1;
        InetSocketAddress careOf = null;
        while (true) {
            SessionLinkConnection backend = careOf != null ? connect(careOf) : borrow();
            careOf = null;
            if (backend != null) {
                Reply[] replies;
                try {
                    replies = backend.batch(client.sessionId(), client.addr(), client.laddr(), commands);
                } catch (IOException e) {
                    // Sent but unanswered: it may have run, so it is not sent again.
                    backend.close();
                    return DataEndpoint.fill(commands.length, Reply.error("ERR connection to process " + processName
                            + " lost mid-request; it may or may not have run"));
                }
                if (!notExecuted(replies[0]) || nanoClock.getAsLong() - start > RELOCATE_DEADLINE_NS) {
                    idle.push(backend);
                    return replies;
                }
                for (Reply r : replies) {
                    Reply.release(r);
                }
                // The process moved (or its node is fenced): every pooled connection points to the old place.
                backend.close();
                drainPool();
                careOf = movedTo(replies[0]);
                if (careOf != null) {
                    // MOVED names the new place (the care-of address): go there at once, no naming round trip, no pause.
                    continue;
                }
            }
            if (closed || nanoClock.getAsLong() - start > RELOCATE_DEADLINE_NS) {
                return DataEndpoint.fill(commands.length, Reply.error("TRYAGAIN process " + processName
                        + " cannot be reached right now"));
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(100, pauseMs * 2);
        }
    }

    /**
     * Tells the process that a client's session is over. The notice changes nothing when it
     * arrives twice, so unlike a batch it is sent again after a broken connection; given up
     * (logged) after a bound, when the process cannot be reached.
     */
    private void dropSession(long sessionId) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long pauseMs = 1;
        while (!closed) {
            SessionLinkConnection backend = borrow();
            if (backend != null) {
                try {
                    Reply r = backend.closed(sessionId);
                    idle.push(backend);
                    if (r.equals(Reply.OK)) {
                        return;
                    }
                    LOG.log(System.Logger.Level.DEBUG, "front of " + processName + ": closed-session notice answered " + r);
                } catch (IOException e) {
                    backend.close();
                }
            }
            if (nanoClock.getAsLong() - start > CLOSED_NOTICE_DEADLINE_NS) {
                LOG.log(System.Logger.Level.WARNING, "front of " + processName + " could not tell the process that a client"
                        + " closed; its session stays until the process drops it");
                return;
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(100, pauseMs * 2);
        }
    }

    /** The address a {@code -MOVED <epoch> <host:port>} reply names, or null for any other reply. */
    static InetSocketAddress movedTo(Reply r) {
        if (!(r instanceof Reply.Error e) || !e.text().startsWith("MOVED ")) {
            return null;
        }
        String[] parts = e.text().split(" ");
        if (parts.length != 3) {
            return null;
        }
        try {
            return dev.caravan.wire.net.HostPort.parse(parts[2]);
        } catch (CaravanException bad) {
            return null;
        }
    }

    /** A new link to {@code at}; null if it cannot be reached now. */
    private SessionLinkConnection connect(InetSocketAddress at) {
        try {
            // Replies over 1 MiB are read off-heap, so a big GET does not grow this node's heap.
            return SessionLinkConnection.open(at, linkToken, nanoClock);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "front of " + processName + " cannot reach " + at + ": " + e);
            return null;
        }
    }

    /** A pooled link that still looks open, or a new one to the current location; null if it cannot be reached now. */
    private SessionLinkConnection borrow() {
        SessionLinkConnection f;
        while ((f = idle.poll()) != null) {
            if (f.looksOpen()) {
                return f;
            }
            f.close();
        }
        InetSocketAddress at;
        try {
            at = locator.current();
        } catch (CaravanException e) {
            return null;
        }
        return at == null ? null : connect(at);
    }

    private void drainPool() {
        SessionLinkConnection f;
        while ((f = idle.poll()) != null) {
            f.close();
        }
    }

    private static boolean notExecuted(Reply r) {
        return r instanceof Reply.Error e && (e.text().startsWith("MOVED ") || e.text().startsWith("TRYAGAIN "));
    }

    /** Stops serving and closes every pooled backend connection, even when closing the server fails. */
    @Override
    public void close() {
        closed = true;
        dev.caravan.wire.CloseAll all = new dev.caravan.wire.CloseAll();
        all.run(server::close);
        all.run(this::drainPool);
        all.throwIfFailed("closing the stable endpoint of " + processName);
    }
}
