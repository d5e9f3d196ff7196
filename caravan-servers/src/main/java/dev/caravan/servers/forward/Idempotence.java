package dev.caravan.servers.forward;

import dev.caravan.wire.command.Command;

/**
 * Which commands a {@link ProcessForwarder} may send again when a batch's fate is unknown (its
 * link broke after the batch was written, before a whole reply came back).
 *
 * <p>Both forwarders in Caravan use {@link #NONE}: a command's flags (Redis's {@code readonly})
 * are not enough, because a read-only command queued inside {@code MULTI} changes the session
 * (sent twice, it is queued twice), so a resend is never silent. A batch of unknown fate is
 * answered with an error saying it may or may not have run.
 *
 * <p>Threading: must be thread-safe.
 */
@FunctionalInterface
public interface Idempotence {
    /** Nothing is sent twice. */
    Idempotence NONE = c -> false;

    /** Whether running {@code command} twice in its session has the same effect as running it once. */
    boolean isIdempotent(Command command);
}
