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
 * {@link #onArrive} (for example a cached view of a table laid out in memory).
 *
 * <h2>Which hook runs where</h2>
 * <pre>
 * how the process came to this node        first hook on its thread        before it?
 * ───────────────────────────────────────  ──────────────────────────────  ─────────────────────────
 * deploy (caravan deploy, fresh memory)    onStart(ctx, false)             nothing
 * migration or clone arrival               onArrive(ctx)                   readState; memory arrived
 * restore from a checkpoint                onArrive(ctx)                   readState; memory restored
 * </pre>
 * A restore arrives through the same path as a migration (the checkpoint plays the source), so
 * it gets the same hook. {@link #onArrive} runs <em>after</em> the switch-over: the process is
 * already registered and taking commands, which queue behind the hook, so the freeze of a
 * migration does not include it (a post-copy process whose hook touches every page would
 * otherwise fault every page inside the freeze). Keep it short anyway, and rebuild large
 * caches lazily: commands wait for it. Its time is measured by the runtime
 * ({@code ProcessRunner.startHook()}). {@link #onStop} runs when the process stops for good on
 * this node, not when it leaves by migration.
 *
 * <p>Implementations need a public no-argument constructor; the runtime instantiates them
 * from their bundle's class loader.
 */
public interface CaravanProcess {
    /**
     * Called once before the first command of a freshly deployed process, with fresh memory.
     * The runtime passes {@code restored} false; it is true only when the default
     * {@link #onArrive} delegates here, for processes written before {@code onArrive} existed.
     */
    void onStart(ProcessContext context, boolean restored);

    /**
     * Called once, first on the process thread, when the process arrived on this node with its
     * memory and object state (migration, clone, restore from a checkpoint), after
     * {@link #readState} and after the switch-over: commands that arrive meanwhile wait behind it.
     * Rebuild Java fields that cache what memory holds here. The default calls
     * {@code onStart(context, true)}, which is what the runtime did before this hook existed.
     */
    default void onArrive(ProcessContext context) {
        onStart(context, true);
    }

    /** Handles one command and returns its reply. Exceptions become an error reply. */
    Reply onCommand(Command command);

    /**
     * Handles one command sent by {@code client}. The runtime calls this one; the default
     * ignores the client and calls {@link #onCommand(Command)}. A process that keeps per-client
     * state (a RESP server's connection state) overrides it and may return the control replies
     * {@link Reply.Suppressed}, {@link Reply.Closing} and {@link Reply.Blocked}.
     */
    default Reply onCommand(ClientRef client, Command command) {
        return onCommand(command);
    }

    /**
     * Asks again for a command that answered {@link Reply.Blocked}: the runtime parked the
     * client's batch and calls this, on the process thread, after each later command that may
     * have changed state (one {@link #isReadOnly} says is not read-only, or a runtime task), the
     * longest-waiting client first, until it returns anything but {@code Blocked} or its deadline
     * passes. A {@code Blocked} answer keeps it waiting with its first deadline (the one given
     * here is ignored). The default runs the command as new; a process overrides it when a
     * retry must differ from a first try (redis-server serves a woken BLPOP only from a list,
     * and keeps waiting on a key that now holds another type instead of answering WRONGTYPE).
     */
    default Reply onRetry(ClientRef client, Command command) {
        return onCommand(client, command);
    }

    /**
     * The client connection with this session id is gone (closed by the client, killed, or its
     * forwarding endpoint gone): drop its per-client state. Never called for session 0.
     */
    default void onClientClosed(long sessionId) {
    }

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

    /**
     * Whether this code can read object state written at {@code version} (by this code or by
     * another build of the process: an upgrade, a checkpoint of an older bundle). A destination
     * asks it when a migration begins and again before {@link #readState}, and refuses a version it
     * cannot read with {@code UNSUPPORTED_VERSION} before the source gives up ownership. The default:
     * only this code's own {@link #stateVersion()}. May be called on a control thread before the
     * process thread starts; it must answer from the code alone (no state, no context).
     */
    default boolean readsStateVersion(int version) {
        return version == stateVersion();
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

    /**
     * The read view a shipped function ({@link dev.caravan.core.eval.RemoteFunction}) gets of
     * this process's keys and values, or null (the default) when it offers none. Called on the
     * process thread just before the function runs; the view is then called from the function's
     * thread while the process thread waits, so it must read only and must not change anything,
     * not even lazily (no expiry on read).
     */
    default dev.caravan.core.eval.KeyValueView evalView() {
        return null;
    }

    /** The resources this process is bound to, for migration to treat per the chapter's table. */
    default List<ResourceBinding> resources() {
        return List.of();
    }
}
