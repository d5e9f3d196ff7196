package dev.caravan.cli.commands;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.fuzz.DecoderFuzzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code caravan bench fuzz}: the long run of the wire decoders' fuzzer. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Fuzz the RESP and frame decoders with seeded structure-aware mutations for a while.")
public final class BenchFuzzCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "PT2M", description = "total time, ISO-8601 (PT10M) (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--seed", defaultValue = "1", description = "random seed; the same seed replays the same inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        System.out.println("==> fuzzing 4 decoders for " + duration.toSeconds() + " s in all (seed " + seed + ")...");
        Clock clock = Clock.system();
        List<DecoderFuzzer.Outcome> outcomes = DecoderFuzzer.runAll(seed, duration.toNanos() / 4, clock::nanoTime, 10_000,
                line -> System.out.println("==> " + line));
        long findings = outcomes.stream().filter(o -> o.finding() != null).count();
        long inputs = outcomes.stream().mapToLong(DecoderFuzzer.Outcome::inputs).sum();
        System.out.println(findings == 0 ? "no findings in " + inputs + " inputs" : findings + " finding(s); see above");
        return findings == 0 ? 0 : 1;
    }
}
