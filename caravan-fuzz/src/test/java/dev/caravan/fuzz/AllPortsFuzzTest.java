package dev.caravan.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.caravan.wire.fuzz.DecoderFuzzer;

import java.util.Arrays;
import java.util.List;

/**
 * Jazzer over every port's parser in one JVM: the input's first byte picks the
 * {@link PortFuzzTargets} target (modulo their count), the rest is its input, under
 * {@link AllocationGuard}. Without JAZZER_FUZZ only the checked-in corpus
 * ({@code AllPortsFuzzTestInputs/everyPortParser}: every target's seeds) is replayed; the module's
 * surefire configuration sets JAZZER_FUZZ=1, so {@code mvn test} also fuzzes for {@code maxDuration}.
 */
class AllPortsFuzzTest {
    private static final List<DecoderFuzzer.Target> TARGETS = PortFuzzTargets.all().stream()
            .map(t -> AllocationGuard.guarded(t.target(), t.seeds())).toList();

    @FuzzTest(maxDuration = "4s")
    void everyPortParser(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        TARGETS.get(Byte.toUnsignedInt(input[0]) % TARGETS.size()).run(Arrays.copyOfRange(input, 1, input.length));
    }
}
