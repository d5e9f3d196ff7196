package dev.caravan.node;

import dev.caravan.wire.resp.RespConnection;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;

/**
 * A process's stable endpoint (its "home address"): a RESP port on the node where the process
 * was first deployed, which stays put while the process moves. Batches are forwarded over
 * pooled connections to wherever the process runs now (its "care-of address", looked up in
 * naming). A batch answered {@code -MOVED} or {@code -TRYAGAIN} was not executed there, so it is
 * sent again to the current location; clients such as redis-cli and redis-benchmark keep their
 * TCP connection across a migration and see only a pause.
 *
 * <p>Big values pass through without a heap copy: off-heap arguments are streamed to the
 * backend, and bulk replies over 1 MiB are read off-heap and written to the client from there.
 * The front applies the same request limits as the process's data endpoint.
 *
 * <p>Threading: served by the toolkit's virtual-thread model; the backend pool is thread-safe
 * and a backend connection is used by one batch at a time.
 */
final class FrontEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrontEndpoint.class.getName());
    private static final long RELOCATE_DEADLINE_NS = 30_000_000_000L;

    /** Where the process runs now, or null if it is not registered. */
    interface Locator {
        InetSocketAddress current();
    }

    private final String processName;
    private final Locator locator;
    private final LongSupplier nanoClock;
    private final ConcurrentLinkedDeque<RespConnection> idle = new ConcurrentLinkedDeque<>();
    private final Server server;
    private volatile boolean closed;

    FrontEndpoint(String processName, Locator locator, String bindHost, LongSupplier nanoClock, RespLimits limits,
                  boolean passwordRequired) {
        this.processName = processName;
        this.locator = locator;
        this.nanoClock = nanoClock;
        this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(this::forward, limits, passwordRequired),
                ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("front-" + processName));
    }

    int port() {
        return server.port();
    }

    private Reply[] forward(List<Command> batch) throws InterruptedException {
        Command[] commands = batch.toArray(Command[]::new);
        long start = nanoClock.getAsLong();
        long pauseMs = 1;
        InetSocketAddress careOf = null;
        while (true) {
            RespConnection backend = careOf != null ? connect(careOf) : borrow();
            careOf = null;
            if (backend != null) {
                Reply[] replies;
                try {
                    replies = backend.forward(commands);
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

    /** A new connection to {@code at}; null if it cannot be reached now. */
    private RespConnection connect(InetSocketAddress at) {
        try {
            // Replies over 1 MiB are read off-heap, so a big GET does not grow this node's heap.
            return new RespConnection(at, RespLimits.DEFAULTS);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "front of " + processName + " cannot reach " + at + ": " + e);
            return null;
        }
    }

    /** A pooled connection to the current location, or a new one; null if it cannot be reached now. */
    private RespConnection borrow() {
        RespConnection f = idle.poll();
        if (f != null) {
            return f;
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
        RespConnection f;
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
