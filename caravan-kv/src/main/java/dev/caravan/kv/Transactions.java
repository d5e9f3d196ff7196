package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH as redis-server 7.0's {@code multi.c}: commands sent
 * after MULTI are queued (the dispatcher answers {@code +QUEUED}); EXEC runs them all in one call
 * on the process thread, so nothing else runs between them; a command refused while queueing
 * makes EXEC answer EXECABORT; a watched key changed since WATCH makes it answer a null array.
 * Errors of a queued command at run time stay that command's element of EXEC's reply.
 *
 * <p>Inside EXEC a command that would block answers at once with its timeout reply (Redis never
 * blocks in a transaction). A {@code CLIENT REPLY OFF | SKIP} inside EXEC takes effect after it
 * and its element is {@code +OK}, where redis-server would leave its element and the following
 * ones out of the array it already announced.
 *
 * <p>Process thread only.
 */
final class Transactions {
    private static final Reply QUEUED = new Reply.Simple("QUEUED");
    private static final Reply EXECABORT = Reply.error("EXECABORT Transaction discarded because of previous errors.");

    private final ClientSessions sessions;
    private final KeyWatches watches;
    private final Supplier<KvStore> store;

    Transactions(ClientSessions sessions, KeyWatches watches, Supplier<KvStore> store) {
        this.sessions = sessions;
        this.watches = watches;
        this.store = store;
    }

    /** MULTI, DISCARD, WATCH or UNWATCH (EXEC is {@link #exec}). */
    Reply execute(ClientSession s, Command c, long nowMs) {
        return switch (c.name()) {
            case "MULTI" -> {
                if (s.multi) {
                    yield Reply.error("ERR MULTI calls can not be nested");
                }
                s.multi = true;
                yield Reply.OK;
            }
            case "DISCARD" -> {
                if (!s.multi) {
                    yield Reply.error("ERR DISCARD without MULTI");
                }
                discard(s);
                yield Reply.OK;
            }
            case "WATCH" -> watch(s, c, nowMs);
            case "UNWATCH" -> {
                watches.unwatchAll(s);
                s.dirtyCas = false;
                yield Reply.OK;
            }
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private Reply watch(ClientSession s, Command c, long nowMs) {
        if (s.multi) {
            return Reply.error("ERR WATCH inside MULTI is not allowed");
        }
        if (s.dirtyCas) {
            return Reply.OK; // no point in watching: EXEC fails anyway
        }
        long bytes = c.payloadBytes() - c.arg(0).length;
        if (!watches.mayWatch(bytes)) {
            return Reply.error("ERR too many watched keys: at most " + KeyWatches.MAX_WATCHED_BYTES
                    + " bytes of keys watched by all clients; UNWATCH or EXEC first");
        }
        KvStore kv = store.get();
        for (int i = 1; i < c.size(); i++) {
            watches.watch(s, c.arg(i), KeyWatches.isExpired(kv, c.arg(i), nowMs));
        }
        return Reply.OK;
    }

    /** {@code +QUEUED} for a command sent inside MULTI; a transaction already doomed keeps nothing. */
    Reply queue(ClientSession s, Command c) {
        if (!s.dirtyExec && !s.dirtyCas) {
            sessions.queue(s, c);
        }
        return QUEUED;
    }

    /**
     * EXEC. {@code run} executes one queued command for the session and returns its reply in the
     * session's protocol at that moment (a queued HELLO may change it). The reply is in the
     * client's protocol already; it is {@link Reply.Closing} when a queued command asked for the
     * connection to close after it.
     */
    Reply exec(ClientSession s, long nowMs, BiFunction<ClientSession, Command, Reply> run) {
        if (!s.multi) {
            return Reply.error("ERR EXEC without MULTI");
        }
        if (!s.watches.isEmpty() && watches.anyExpired(s, store.get(), nowMs)) {
            s.dirtyCas = true;
        }
        if (s.dirtyExec || s.dirtyCas) {
            Reply r = s.dirtyExec ? EXECABORT : s.protocol == 3 ? Reply.NULL : Reply.NIL_ARRAY;
            discard(s);
            return r;
        }
        watches.unwatchAll(s);
        List<Command> queued = List.copyOf(s.queued);
        List<Reply> replies = new ArrayList<>(queued.size());
        boolean close = false;
        for (Command c : queued) {
            Reply r = run.apply(s, c);
            if (r instanceof Reply.Blocked b) {
                r = b.timeoutReply();
            }
            if (r instanceof Reply.Closing closing) {
                close = true;
                r = closing.reply();
            }
            replies.add(r instanceof Reply.Suppressed ? Reply.OK : r);
        }
        discard(s);
        Reply all = new Reply.Array(replies);
        return close ? new Reply.Closing(all) : all;
    }

    /** Leaves MULTI, forgetting the queue, the flags and every watch (Redis's {@code discardTransaction}). */
    void discard(ClientSession s) {
        sessions.clearQueue(s);
        s.multi = false;
        s.dirtyExec = false;
        s.dirtyCas = false;
        watches.unwatchAll(s);
    }
}
