package dev.caravan.servers.resp;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.SessionLink;

import java.util.ArrayList;
import java.util.List;

/**
 * The data endpoint's end of one {@link SessionLink} connection, after its hello: reassembles
 * each {@code CARAVAN.BATCH} header and the commands it announces (which may arrive over several
 * reads), runs them as one batch of the linked session, and answers with one framed reply.
 *
 * <p>Every command gets exactly one reply, as {@link RespProtocol} requires: the header and all
 * but the last command of a batch get {@link Reply#SUPPRESSED} (nothing is written), the last
 * one gets the framed reply. A malformed header is answered with an error that closes the link
 * ({@link Reply.Closing}): the stream is out of step. Threading: one instance per link
 * connection, used by its serving thread, or by the thread that answers a batch later while
 * the serving thread leaves the link alone.
 *
 * <p>Off-heap arguments: a command kept for a batch still being reassembled is retained (the
 * protocol releases each read batch once it is answered) and released once its batch was
 * answered, or by {@link #close()} when the link ends first. Replies with off-heap values go
 * into the framed reply as they are; writing it (or discarding it) releases them.
 */
final class SessionLinkReceiver {
    private final RespCommandHandler handler;
    private SessionLink.Header header;
    private List<Command> commands;
    private boolean closed;

    SessionLinkReceiver(RespCommandHandler handler) {
        this.handler = handler;
    }

    /** Appends one reply per command of {@code batch} to {@code replies}, waiting for the handler. */
    void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        java.util.concurrent.CompletableFuture<List<Reply>> answered = new java.util.concurrent.CompletableFuture<>();
        handle(batch, answered::complete);
        try {
            replies.addAll(answered.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("link batch completion failed", e.getCause());
        }
    }

    /**
     * One reply per command of {@code batch} to {@code done}, once: at once, or after the
     * handler answered a linked session's batch later (then on its thread). The serving model
     * sends nothing more on this link meanwhile.
     */
    void handle(List<Command> batch, dev.caravan.servers.protocol.AsyncProtocol.Replies<Reply> done) throws InterruptedException {
        continueAt(batch, 0, new ArrayList<>(batch.size()), done);
    }

    private void continueAt(List<Command> batch, int from, List<Reply> replies,
                            dev.caravan.servers.protocol.AsyncProtocol.Replies<Reply> done) throws InterruptedException {
        int n = batch.size();
        for (int i = from; i < n; i++) {
            Command c = batch.get(i);
            if (header != null) {
                int kept = keep(c);
                if (kept < 0) {
                    // The link ended while an earlier batch waited: nothing more runs or is written.
                    for (int j = i; j < n; j++) {
                        replies.add(Reply.SUPPRESSED);
                    }
                    done.accept(replies);
                    return;
                }
                if (kept == 0) {
                    replies.add(Reply.SUPPRESSED);
                    continue;
                }
                int next = i + 1;
                // 0: in the handler's call; 1: answered within it (go on here); 2: the call returned first (go on there).
                java.util.concurrent.atomic.AtomicInteger answer = new java.util.concurrent.atomic.AtomicInteger();
                runBatch(framed -> {
                    replies.add(framed);
                    if (answer.compareAndSet(0, 1)) {
                        return;
                    }
                    try {
                        continueAt(batch, next, replies, done);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                if (answer.compareAndSet(0, 2)) {
                    return; // answered later: the rest of the batch continues then
                }
                continue;
            }
            try {
                switch (c.name()) {
                    case SessionLink.BATCH -> {
                        SessionLink.Header parsed = SessionLink.parseBatch(c);
                        synchronized (this) {
                            header = parsed;
                            commands = new ArrayList<>(Math.min(parsed.count(), 1024));
                        }
                        replies.add(Reply.SUPPRESSED);
                    }
                    case SessionLink.CLOSED -> {
                        long id = SessionLink.parseClosed(c);
                        if (id != 0) {
                            handler.onClosed(RespSession.linked(new ClientRef(id, "", "")));
                        }
                        replies.add(Reply.OK);
                    }
                    default -> throw dev.caravan.wire.ErrorCode.MALFORMED.exception("session link: expected "
                            + SessionLink.BATCH + " or " + SessionLink.CLOSED + ", got " + c.name());
                }
            } catch (CaravanException e) {
                replies.add(new Reply.Closing(Reply.error("ERR " + e.getMessage())));
                for (int j = i + 1; j < n; j++) {
                    replies.add(Reply.SUPPRESSED);
                }
                done.accept(replies);
                return;
            }
        }
        done.accept(replies);
    }

    private void runBatch(java.util.function.Consumer<Reply> framed) throws InterruptedException {
        SessionLink.Header h;
        List<Command> batch;
        synchronized (this) {
            h = header;
            batch = commands;
            header = null;
            commands = null;
        }
        if (batch == null) {
            framed.accept(Reply.SUPPRESSED); // the link ended meanwhile and released the batch
            return;
        }
        RespSession session = RespSession.linked(new ClientRef(h.sessionId(), h.addr(), h.laddr()));
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            handler.execute(session, batch, out -> {
                if (released.compareAndSet(false, true)) {
                    batch.forEach(Command::release);
                }
                if (out.length != batch.size()) {
                    for (Reply r : out) {
                        Reply.release(r);
                    }
                    throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
                }
                framed.accept(SessionLink.frame(out));
            });
        } catch (InterruptedException | RuntimeException e) {
            if (released.compareAndSet(false, true)) {
                batch.forEach(Command::release);
            }
            throw e;
        }
    }

    /**
     * Keeps {@code c} (retained) for the batch being reassembled: 0 when more are announced, 1
     * when the batch is complete (then taken by {@link #runBatch}), -1 once the link ended.
     */
    private synchronized int keep(Command c) {
        if (closed) {
            return -1;
        }
        commands.add(c.retain());
        return commands.size() < header.count() ? 0 : 1;
    }

    /** The link connection ended: releases the commands of a batch it did not finish sending. */
    synchronized void close() {
        closed = true;
        if (commands != null) {
            commands.forEach(Command::release);
            commands = null;
            header = null;
        }
    }
}
