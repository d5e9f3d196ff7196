package dev.caravan.core.eval;

import dev.caravan.wire.command.Reply;

import java.util.List;

/**
 * A function a client ships to the data (the chapter's remote evaluation): a class in a code
 * bundle that the node hosting a process loads in the bundle's own class loader, instantiates
 * with its public no-argument constructor and applies once, with read access to that process's
 * data, within a time and memory budget ({@code caravan eval}, {@code CaravanClient.evaluate}).
 *
 * <p>Threading: {@link #apply} runs on a thread of its own while the process's thread waits for
 * it, so the process serves no command meanwhile and its data does not change under the
 * function (see {@link EvalContext}). The function may not keep the context, or anything read
 * through it, past its return.
 *
 * <p>Errors: an exception thrown by the function becomes a one-line error reply
 * ({@code ERR function <class> failed: <exception>: <message> (at <frame>)}), as Redis reports a
 * failing {@code EVAL} script; a function over its budget is stopped and the caller gets
 * {@link dev.caravan.wire.ErrorCode#BUDGET_EXCEEDED}.
 */
public interface RemoteFunction {
    /**
     * Computes a reply from the process's data.
     *
     * @param ctx  read access to the process's data, the budget left and the clock
     * @param args the arguments the client sent, as bytes (their meaning is the function's)
     * @return the reply sent back to the client; must not be a control reply (blocked, suppressed)
     */
    Reply apply(EvalContext ctx, List<byte[]> args);
}
