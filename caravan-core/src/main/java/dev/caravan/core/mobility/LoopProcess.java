package dev.caravan.core.mobility;

/**
 * A process written as an ordinary Java loop — strong mobility (van Steen &amp; Tanenbaum,
 * <em>Distributed Systems</em>, ch. 3, "code migration": the execution segment moves too).
 * <pre>{@code
 * public final class Counter implements LoopProcess {
 *     public void run(LoopContext ctx) {
 *         long served = 0;
 *         while (true) {
 *             Request r = ctx.receive();               // a suspension point
 *             served++;
 *             ctx.reply(r, Reply.integer(served));
 *         }
 *     }
 * }
 * }</pre>
 * The process may be moved (every migration mode), cloned or checkpointed whenever it is
 * suspended at a suspension point of {@link LoopContext} ({@code receive}, {@code sleep},
 * {@code moveTo}, {@code cloneTo}); it continues on the destination at that point with its
 * stack and locals.
 *
 * <h2>What may be live at a suspension point</h2>
 * Locals and operand-stack values live at a suspension point are written into the migration
 * stream in Caravan's continuation format: primitives, {@code String}, {@code byte[]},
 * {@link Request}, records of those, and the types this process gives a codec for in
 * {@link #codecs}. Code that cannot be captured — a lambda or method reference on a suspending
 * path, a value of another type live at a suspension point (a for-each iterator, for one), a
 * suspension inside {@code synchronized} — is refused with
 * {@link dev.caravan.wire.ErrorCode#CODE_REFUSED} when the bundle is loaded, naming the class,
 * method and line; never in the middle of a migration.
 *
 * <h2>Threading</h2>
 * {@link #run} runs on the process's own thread, the single writer of its state, between
 * suspension points; everything the runtime does to the process (replies, migration, ticks)
 * happens while the loop is suspended. Implementations need a public no-argument constructor.
 */
public interface LoopProcess {
    /**
     * The loop. Returning ends the process (it stops on its node, as {@code caravan stop} would).
     * An exception escaping it fails the process.
     */
    void run(LoopContext ctx);

    /** Declares codecs for this process's own types that may be live at a suspension point. */
    default void codecs(Codecs codecs) {
    }

    /**
     * Version of the layout of this process's continuation (its locals and codec'd types), carried
     * with it; a destination whose code declares another version refuses the state before the
     * source gives up ownership unless {@link #readsStateVersion} says it can read it.
     */
    default int stateVersion() {
        return 1;
    }

    /** Whether this code can read a continuation written at {@code version}; the default: only its own. */
    default boolean readsStateVersion(int version) {
        return version == stateVersion();
    }
}
