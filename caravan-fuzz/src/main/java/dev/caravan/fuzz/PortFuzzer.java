package dev.caravan.fuzz;

import dev.caravan.wire.fuzz.DecoderFuzzer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs {@link DecoderFuzzer}'s seeded structure-aware mutations over every {@link PortFuzzTargets}
 * target in turn, each for an equal share of the time, each under {@link AllocationGuard}. What
 * {@code caravan bench fuzz} runs for minutes; the tests run it for a fraction of a second per target.
 */
public final class PortFuzzer {
    private PortFuzzer() {
    }

    /**
     * @param perTargetNs time per target
     * @param hangMs      an input running longer than this halts the JVM with exit code 2 (a hang)
     * @param progress    told one line per target as it finishes
     */
    public static List<DecoderFuzzer.Outcome> runAll(List<PortFuzzTargets.PortTarget> targets, long seed, long perTargetNs,
                                                     LongSupplier nanoClock, long hangMs, Consumer<String> progress)
            throws InterruptedException {
        List<DecoderFuzzer.Outcome> out = new ArrayList<>();
        for (PortFuzzTargets.PortTarget t : targets) {
            DecoderFuzzer.Outcome o = DecoderFuzzer.run(t.name(), AllocationGuard.guarded(t.target(), t.seeds()), t.seeds(), seed,
                    perTargetNs, nanoClock, hangMs);
            out.add(o);
            progress.accept(o.target() + " (" + t.port() + "): " + o.inputs() + " inputs, "
                    + (o.finding() == null ? "no findings" : "FINDING " + o.finding() + " on input " + o.inputHex()));
        }
        return out;
    }
}
