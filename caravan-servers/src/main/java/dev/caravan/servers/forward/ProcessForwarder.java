package dev.caravan.servers.forward;

import dev.caravan.core.process.ClientRef;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.resp.SessionLinkConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Sends each client's command batches, in the client's session, to wherever one process runs
 * now, over pooled {@link dev.caravan.wire.resp.SessionLink session links}; what a process's
 * stable endpoint on its home node and the switch's PROCESS front ends both do.
 *
 * <p><b>Following the process.</b> A batch answered {@code -MOVED <epoch> <host:port>} or
 * {@code -TRYAGAIN} was not run there: every pooled link is dropped (they all point to the old
 * place) and the batch is sent again, at once to the address MOVED names, or, after TRYAGAIN,
 * to the {@link Locator}'s answer after a pause that doubles from 1 ms to 100 ms. Neither reply
 * reaches a client: after {@value #RELOCATE_DEADLINE_MS} ms without a place that runs it, the
 * batch is answered {@code -ERR ... could not be reached ...; nothing was run}.
 *
 * <p><b>Pool: only while known good.</b> A link goes back to the pool only after a complete,
 * well-framed exchange that the process answered (not MOVED/TRYAGAIN). A pooled link idle for
 * over 200 ms is probed before use ({@link SessionLinkConnection#looksOpen}), so one the data
 * endpoint closed meanwhile (its process moved 30 s ago, or stopped) is dropped unused. When a
 * link fails anyway, what happens depends on what is provable:
 * <ul>
 *   <li><em>Never sent</em>: writing the batch failed ({@link SessionLinkConnection.NotSentException}):
 *       its last byte never left this host, and a data endpoint runs a batch only once it has read
 *       all of it. The pool is dropped and the batch goes on a fresh link to the current place.</li>
 *   <li><em>Fate unknown</em>: the batch was written and the link then ended or sent something
 *       that is not a reply frame: the endpoint may have run it and died before answering (an end
 *       of stream with no byte of reply does not prove otherwise: a data endpoint closed while it
 *       runs a batch closes its links without a word). Sent again only when every command is
 *       {@link Idempotence idempotent}; otherwise each command is answered
 *       {@code -ERR connection to process <name> lost mid-request; it may or may not have run}.</li>
 * </ul>
 *
 * <p><b>Sessions.</b> Each client connection is a session of the process (a random id chosen by
 * the serving protocol, the client's address): every batch carries it, whichever pooled link takes
 * it, so per-client state at the process (protocol version, authentication, a transaction)
 * follows the client across links and migrations. Control replies come back as facts
 * (suppressed, closing). When a client's connection closes, the process is told
 * ({@code CARAVAN.CLOSED}), retried for {@value #CLOSED_NOTICE_DEADLINE_MS} ms (the notice is
 * idempotent).
 *
 * <p><b>Big values</b> pass through without a heap copy: off-heap arguments are streamed (they
 * stay valid while the batch is forwarded, resends included), replies over 1 MiB are read
 * off-heap and handed to the caller, who writes and releases them; replies of a batch sent again
 * elsewhere are released here.
 *
 * <p>Threading: thread-safe; each call blocks its (virtual) thread for the exchange; a link is used
 * by one exchange at a time.
 */
public final class ProcessForwarder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessForwarder.class.getName());
    /** How long a batch may look for a place that runs it. */
    public static final long RELOCATE_DEADLINE_MS = 30_000;
    /** How long a closed session's notice is retried: it is not worth more than a forgotten session costs. */
    public static final long CLOSED_NOTICE_DEADLINE_MS = 10_000;

    private final String processName;
    private final Locator locator;
    private final LongSupplier nanoClock;
    private final Idempotence idempotence;
    private final LinkOpener opener;
    private final ConcurrentLinkedDeque<SessionLinkConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param processName for errors and logs
     * @param locator     where the process runs now
     * @param nanoClock   monotonic nanoseconds (deadlines, link idleness)
     * @param linkToken   the cluster token that opens session links ("" for none)
     * @param idempotence which commands of a batch of unknown fate may be sent again
     */
    public ProcessForwarder(String processName, Locator locator, LongSupplier nanoClock, String linkToken,
                            Idempotence idempotence) {
        this(processName, locator, nanoClock, linkToken, idempotence, null);
    }

    /**
     * As the plaintext constructor, with {@code opener} dialling each new link (e.g. over TLS:
     * {@link SessionLinkConnection#openTls}); it gets the data endpoint's address, as the locator or
     * a {@code -MOVED} names it. Null: plaintext links to that address.
     */
    public ProcessForwarder(String processName, Locator locator, LongSupplier nanoClock, String linkToken,
                            Idempotence idempotence, LinkOpener opener) {
        this.processName = processName;
        this.locator = locator;
        this.nanoClock = nanoClock;
        this.idempotence = idempotence;
        this.opener = opener != null ? opener : at -> SessionLinkConnection.open(at, linkToken, nanoClock);
    }

    /** Dials one session link to the data endpoint at an address; thread-safe. */
    @FunctionalInterface
    public interface LinkOpener {
        /** @throws IOException when it cannot be reached now (the forwarder tries again, within its deadline) */
        SessionLinkConnection open(InetSocketAddress dataEndpoint) throws IOException;
    }

    /** A handler for a {@link dev.caravan.servers.resp.RespProtocol} whose clients are forwarded here. */
    public RespCommandHandler handler() {
        return new Forwarding();
    }

    /** Batches answered by the process so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Batches answered with an error because the process could not be reached or the link broke. */
    public long failed() {
        return failed.get();
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

    /**
     * The process's replies to {@code commands}, run in {@code client}'s session wherever the
     * process runs now; never a MOVED or TRYAGAIN.
     */
    public Reply[] forward(ClientRef client, Command[] commands) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long pauseMs = 1;
        InetSocketAddress careOf = null;
        boolean fresh = false;
        while (true) {
            SessionLinkConnection link = careOf != null ? connect(careOf) : fresh ? connectCurrent() : borrow();
            careOf = null;
            fresh = false;
            if (link != null) {
                Reply[] replies;
                try {
                    replies = link.batch(client.sessionId(), client.addr(), client.laddr(), commands);
                } catch (SessionLinkConnection.NotSentException e) {
                    link.close();
                    drainPool();
                    fresh = true;
                    continue;
                } catch (IOException e) {
                    link.close();
                    drainPool();
                    if (allIdempotent(commands)) {
                        fresh = true;
                        continue;
                    }
                    failed.incrementAndGet();
                    LOG.log(System.Logger.Level.DEBUG, "forwarding to " + processName + ": " + e);
                    return fill(commands.length, Reply.error("ERR connection to process " + processName
                            + " lost mid-request; it may or may not have run"));
                }
                if (!notExecuted(replies[0])) {
                    idle.push(link);
                    forwarded.incrementAndGet();
                    return replies;
                }
                careOf = movedTo(replies[0]);
                for (Reply r : replies) {
                    Reply.release(r);
                }
                // The process moved (or its node is fenced): every pooled link points to the old place.
                link.close();
                drainPool();
                if (careOf != null && !expired(start)) {
                    // MOVED names the new place (the care-of address): go there at once, no naming round trip, no pause.
                    continue;
                }
                careOf = null;
            }
            if (closed || expired(start)) {
                failed.incrementAndGet();
                return fill(commands.length, Reply.error("ERR process " + processName + " could not be reached within "
                        + RELOCATE_DEADLINE_MS / 1000 + " s; nothing was run, try again later"));
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(100, pauseMs * 2);
            fresh = true;
        }
    }

    /**
     * Tells the process that a client's session is over. The notice changes nothing when it
     * arrives twice, so unlike a batch it is sent again after a broken link; given up (logged)
     * after {@value #CLOSED_NOTICE_DEADLINE_MS} ms, when the process cannot be reached.
     */
    public void dropSession(long sessionId) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long pauseMs = 1;
        InetSocketAddress careOf = null;
        while (!closed) {
            SessionLinkConnection link = careOf != null ? connect(careOf) : borrow();
            careOf = null;
            if (link != null) {
                try {
                    Reply r = link.closed(sessionId);
                    if (r.equals(Reply.OK)) {
                        idle.push(link);
                        return;
                    }
                    link.close();
                    drainPool();
                    careOf = movedTo(r);
                    LOG.log(System.Logger.Level.DEBUG, "forwarder of " + processName + ": closed-session notice answered " + r);
                } catch (IOException e) {
                    link.close();
                }
            }
            if (nanoClock.getAsLong() - start > CLOSED_NOTICE_DEADLINE_MS * 1_000_000L) {
                LOG.log(System.Logger.Level.WARNING, "forwarder of " + processName + " could not tell the process that a"
                        + " client closed; its session stays until the process drops it");
                return;
            }
            if (careOf == null) {
                Thread.sleep(pauseMs);
                pauseMs = Math.min(100, pauseMs * 2);
            }
        }
    }

    /** The address a {@code -MOVED <epoch> <host:port>} reply names, or null for any other reply. */
    public static InetSocketAddress movedTo(Reply r) {
        if (!(r instanceof Reply.Error e) || !e.text().startsWith("MOVED ")) {
            return null;
        }
        String[] parts = e.text().split(" ");
        if (parts.length != 3) {
            return null;
        }
        try {
            return HostPort.parse(parts[2]);
        } catch (CaravanException bad) {
            return null;
        }
    }

    private boolean expired(long startNs) {
        return nanoClock.getAsLong() - startNs > RELOCATE_DEADLINE_MS * 1_000_000L;
    }

    private boolean allIdempotent(Command[] commands) {
        for (Command c : commands) {
            if (!idempotence.isIdempotent(c)) {
                return false;
            }
        }
        return true;
    }

    /** A new link to {@code at}; null if it cannot be reached now. */
    private SessionLinkConnection connect(InetSocketAddress at) {
        try {
            return opener.open(at);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "forwarder of " + processName + " cannot reach " + at + ": " + e);
            return null;
        }
    }

    /** A new link to where naming says the process is; null if it is not registered or cannot be reached now. */
    private SessionLinkConnection connectCurrent() {
        InetSocketAddress at;
        try {
            at = locator.current();
        } catch (CaravanException e) {
            return null;
        }
        return at == null ? null : connect(at);
    }

    /** A pooled link that still looks open, or a new one to the current place. */
    private SessionLinkConnection borrow() {
        SessionLinkConnection f;
        while ((f = idle.poll()) != null) {
            if (f.looksOpen()) {
                return f;
            }
            f.close();
        }
        return connectCurrent();
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

    /** {@code n} copies of {@code r}. */
    public static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        Arrays.fill(replies, r);
        return replies;
    }

    /** Stops forwarding (batches still looking for the process give up) and closes every pooled link. */
    @Override
    public void close() {
        closed = true;
        CloseAll all = new CloseAll();
        all.run(this::drainPool);
        all.throwIfFailed("closing the forwarder of " + processName);
    }
}
