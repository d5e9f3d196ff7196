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
 * connection, used by its serving thread.
 *
 * <p>Off-heap arguments: a command kept for a batch still being reassembled is retained (the
 * protocol releases each read batch once it is handled) and released once its batch ran, or
 * by {@link #close()} when the link ends first. Replies with off-heap values go into the framed
 * reply as they are; writing it releases them.
 */
final class SessionLinkReceiver {
    private final RespCommandHandler handler;
    private SessionLink.Header header;
    private List<Command> commands;

    SessionLinkReceiver(RespCommandHandler handler) {
        this.handler = handler;
    }

    /** Appends one reply per command of {@code batch} to {@code replies}. */
    void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            Command c = batch.get(i);
            if (header != null) {
                commands.add(c.retain());
                if (commands.size() < header.count()) {
                    replies.add(Reply.SUPPRESSED);
                } else {
                    replies.add(runBatch());
                }
                continue;
            }
            try {
                switch (c.name()) {
                    case SessionLink.BATCH -> {
                        header = SessionLink.parseBatch(c);
                        commands = new ArrayList<>(Math.min(header.count(), 1024));
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
                return;
            }
        }
    }

    private Reply runBatch() throws InterruptedException {
        SessionLink.Header h = header;
        List<Command> batch = commands;
        header = null;
        commands = null;
        RespSession session = RespSession.linked(new ClientRef(h.sessionId(), h.addr(), h.laddr()));
        Reply[] out;
        try {
            out = handler.execute(session, batch);
        } finally {
            batch.forEach(Command::release);
        }
        if (out.length != batch.size()) {
            for (Reply r : out) {
                Reply.release(r);
            }
            throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
        }
        return SessionLink.frame(out);
    }

    /** The link connection ended: releases the commands of a batch it did not finish sending. */
    void close() {
        if (commands != null) {
            commands.forEach(Command::release);
            commands = null;
            header = null;
        }
    }
}
