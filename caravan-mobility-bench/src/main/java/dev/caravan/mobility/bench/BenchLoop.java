package dev.caravan.mobility.bench;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;

/**
 * The measured loop: a request loop whose receive is two frames below {@code run}
 * ({@code run → step → fetch → ctx.receive()}), with a little arithmetic in each frame, so that when
 * enhanced all three frames carry JavaFlow's guards. Returns when {@code receive} gives null.
 */
public final class BenchLoop implements LoopProcess {
    /** The last accumulated value, read by the benchmark so the JIT cannot drop the work. */
    public long result;

    @Override
    public void run(LoopContext ctx) {
        long acc = 17;
        while (true) {
            long next = step(ctx, acc);
            if (next == Long.MIN_VALUE) {
                break;
            }
            acc = next;
        }
        result = acc;
    }

    private long step(LoopContext ctx, long acc) {
        long x = fetch(ctx);
        if (x < 0) {
            return Long.MIN_VALUE;
        }
        return (acc ^ x) * 31 + (acc >>> 7);
    }

    private long fetch(LoopContext ctx) {
        Request r = ctx.receive();
        return r == null ? -1 : (r.id() * 0x9E3779B97F4A7C15L) >>> 1;
    }
}
