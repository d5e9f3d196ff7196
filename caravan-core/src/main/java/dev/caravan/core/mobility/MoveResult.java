package dev.caravan.core.mobility;

/**
 * What {@link LoopContext#moveTo} did.
 *
 * @param moved  whether the process now runs on {@code nodeId}
 * @param nodeId the node the loop runs on now (the target when moved, else where it was)
 * @param reason why it did not move ({@code ""} when it did): one line, e.g. "node n3 is unreachable"
 */
public record MoveResult(boolean moved, String nodeId, String reason) {
}
