package dev.caravan.node;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test process whose LOOP command spins: until interrupted when deployed with
 * {@code interrupts=obey}, and until {@link #release} otherwise (it ignores interrupts, as a
 * handler stuck in a tight loop does). DIE kills its thread with an Error.
 */
public final class Spinner implements CaravanProcess {
    private static final Map<String, AtomicBoolean> RELEASED = new ConcurrentHashMap<>();
    private ProcessContext context;
    private boolean obeysInterrupts;

    public Spinner() {
    }

    /** Lets every LOOP of process {@code name} return. */
    static void release(String name) {
        released(name).set(true);
    }

    private static AtomicBoolean released(String name) {
        return RELEASED.computeIfAbsent(name, n -> new AtomicBoolean());
    }

    @Override
    public void onStart(ProcessContext ctx, boolean restored) {
        this.context = ctx;
        this.obeysInterrupts = "obey".equals(ctx.config().get("interrupts"));
    }

    @Override
    public Reply onCommand(Command command) {
        switch (command.name()) {
            case "LOOP" -> {
                AtomicBoolean released = released(context.name());
                while (!released.get() && !(obeysInterrupts && Thread.currentThread().isInterrupted())) {
                    Thread.onSpinWait();
                }
                return Reply.bulk("released");
            }
            case "DIE" -> throw new AssertionError("the handler broke an invariant");
            default -> {
                return Reply.bulk("pong");
            }
        }
    }
}
