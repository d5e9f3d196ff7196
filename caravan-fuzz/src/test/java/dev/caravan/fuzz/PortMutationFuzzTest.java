package dev.caravan.fuzz;

import dev.caravan.wire.fuzz.DecoderFuzzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every port's parser: its seeds parse, the checked-in Jazzer corpus holds them, and a short run of
 * {@link DecoderFuzzer}'s structure-aware mutations (huge lengths, splices) finds nothing.
 */
class PortMutationFuzzTest {
    private static final long PER_TARGET_NS = 300_000_000L;
    static final Path CORPUS = Path.of("src/test/resources/dev/caravan/fuzz/AllPortsFuzzTestInputs/everyPortParser");

    static Stream<PortFuzzTargets.PortTarget> targets() {
        return PortFuzzTargets.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldOnlyRefuseWithTypedErrorsUnderMutation(PortFuzzTargets.PortTarget t) throws Exception {
        DecoderFuzzer.Target guarded = AllocationGuard.guarded(t.target(), t.seeds());
        for (byte[] seed : t.seeds()) {
            guarded.run(seed);
        }
        DecoderFuzzer.Outcome o = PortFuzzer.runAll(List.of(t), 7, PER_TARGET_NS, System::nanoTime, 10_000, line -> { })
                .getFirst();
        assertThat(o.finding()).as(t.name() + " on input " + o.inputHex()).isNull();
        assertThat(o.inputs()).isPositive();
    }

    @Test
    void shouldFlagAParserThatAllocatesPastTheLimit() {
        DecoderFuzzer.Target greedy = input -> {
            byte[][] chunks = new byte[40][];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = new byte[1 << 20];
            }
            assertThat(chunks[39]).hasSize(1 << 20);
        };
        assertThatThrownBy(() -> AllocationGuard.guarded(greedy, List.of()).run(new byte[1]))
                .isInstanceOf(AllocationGuard.ExcessiveAllocation.class);
    }

    /** The Jazzer corpus is every target's seeds with its selector byte; regenerate with CARAVAN_FUZZ_WRITE_CORPUS=1 in the environment. */
    @Test
    void shouldKeepEveryTargetsSeedsInTheJazzerCorpus() throws IOException {
        Path corpus = Path.of(System.getProperty("basedir", ".")).resolve(CORPUS);
        List<PortFuzzTargets.PortTarget> all = PortFuzzTargets.all();
        for (int i = 0; i < all.size(); i++) {
            List<byte[]> seeds = all.get(i).seeds();
            for (int s = 0; s < seeds.size(); s++) {
                byte[] input = new byte[seeds.get(s).length + 1];
                input[0] = (byte) i;
                System.arraycopy(seeds.get(s), 0, input, 1, seeds.get(s).length);
                Path file = corpus.resolve(all.get(i).name() + "-" + s);
                if (System.getenv("CARAVAN_FUZZ_WRITE_CORPUS") != null) {
                    Files.createDirectories(corpus);
                    Files.write(file, input);
                }
                assertThat(file).as("corpus file " + file).exists();
                assertThat(HexFormat.of().formatHex(readAll(file))).as(file.toString())
                        .isEqualTo(HexFormat.of().formatHex(input));
            }
        }
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
