package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;

import java.util.Objects;

/**
 * The bottom frame of a loop's continuation: {@code run()} calls {@code process.run(ctx)}. Each
 * {@link EnhancedBundle} defines its own JavaFlow-enhanced copy of this class (same name, the
 * bundle's loader); obtain it with {@link EnhancedBundle#runner}, never with {@code new} — this
 * class as compiled is not enhanced and cannot be suspended.
 */
public final class LoopRunner implements Runnable {
    private final LoopProcess process;
    private final LoopContext ctx;

    public LoopRunner(LoopProcess process, LoopContext ctx) {
        this.process = Objects.requireNonNull(process, "process");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    /** The process this runner runs. */
    public LoopProcess process() {
        return process;
    }

    /** The context it runs with. */
    public LoopContext context() {
        return ctx;
    }

    @Override
    public void run() {
        process.run(ctx);
    }
}
