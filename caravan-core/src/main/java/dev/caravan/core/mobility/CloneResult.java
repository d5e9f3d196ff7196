package dev.caravan.core.mobility;

/**
 * What {@link LoopContext#cloneTo} did, seen by the original and by the copy.
 *
 * @param isClone   true in the copy, false in the original
 * @param cloned    whether the copy was made (always true in the copy)
 * @param cloneName the copy's process name
 * @param reason    why no copy was made ({@code ""} when it was)
 */
public record CloneResult(boolean isClone, boolean cloned, String cloneName, String reason) {
}
