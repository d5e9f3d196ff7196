package dev.caravan.core.eval;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;

/**
 * The process a {@link RemoteFunction} runs beside, as the runtime hands it to
 * {@link FunctionRunner}: read on the process thread, while the process is idle.
 *
 * @param view the process's own read view, or null when it offers none
 */
public record EvalTarget(String processName, String nodeId, PagedMemory memory, KeyValueView view, Clock clock) {
}
