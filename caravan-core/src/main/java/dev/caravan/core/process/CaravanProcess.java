package dev.caravan.core.process;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;

/**
 * What a process author implements. A Caravan process is code (the bundle that holds this
 * class), data (its {@link ProcessContext#memory() paged memory} plus a small object state
 * written by {@link #writeState}), execution state (its queue of pending commands, kept by
 * the runtime) and resource bindings ({@link #resources()}).
 *
 * <h2>Threading contract</h2>
 * Every method here is called on the process's own virtual thread, one call at a time, never
 * concurrently: the process is the single writer of its state and needs no locks. A method
 * must not block for long (a blocked process serves nobody); it must not keep references to
 * its {@link Command}s after returning.
 *
 * <h2>State contract</h2>
 * Everything the process needs to continue elsewhere must be in its paged memory or in the
 * object state; Java fields that are not written by {@link #writeState} are rebuilt in
 * {@link #onStart} (for example a cached view of a table laid out in memory).
 *
 * <p>Implementations need a public no-argument constructor; the runtime instantiates them
 * from their bundle's class loader.
 */
public interface CaravanProcess {
    /**
     * Called once before the first command. {@code restored} is true when the memory and
     * object state were brought from elsewhere (migration, clone, checkpoint) and false for a
     * fresh start.
     */
    void onStart(ProcessContext context, boolean restored);

    /** Handles one command and returns its reply. Exceptions become an error reply. */
    Reply onCommand(Command command);

    /** Periodic housekeeping (expiry and the like); {@code nowMs} is the injected clock's time. */
    default void onTick(long nowMs) {
    }

    /** Called once when the process stops for good on this node. */
    default void onStop() {
    }

    /** Version of the object-state layout written by {@link #writeState}. */
    default int stateVersion() {
        return 1;
    }

    /** Writes the small object state (the paged memory travels separately). */
    default void writeState(BodyWriter out) {
    }

    /** Reads object state written by {@link #writeState} at {@code version}. */
    default void readState(int version, BodyReader in) {
    }

    /** Whether a command only reads state, so that a client may retry it blindly. */
    default boolean isReadOnly(Command command) {
        return false;
    }

    /** The resources this process is bound to, for migration to treat per the chapter's table. */
    default List<ResourceBinding> resources() {
        return List.of();
    }
}
