package dev.caravan.servers.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;

/**
 * Executes the batches of RESP commands that clients pipelined, per client session — the
 * shape of a node's data endpoint, which posts a batch to a process mailbox with the session's
 * {@link dev.caravan.core.process.ClientRef} and waits for its replies. Must be thread-safe
 * (sessions are served concurrently); may block.
 *
 * <p>Replies may include the control kinds: {@link Reply.Suppressed} (nothing is written) and
 * {@link Reply.Closing} (written, then the client's connection closes — over a session link, the
 * forwarder closes it). {@link Reply.Blocked} must not be returned.
 */
@FunctionalInterface
public interface RespCommandHandler {
    /** One reply per command of {@code batch}, in order, for {@code session}. */
    Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException;

    /**
     * {@link #execute(RespSession, List)} for a serving thread that must not wait
     * ({@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD}, where it is a node's process
     * thread): calls {@code done} exactly once, before returning or later on any thread. The
     * default answers at once through {@link #execute(RespSession, List)}.
     */
    default void execute(RespSession session, List<Command> batch, java.util.function.Consumer<Reply[]> done)
            throws InterruptedException {
        done.accept(execute(session, batch));
    }

    /**
     * {@code session}'s client is gone: its connection to this endpoint closed (any cause), or
     * the forwarder of a linked session said its client closed. Called once per direct session,
     * after its last {@link #execute}; for a linked session once per notice. May block briefly.
     */
    default void onClosed(RespSession session) {
    }
}
