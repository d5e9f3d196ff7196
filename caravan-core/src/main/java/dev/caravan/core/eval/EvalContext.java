package dev.caravan.core.eval;

import dev.caravan.core.time.Clock;

/**
 * What a {@link RemoteFunction} sees of the process it runs beside: read-only views of its data,
 * the budget left, the clock. There is no write path: neither view nor this context offers a
 * method that changes the process.
 *
 * <p>Every read checks the budget first and fails with
 * {@link dev.caravan.wire.ErrorCode#BUDGET_EXCEEDED} once the function is over its time or
 * memory budget, or once the runtime has stopped it; a function that never reads is stopped by
 * the runtime's watch (see {@link FunctionRunner}). Call from the function's own thread only.
 */
public interface EvalContext {
    /** The name of the process the function runs beside. */
    String processName();

    /** The id of the node hosting the process ({@code ""} outside a node). */
    String nodeId();

    /** The process's paged memory, read-only. */
    ReadOnlyMemory memory();

    /**
     * The process's own read view of its keys and values, or null when the process offers none
     * ({@link dev.caravan.core.process.CaravanProcess#evalView()}); the key-value process offers one.
     */
    KeyValueView keys();

    /** Milliseconds left of the time budget (0 when spent). */
    long timeLeftMs();

    /** Bytes the function may still allocate on the Java heap before it is stopped (0 when spent). */
    long memoryLeftBytes();

    /**
     * Throws {@link dev.caravan.wire.ErrorCode#BUDGET_EXCEEDED} when the function is over a
     * budget; a long computation that does not read calls it now and then to stop early.
     */
    void checkBudget();

    /** The process's injected clock. */
    Clock clock();
}
