package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.node.ProcessSpec;

/**
 * What the migration engine sees of a process its node hosts (or is receiving): the spec it
 * was started from, its runner (thread, mailbox, epoch), its paged memory, its data endpoint's
 * address, its stable endpoint and its table of recent replies. The node owns the object; the
 * engine reads these references from any thread and reaches process state only through
 * {@link ProcessRunner#onProcessThread}.
 */
public interface MovableProcess {
    ProcessSpec spec();

    ProcessRunner runner();

    PagedMemory memory();

    /** The stable endpoint (host:port), "" if the process has none. */
    String front();

    /** Host of the data endpoint. */
    String dataHost();

    /** Port of the data endpoint. */
    int dataPort();

    /**
     * Port of the data endpoint's RESP-over-TLS front on {@link #dataHost()}, where a TLS source
     * node hands sessions off to it ({@link HandOffLink}); 0 when it has none (the default).
     */
    default int tlsDataPort() {
        return 0;
    }

    /** The replies to recent deduplicated requests; they travel with the process. */
    RecentReplies recentReplies();

    /**
     * Runs one command, answering a repeated (clientId, requestId) from the recent replies
     * instead of running it twice; requestId 0 is never deduplicated. Blocks until answered.
     */
    default dev.caravan.wire.command.Reply call(long clientId, long requestId, dev.caravan.wire.command.Command command)
            throws InterruptedException {
        dev.caravan.wire.command.Reply seen = recentReplies().get(clientId, requestId);
        if (seen != null) {
            return seen;
        }
        dev.caravan.wire.command.Reply reply;
        try {
            reply = runner().submit(command).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw dev.caravan.wire.ErrorCode.INTERNAL.exception("command completion failed: " + e.getCause());
        }
        // A call's reply goes into a frame and the recent-reply table: nothing off-heap there.
        reply = dev.caravan.wire.command.CommandCodec.forFrame(reply);
        recentReplies().put(clientId, requestId, reply);
        return reply;
    }

    /** A short name for logs and errors. */
    default String name() {
        return spec().name();
    }
}
