package dev.caravan.core.mobility;

import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.command.Reply;

/**
 * The runtime's side of a {@link LoopProcess}. Methods marked "suspension point" suspend the loop:
 * the process thread returns to the runtime, which may then migrate, clone or checkpoint the
 * process; the method returns when the loop is resumed — possibly on another node, in another
 * JVM. Call it from the loop only (the process thread).
 */
public interface LoopContext {
    /**
     * Suspension point: waits for the next command sent to this process and returns it. Every
     * request must be answered with {@link #reply} before the next {@code receive}; a request
     * left unanswered is answered with an error then.
     */
    Request receive();

    /** Answers a request; a second answer to the same request is refused (INVALID_ARGUMENT). */
    void reply(Request request, Reply reply);

    /** Suspension point: resumes after at least {@code ms} milliseconds of the injected clock. */
    void sleep(long ms);

    /**
     * Suspension point: this process migrates itself to node {@code nodeId} (a mobile agent's
     * hop) and continues there. Never throws for an unreachable or refusing node: the result
     * says what happened and the loop continues where it was.
     */
    MoveResult moveTo(String nodeId);

    /**
     * Suspension point: a copy of this process, named {@code cloneName}, starts on {@code nodeId}
     * and continues from here — like {@code fork()}: the original sees
     * {@link CloneResult#isClone()} false, the copy true.
     */
    CloneResult cloneTo(String nodeId, String cloneName);

    /** The id of the node the loop is running on now; changes after a move. */
    String nodeId();

    /** The rest of the process's runtime: name, epoch, paged memory, clock, config, log. */
    ProcessContext process();
}
